"""Local Offer website hits: monthly values, and the months after the review against before.

With a window of 3 months and the review completed on 14 May 2025, the month of the review
(May) belongs to neither window: before = February, March, April 2025; after = June, July,
August 2025.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import polars as pl
import pytest

from metrics.compute import compute_indicator
from metrics.compute.frames import dataset_schema
from metrics.registry import Area, Indicator, Registry

D = dt.date
TODAY = D(2025, 8, 5)

HITS = """
id = "local_offer_hits"
type = "series"
unit = "count"
polarity = "higher_is_better"
period_type = "month"
[source]
dataset = "indicator_values"
event_milestone = "p1_local_offer_review"
window_months = 3
"""


def indicator(toml: str) -> Indicator:
    """An indicator from a registry entry; the wording fields are not under test."""
    words = {"measure": "m", "title": "t", "description": "d", "methodology": "m"}
    return Indicator.model_validate(
        {"priority": "1", "update_frequency": "monthly", **words, **tomllib.loads(toml)}
    )


LOCAL_OFFER_HITS = indicator(HITS)


def hits(**months: float) -> list[dict[str, Any]]:
    """Counted rows, e.g. hits(m2025_01=100) for January 2025."""
    return [
        {"indicator_id": "local_offer_hits", "period": f"{k[1:5]}-{k[6:8]}", "count": v}
        for k, v in months.items()
    ]


def review(status_date: dt.date, status: str, completed: dt.date | None) -> dict[str, Any]:
    return {
        "milestone_id": "p1_local_offer_review",
        "priority": "1",
        "action": "Review the Local Offer",
        "lead": "Head of SEND",
        "due_date": D(2025, 9, 30),
        "status": status,
        "completed_date": completed,
        "status_date": status_date,
        "evidence": "",
    }


REVIEW_DONE = [
    review(D(2025, 3, 31), "in_progress", None),
    review(D(2025, 6, 30), "complete", D(2025, 5, 14)),
]

SO_FAR = hits(
    m2025_01=100, m2025_02=90, m2025_03=110, m2025_04=100, m2025_05=500, m2025_06=120, m2025_07=80
)


def compute(
    ind: Indicator, values: list[dict[str, Any]], milestones: list[dict[str, Any]]
) -> pl.DataFrame:
    frames = {
        "indicator_values": pl.LazyFrame(values, schema=dataset_schema("indicator_values")),
        "milestones": pl.LazyFrame(milestones, schema=dataset_schema("milestones")),
    }
    area = Area(name="Test", la_code="1", new_la_code="E1", strategy_title="s", strategy_period="p")
    registry = Registry(area=area, priorities=(), indicators=(ind,))
    return compute_indicator(ind, frames, registry, today=TODAY).collect()


def comparison(result: pl.DataFrame, group: str) -> dict[str, Any]:
    rows = result.filter(
        (pl.col("breakdown") == "Before and after") & (pl.col("breakdown_group") == group)
    )
    assert rows.height == 1
    return rows.row(0, named=True)


def statuses(result: pl.DataFrame) -> dict[str, str | None]:
    heads = result.filter(pl.col("breakdown").is_null())
    return dict(zip(heads["period"], heads["status"], strict=True))


def test_one_headline_row_per_month() -> None:
    result = compute(LOCAL_OFFER_HITS, SO_FAR, REVIEW_DONE)
    heads = result.filter(pl.col("breakdown").is_null())
    assert heads["period"].to_list() == [f"2025-0{m}" for m in range(1, 8)]
    assert heads["value"].to_list() == [100, 90, 110, 100, 500, 120, 80]
    assert heads["period_end"][1] == D(2025, 2, 28)


def test_before_window_totals_the_three_months_before_the_review_month() -> None:
    before = comparison(
        compute(LOCAL_OFFER_HITS, SO_FAR, REVIEW_DONE), "3 months before the review"
    )
    # February 90 + March 110 + April 100 = 300 over 3 months; May (the review) left out
    assert (before["value"], before["numerator"], before["denominator"]) == (300, 300, 3)
    assert before["period"] == "2025-04"  # the last month with data in the window
    assert before["note"] == "February 2025 to April 2025: 3 of 3 months have data."
    assert before["status"] is None


def test_after_window_not_complete_yet() -> None:
    after = comparison(compute(LOCAL_OFFER_HITS, SO_FAR, REVIEW_DONE), "3 months after the review")
    # June 120 + July 80 = 200 over 2 months so far
    assert (after["value"], after["numerator"], after["denominator"]) == (200, 200, 2)
    assert after["period"] == "2025-07"
    assert after["note"] == (
        "Not complete yet: 2 of the 3 months (June 2025 to August 2025) so far."
    )


def test_status_uses_the_data_up_to_each_month() -> None:
    result = compute(LOCAL_OFFER_HITS, SO_FAR, REVIEW_DONE)
    # before the first month after the review there is nothing to compare: not yet due.
    # before: 300 / 3 = 100 a month.
    # June: 120 a month so far, better than 100 -> on track.
    # July: (120 + 80) / 2 = 100 a month, no better, window not complete -> at risk
    assert statuses(result) == {
        "2025-01": "not_yet_due",
        "2025-02": "not_yet_due",
        "2025-03": "not_yet_due",
        "2025-04": "not_yet_due",
        "2025-05": "not_yet_due",
        "2025-06": "on_track",
        "2025-07": "at_risk",
    }


@pytest.mark.parametrize(
    ("august", "status"),
    [
        # (120 + 80 + 95) / 3 = 98.3 a month against 100 before: complete and worse
        (95, "off_track"),
        # (120 + 80 + 130) / 3 = 110 a month against 100 before: better
        (130, "on_track"),
    ],
)
def test_complete_after_window(august: float, status: str) -> None:
    values = [*SO_FAR, *hits(m2025_08=august)]
    result = compute(LOCAL_OFFER_HITS, values, REVIEW_DONE)
    assert statuses(result)["2025-08"] == status
    after = comparison(result, "3 months after the review")
    assert after["denominator"] == 3
    assert after["note"] == "June 2025 to August 2025: 3 of 3 months have data."


def test_months_after_the_window_are_judged_on_the_whole_window() -> None:
    values = [*SO_FAR, *hits(m2025_08=95, m2025_09=1000)]
    result = compute(LOCAL_OFFER_HITS, values, REVIEW_DONE)
    # September is outside the after window, so the window stays at 98.3 a month
    assert statuses(result)["2025-09"] == "off_track"
    assert comparison(result, "3 months after the review")["numerator"] == 295


def test_before_the_review_is_complete_everything_is_not_yet_due() -> None:
    under_way = [review(D(2025, 6, 30), "in_progress", None)]
    result = compute(LOCAL_OFFER_HITS, SO_FAR, under_way)
    assert set(statuses(result).values()) == {"not_yet_due"}
    assert result.filter(pl.col("breakdown").is_not_null()).is_empty()


def test_the_latest_milestone_row_decides_whether_the_review_happened() -> None:
    # an earlier row said complete, the latest reopened it: the review has not happened
    reopened = [
        review(D(2025, 3, 31), "complete", D(2025, 3, 1)),
        review(D(2025, 6, 30), "in_progress", None),
    ]
    result = compute(LOCAL_OFFER_HITS, SO_FAR, reopened)
    assert set(statuses(result).values()) == {"not_yet_due"}


def test_a_dated_event_with_its_own_words_and_a_12_month_window() -> None:
    dated = indicator(
        HITS.replace(
            'event_milestone = "p1_local_offer_review"', "event_date = 2025-05-14"
        ).replace("window_months = 3", 'event_label = "the Local Offer review"')
    )
    result = compute(dated, SO_FAR, [])
    before = comparison(result, "12 months before the Local Offer review")
    # the 12 months before May 2025 are May 2024 to April 2025; only January to April 2025
    # have data: 100 + 90 + 110 + 100 = 400 over 4 months
    assert (before["numerator"], before["denominator"]) == (400, 4)
    assert before["note"] == "May 2024 to April 2025: 4 of 12 months have data."
    after = comparison(result, "12 months after the Local Offer review")
    assert (after["numerator"], after["denominator"]) == (200, 2)
    # June: 120 a month against 400 / 4 = 100 -> on track
    assert statuses(result)["2025-06"] == "on_track"
