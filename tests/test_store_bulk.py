"""The bulk paths for large uploads and reads give back exactly what was stored.

Rows go into the database a chunk at a time straight through the driver (COPY on
PostgreSQL) and come back a column at a time (a JSON array per column on SQLite, COPY on
PostgreSQL); these tests prove that awkward values survive the trip unchanged, on SQLite and,
when configured, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from app_support import seeded_template_fixture  # noqa: F401 (a fixture, asked for by name)
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from metrics import api, datasets
from metrics import compute as calculators
from metrics.compute.frames import needed_columns
from metrics.db import store

# Text a CSV or JSON writer could trip over: separators, quotes, a backslash, a line break,
# accents and a symbol outside Latin-1; and a number that needs all 17 digits to come back
# exactly (0.1 + 0.2 is 0.30000000000000004 in floating point).
AWKWARD_TEXT = 'a "quoted", comma; semi\\colon\nnew line – café €'
EXACT = 0.1 + 0.2


def official_rows() -> pl.DataFrame:
    """Three official_values rows as validation hands them to storage, blanks as nulls."""
    schema = store.polars_schema("official_values")
    frame = pl.DataFrame(
        {
            "indicator_id": ["ehc_20wk_excl_exceptions", "ehc_20wk_excl_exceptions", "x"],
            "period": ["2023", "2024", "2024"],
            "source": ["ees", "ees", "lait"],
            "geographic_level": ["national", "local_authority", "regional"],
            "area_code": ["E92000001", None, "E12000007"],
            "area": ["England", AWKWARD_TEXT, "London"],
            "old_la_code": [None, "201", None],
            "breakdown": [AWKWARD_TEXT, "", None],
            "numerator": [39407.0, None, 1e-7],
            "denominator": [84866.0, 12.0, None],
            "value": [EXACT, -0.0, 123456789.12345679],
            "symbol": [None, "c", None],
            "source_file": ["timeliness_20_week.csv", None, "lait.csv"],
        },
        schema=schema,
    )
    return frame.with_columns(
        row_number=pl.Series([2, 3, 4], dtype=pl.Int64),
        period_key=pl.format("{}|{}", pl.col("indicator_id"), pl.col("period")),
    )


def store_rows(engine: Engine, dataset: str, rows: pl.DataFrame) -> int:
    meta = store.BatchMeta(dataset, "officer@test", "bulk.csv", "0" * 64)
    with store.write_transaction(engine) as conn:
        return store.write_batch(conn, meta, rows).batch_id


def test_awkward_text_and_exact_numbers_come_back_unchanged(engine: Engine) -> None:
    rows = official_rows()
    batch = store_rows(engine, "official_values", rows)

    with engine.connect() as conn:
        back = store.read_active(conn, "official_values")

    expected = rows.select(
        pl.lit(batch, dtype=pl.Int64).alias("batch_id"), "row_number", "period_key",
        *datasets.get("official_values").column_names,
    )  # fmt: skip
    assert_frame_equal(back, expected)
    assert back.get_column("value")[0] == 0.30000000000000004


def test_dates_and_whole_numbers_come_back_unchanged_in_upload_order(engine: Engine) -> None:
    # Two uploads for different years: the 2024 rows were stored first, then the 2023 rows.
    schema = store.polars_schema("ap_placements")
    first = pl.DataFrame(
        {
            "placement_ref": ["P2", "P1"],
            "child_ref": ["C2", "C1"],
            "start_date": [dt.date(2024, 9, 2), dt.date(2024, 10, 1)],
            "end_date": [None, dt.date(2025, 2, 28)],
            "placed_by": ["school", "local_authority"],
            "notified_to_la": ["yes", "no"],
            "provider_quality_assured": ["yes", "yes"],
            "panel_quality_rating": ["high", "not_rated"],
            "sen_status": ["ehc_plan", None],
        },
        schema=schema,
    ).with_columns(row_number=pl.Series([2, 3]), period_key=pl.lit("2024/25"))
    second = first.with_columns(
        placement_ref=pl.Series(["P0", "P9"]),
        start_date=pl.Series([dt.date(2023, 9, 4), dt.date(2023, 12, 31)]),
        period_key=pl.lit("2023/24"),
    )
    store_rows(engine, "ap_placements", first)
    store_rows(engine, "ap_placements", second)

    with engine.connect() as conn:
        back = store.read_active(conn, "ap_placements", ["placement_ref", "start_date"])

    assert back.columns == ["placement_ref", "start_date"]
    assert back.select("placement_ref", "start_date").rows() == [
        ("P2", dt.date(2024, 9, 2)),
        ("P1", dt.date(2024, 10, 1)),
        ("P0", dt.date(2023, 9, 4)),
        ("P9", dt.date(2023, 12, 31)),
    ]


def test_a_dataset_with_nothing_stored_reads_as_an_empty_frame(engine: Engine) -> None:
    with engine.connect() as conn:
        back = store.read_active(conn, "panel_requests")

    assert back.height == 0
    assert back.columns == ["batch_id", "row_number", "period_key", "request_ref", "panel_date",
                            "request_type", "quality_rating"]  # fmt: skip
    assert back.schema["panel_date"] == pl.Date()


def test_the_ehc_request_indicators_read_the_columns_they_name_and_no_others() -> None:
    reg = api.registry()

    needed = needed_columns(reg.indicators, "ehc_requests")

    # The registry's ehc_requests indicators (docs: briefs/ids.md) use the three dates, the
    # request and assessment outcomes, the 20-week exception, support while waiting, and the
    # breakdowns ethnic group (and global majority), sex, age band and primary need: every
    # column except the case reference and mediation or tribunal.
    assert needed == [
        "request_received_date", "request_decision_date", "request_outcome",
        "assessment_outcome", "plan_issued_date", "exception_20_weeks", "age_at_request", "sex",
        "ethnic_group", "primary_need", "waiting_support_offered",
    ]  # fmt: skip


def test_reading_only_the_needed_columns_changes_no_result(seeded_template: Path) -> None:
    eng = api.engine(f"sqlite:///{seeded_template}")
    reg = api.registry()
    today = dt.date(2026, 11, 27)
    with eng.connect() as conn:
        every_column = {n: store.read_active(conn, n).lazy() for n in api.datasets_used(reg)}

    from_every_column = calculators.compute_all(every_column, reg, today=today)

    assert_frame_equal(api.compute(eng, reg, on=today), from_every_column)
