"""The preview says what an upload would change before anything is written, and is right."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from ingest_support import CORRECTED_2024, FIRST
from sqlalchemy.engine import Engine

from metrics import api, ingest, registry
from metrics.db import store

TODAY = dt.date(2026, 11, 27)
WAITING = "ehc_waiting_support"


@pytest.fixture(scope="module")
def reg() -> registry.Registry:
    return registry.load()


def checked(reg: registry.Registry, content: bytes) -> ingest.Validation:
    report, validation = ingest.check_file("ehc_requests", content, "f.csv", reg, today=TODAY)
    assert report.ok and validation is not None
    return validation


def digest(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return store.table_digest(conn)


def change(preview: ingest.Preview, indicator: str, period: str) -> dict[str, object]:
    rows = preview.changes.filter(
        (pl.col("indicator_id") == indicator) & (pl.col("period") == period)
    ).to_dicts()
    assert len(rows) == 1, (indicator, period, preview.changes)
    return rows[0]


def figures(row: dict[str, object], side: str) -> tuple[object, object, object]:
    return row[f"{side}_numerator"], row[f"{side}_denominator"], row[f"{side}_value"]


def test_a_first_upload_previews_new_figures_and_writes_nothing(
    engine: Engine, reg: registry.Registry
) -> None:
    before = digest(engine)
    preview = ingest.preview(engine, reg, "ehc_requests", checked(reg, FIRST), today=TODAY)

    assert digest(engine) == before
    assert preview.rows_added == 7
    assert preview.periods == ["2023", "2024"]
    assert preview.rows_superseded == 0
    assert preview.superseded_batches == []
    # 2023: 1 of 2 assessed families offered support; 2024: 2 of 4. Nothing before.
    c2023, c2024 = change(preview, WAITING, "2023"), change(preview, WAITING, "2024")
    assert figures(c2023, "before") == (None, None, None)
    assert figures(c2023, "after") == (1, 2, 50.0)
    assert figures(c2024, "after") == (2, 4, 50.0)
    assert c2024["title"] == reg.indicator(WAITING).title


def test_a_reupload_previews_what_it_supersedes_and_the_before_and_after(
    engine: Engine, reg: registry.Registry
) -> None:
    first = ingest.ingest(engine, "ehc_requests", FIRST, "first.csv", reg, user="o", today=TODAY)
    assert first.stored
    before = digest(engine)

    preview = ingest.preview(engine, reg, "ehc_requests", checked(reg, CORRECTED_2024), today=TODAY)

    assert digest(engine) == before
    assert preview.rows_added == 4
    assert preview.periods == ["2024"]
    # A3 to A7 are the first upload's 2024 rows
    assert preview.rows_superseded == 5
    assert preview.superseded.select("batch_id", "file_name", "uploaded_by", "rows").rows() == [
        (first.stored.batch_id, "first.csv", "o", 5)
    ]
    # 2024 goes from 2 of 4 (50%) to 4 of 4 (100%); 2023 does not change, so is not listed
    moved = change(preview, WAITING, "2024")
    assert figures(moved, "before") == (2, 4, 50.0)
    assert figures(moved, "after") == (4, 4, 100.0)
    assert preview.changes.filter(pl.col("period") == "2023").height == 0
    # only indicators that read EHC requests can change
    reads_requests = {i.id for i in reg.indicators if i.source.dataset == "ehc_requests"}
    assert WAITING in preview.indicators_changed
    assert set(preview.indicators_changed) <= reads_requests


def test_the_previewed_after_figures_are_what_the_upload_then_gives(
    engine: Engine, reg: registry.Registry
) -> None:
    ingest.ingest(engine, "ehc_requests", FIRST, "first.csv", reg, user="o", today=TODAY)
    preview = ingest.preview(engine, reg, "ehc_requests", checked(reg, CORRECTED_2024), today=TODAY)
    ingest.ingest(
        engine, "ehc_requests", CORRECTED_2024, "corrected.csv", reg, user="o", today=TODAY
    )
    actual = api.compute(engine, reg, on=TODAY).filter(pl.col("breakdown").is_null())
    expected = preview.changes.select(
        "indicator_id",
        "period",
        pl.col("after_value").alias("value"),
        pl.col("after_status").alias("status"),
    )
    got = expected.join(actual, on=["indicator_id", "period"], how="left", suffix="_actual")
    assert expected.height > 0
    assert got["value"].eq_missing(got["value_actual"]).all()
    assert got["status"].eq_missing(got["status_actual"]).all()
