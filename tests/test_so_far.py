"""A period still under way is called so: "2026 so far (to 27 November)", never a full year.

Today is fixed at 27 November 2026 throughout, so 2026, the 2026/27 academic year, the 2026-27
financial year, October to December 2026 and November 2026 are under way; 2025 is over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
)

from metrics import api, periods, results, summaries
from metrics.periods import PeriodType
from metrics.registry import Indicator, Source, Target

TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("label", "period_type", "words"),
    [
        ("2026", PeriodType.calendar_year, "2026 so far (to 27 November)"),
        ("2026/27", PeriodType.academic_year,
         "the 2026/27 academic year so far (to 27 November 2026)"),
        ("2026-27", PeriodType.financial_year,
         "the 2026-27 financial year so far (to 27 November 2026)"),
        ("2026-Q4", PeriodType.quarter, "October to December 2026 so far (to 27 November)"),
        ("2026-11", PeriodType.month, "November 2026 so far (to 27 November)"),
        # over, or not begun: no "so far"
        ("2025", PeriodType.calendar_year, "2025"),
        ("2026-10", PeriodType.month, "October 2026"),
        ("2027", PeriodType.calendar_year, "2027"),
    ],
)  # fmt: skip
def test_a_period_under_way_is_described_as_so_far(
    label: str, period_type: PeriodType, words: str
) -> None:
    assert periods.describe(label, period_type, today=TODAY) == words
    # without a day to judge by, a period is named as before
    assert "so far" not in periods.describe(label, period_type)


def indicator(ind_type: str, title: str, **fields: Any) -> Indicator:
    return Indicator(
        **{
            "id": "x", "priority": "1", "measure": "m", "title": title, "description": "d",
            "type": ind_type, "unit": "percent" if ind_type == "rate" else "count",
            "polarity": "higher_is_better", "period_type": "calendar_year",
            "update_frequency": "annually", "methodology": "m",
            "source": Source(dataset="indicator_values"),
        } | fields
    )  # fmt: skip


PLANS = indicator("rate", "EHC plans issued within 20 weeks (all plans)", target=Target(value=100))
CODESIGNED = indicator(
    "cumulative_count",
    "Services and activities designed together with families",
    target=Target(value=3, date=dt.date(2029, 3, 31)),
)


def row(ind: Indicator, period: str, **values: float) -> dict[str, Any]:
    start, end = periods.parse(period, ind.period_type)
    return {"indicator_id": ind.id, "period": period, "period_start": start,
            "period_end": end, "breakdown": None, "breakdown_group": None, **values}  # fmt: skip


def test_a_summary_of_a_year_under_way_says_so_far() -> None:
    # 3 of 4 = 75.0%
    now = row(PLANS, "2026", value=75.0, numerator=3, denominator=4)
    assert summaries.summary_sentence(PLANS, now, today=TODAY) == (
        "3 of 4 EHC plans (75.0%) were issued within 20 weeks in 2026 so far "
        "(to 27 November) — too few to judge against the target of 100%."
    )
    over = row(PLANS, "2025", value=100.0, numerator=5, denominator=5)
    assert summaries.summary_sentence(PLANS, over, today=TODAY) == (
        "5 of 5 EHC plans (100.0%) were issued within 20 weeks in 2025; the target is 100%."
    )


def test_a_running_total_under_way_runs_to_today_not_to_the_end_of_the_year() -> None:
    now = row(CODESIGNED, "2026", value=2)
    assert summaries.summary_sentence(CODESIGNED, now, today=TODAY) == (
        "2 services and activities designed together with families so far (to 27 November "
        "2026), against a target of 3 by 31 March 2029."
    )
    over = row(CODESIGNED, "2025", value=2)
    assert summaries.summary_sentence(CODESIGNED, over, today=TODAY) == (
        "2 services and activities designed together with families so far (to the end of "
        "2025), against a target of 3 by 31 March 2029."
    )


def test_the_change_names_the_period_under_way() -> None:
    rows = results.conform(
        pl.DataFrame(
            [row(PLANS, "2025", value=100.0), row(PLANS, "2026", value=None)],
            infer_schema_length=None,
        )
    ).collect()
    assert summaries.change_since_previous(PLANS, rows, TODAY) == (
        "no value for 2026 so far (to 27 November)"
    )
    assert summaries.period_short(PLANS, "2026", TODAY) == "2026 so far (to 27 November)"


def test_an_overview_tile_names_a_year_under_way_as_so_far(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "today", lambda: TODAY)
    at = open_page(app_on(seeded_url), "overview")

    assert not at.exception, [e.message for e in at.exception]
    tiles = [m.value for m in at.markdown]
    # EHC plans issued within 20 weeks (all plans): the demo data's latest year is 2026
    index = tiles.index("#### EHC plans issued within 20 weeks (all plans)")
    assert ", 2026 so far (to 27 November) · " in tiles[index + 1]
    assert "in 2026 so far (to 27 November)" in tiles[index + 2]
    # a year that is over is named plainly: parent carers' survey, 2025-26
    index = tiles.index("#### Parent carers who say information, advice and support is good")
    assert ", 2025-26 · " in tiles[index + 1]
