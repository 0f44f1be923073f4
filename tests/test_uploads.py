"""`metrics.uploads`: the tables and words the officer pages show, and what a roll back would do.

The roll back tests run on real databases (SQLite, and PostgreSQL when configured), with the
small EHC request files of tests/ingest_support.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
import pytest
from ingest_support import CORRECTED_2024, FIRST, THIRD_2024
from sqlalchemy.engine import Engine

from metrics import ingest, uploads
from metrics.db import store
from metrics.registry import Registry, load

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load()


def test_the_problems_download_is_a_csv_excel_opens_where_no_cell_runs_as_a_formula() -> None:
    problems = pl.DataFrame(
        [
            (None, None, "big.csv", "The file is too big.", "Split it."),
            (3, "case_ref", '=HYPERLINK("http://example.com")', "Looks like a formula.", "Fix."),
            (4, "age_at_request", "-5", "Below 0.", "Write the age in years."),
        ],
        schema=ingest.PROBLEM_SCHEMA,
        orient="row",
    )

    text = uploads.problems_csv(problems).decode("utf-8")

    # a byte order mark, so Excel reads it as UTF-8
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["Row", "Column", "Value", "What is wrong", "How to fix it"]
    assert rows[1][:3] == ["Whole file", "", "big.csv"]
    # the formula gets an apostrophe in front, so Excel shows it as text
    assert rows[2][2] == '\'=HYPERLINK("http://example.com")'
    # a plain negative number is left alone
    assert rows[3][2] == "-5"


def test_the_problems_file_is_named_after_the_upload() -> None:
    assert uploads.problems_file_name("requests march.xlsx") == "requests march_problems.csv"
    assert uploads.problem_count_words(1) == "1 problem"
    assert uploads.problem_count_words(1520) == "1,520 problems"


@pytest.mark.parametrize(
    ("utc", "london"),
    [
        # winter: London is on GMT, the same as UTC
        (dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC), "15 January 2026 09:00"),
        # summer: British Summer Time is UTC+1
        (dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC), "1 July 2026 14:05"),
        # the clocks go back at 01:00 UTC on Sunday 25 October 2026: half an hour before, BST
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), "25 October 2026 01:30"),
        # and half an hour after, GMT
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), "25 October 2026 01:30"),
    ],
)
def test_times_are_shown_as_london_wall_clock_time(utc: dt.datetime, london: str) -> None:
    assert uploads.london_time(utc) == london


def test_periods_are_listed_or_given_as_a_range() -> None:
    assert uploads.periods_words(["2023", "2024"]) == "2023, 2024"
    # counted values are keyed by indicator and period: the period is what the officer knows
    assert uploads.periods_words(["pcf_membership|2024", "local_offer_hits|2024-03"]) == (
        "2024, 2024-03"
    )
    # January of each year 2019 to 2026 is 8 periods, more than the 6 listed in full
    januaries = [f"{year}-01" for year in range(2019, 2027)]
    assert uploads.periods_words(januaries) == "2019-01 to 2026-01 (8 periods)"


def test_the_column_descriptions_follow_the_template() -> None:
    table = uploads.column_table("indicator_values")

    assert table.columns == [
        "Column", "Required", "Type", "Allowed values", "Example", "What it holds",
    ]  # fmt: skip
    assert table.get_column("Column").to_list() == [
        "indicator_id", "period", "breakdown", "breakdown_group", "count", "numerator",
        "denominator",
    ]  # fmt: skip


def test_freshness_is_an_icon_and_words_for_every_case() -> None:
    # one dataset in each state, as api.freshness returns them
    freshness = pl.DataFrame(
        {
            "dataset": ["ehc_requests", "ehc_plans", "survey_responses", "indicator_values"],
            "title": ["Requests", "Plans", "Surveys", "Counted values"],
            "indicators": [4, 7, 5, 0],
            "latest_data": [dt.date(2026, 6, 30), dt.date(2026, 1, 15), None, None],
            "last_upload": [dt.date(2026, 7, 1), dt.date(2026, 11, 20), None, dt.date(2026, 2, 1)],
            "next_update_due": [dt.date(2026, 8, 1), dt.date(2027, 3, 22), None, None],
            "overdue": [True, False, False, False],
        }
    )

    rows = uploads.freshness_rows(freshness).to_dicts()

    assert [r["Update"] for r in rows] == [
        "⚠ Overdue: the update was due 1 August 2026",
        "✔ Up to date: next update due 22 March 2027",
        "○ Nothing uploaded yet",
        "– No regular update (no measure reads it)",
    ]
    assert [r["Latest data held"] for r in rows] == [
        "30 June 2026", "15 January 2026", "none yet", "not dated (figures by period)",
    ]  # fmt: skip
    assert [r["Last uploaded"] for r in rows][2] == "never"
    assert uploads.overdue_titles(freshness) == ["Requests"]


def _store(engine: Engine, reg: Registry, content: bytes, name: str) -> int:
    report = ingest.ingest(engine, "ehc_requests", content, name, reg, user="o", today=TODAY)
    assert report.stored is not None, report.problems.to_dicts()
    return report.stored.batch_id


def _effect(engine: Engine, batch_id: int) -> tuple[int, list[tuple[int, int]]]:
    effect = uploads.rollback_effect(engine, batch_id)
    return effect.rows_removed, effect.restored.rows()


def test_a_roll_back_preview_says_what_stops_counting_and_what_comes_back(
    engine: Engine, reg: Registry
) -> None:
    # A: 2 requests in 2023 and 5 in 2024. B replaces A's 2024 with 4. C replaces B's with 3.
    a = _store(engine, reg, FIRST, "first.csv")
    b = _store(engine, reg, CORRECTED_2024, "corrected.csv")
    c = _store(engine, reg, THIRD_2024, "third.csv")
    with engine.connect() as conn:
        before = store.table_digest(conn)

    # C's 3 rows stop counting and B's 4 come back; C was stored alone, so nothing goes with it
    assert _effect(engine, c) == (3, [(b, 4)])
    assert uploads.rollback_effect(engine, c).together == ()
    # B's rows already count for nothing (C replaced them), and A's 2024 rows stay replaced by C
    assert _effect(engine, b) == (0, [])
    # A's two 2023 rows are all it still has in the figures; nothing earlier comes back
    assert _effect(engine, a) == (2, [])
    # working it out wrote nothing
    with engine.connect() as conn:
        assert store.table_digest(conn) == before

    # and the roll back does just that: B's 4 rows for 2024 count again, with A's 2 for 2023
    assert uploads.roll_back(engine, c, user="admin") == uploads.RolledBack(c, (), [b])
    with engine.connect() as conn:
        active = store.read_active(conn, "ehc_requests")
    assert sorted(active.get_column("case_ref").to_list()) == [
        "A1", "A2", "B1", "B2", "B3", "B4",
    ]  # fmt: skip
    # once rolled back, a batch takes nothing away and brings nothing back
    assert _effect(engine, c) == (0, [])


def test_a_roll_back_of_a_batch_that_does_not_exist_is_refused(engine: Engine) -> None:
    with pytest.raises(uploads.RollbackError, match="There is no batch 99"):
        uploads.rollback_effect(engine, 99)
