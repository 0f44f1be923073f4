"""Counts per period (by category, distinct, open across years) and running totals."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import polars as pl
import pytest

from metrics.compute import compute_indicator
from metrics.compute.frames import dataset_schema
from metrics.registry import Area, Indicator, Registry, Target, TrajectoryPoint

D = dt.date
TODAY = D(2025, 11, 27)  # in the 2025/26 academic year and the 2025-26 financial year


def indicator(toml: str) -> Indicator:
    """An indicator from a registry entry; the wording fields are not under test."""
    words = {"measure": "m", "title": "t", "description": "d", "methodology": "m"}
    return Indicator.model_validate(
        {"priority": "2", "update_frequency": "annually", **words, **tomllib.loads(toml)}
    )


def compute(ind: Indicator, today: dt.date = TODAY, **rows: list[dict[str, Any]]) -> pl.DataFrame:
    frames = {name: pl.LazyFrame(r, schema=dataset_schema(name)) for name, r in rows.items()}
    area = Area(name="Test", la_code="1", new_la_code="E1", strategy_title="s", strategy_period="p")
    registry = Registry(area=area, priorities=(), indicators=(ind,))
    return compute_indicator(ind, frames, registry, today=today).collect()


def headlines(result: pl.DataFrame) -> dict[str, float]:
    rows = result.filter(pl.col("breakdown").is_null())
    return dict(zip(rows["period"], rows["value"], strict=True))


def by_group(result: pl.DataFrame, period: str, breakdown: str) -> dict[str, float]:
    rows = result.filter((pl.col("period") == period) & (pl.col("breakdown") == breakdown))
    return dict(zip(rows["breakdown_group"], rows["value"], strict=True))


# ---------------------------------------------------------------------------------------------
# Apprenticeships and supported internships
# ---------------------------------------------------------------------------------------------

_WORK = """
type = "count"
unit = "count"
polarity = "higher_is_better"
period_type = "academic_year"
[source]
dataset = "work_opportunities"
date_column = "offered_date"
breakdowns = ["opportunity_type"]
"""
OFFERED = indicator('id = "work_opportunities_offered"\n' + _WORK)
TAKEN_UP = indicator(
    'id = "work_opportunities_taken_up"\n'
    + _WORK
    + 'where = [{column = "taken_up", in = ["yes"]}]\n'
)


def offer(day: dt.date, kind: str, taken_up: str) -> dict[str, Any]:
    return {
        "opportunity_ref": f"WO-{day}-{kind}-{taken_up}",
        "opportunity_type": kind,
        "offered_date": day,
        "taken_up": taken_up,
        "sen_status": "ehc_plan",
    }


OFFERS = [
    # 2023/24
    offer(D(2023, 9, 1), "apprenticeship", "no"),
    offer(D(2024, 8, 31), "supported_internship", "no"),
    # 2024/25
    offer(D(2024, 9, 16), "supported_internship", "yes"),
    offer(D(2024, 10, 1), "supported_internship", "yes"),
    offer(D(2025, 1, 6), "supported_internship", "no"),
    offer(D(2025, 3, 3), "apprenticeship", "yes"),
    offer(D(2025, 6, 2), "traineeship", "no"),
]


def test_count_per_academic_year() -> None:
    result = compute(OFFERED, work_opportunities=OFFERS)
    # 1 September 2023 and 31 August 2024 are both in 2023/24: 2; then 5 in 2024/25
    assert headlines(result) == {"2023/24": 2, "2024/25": 5}
    assert result.filter(pl.col("period") == "2024/25")["period_start"][0] == D(2024, 9, 1)


def test_count_by_category() -> None:
    result = compute(OFFERED, work_opportunities=OFFERS)
    assert by_group(result, "2024/25", "Type of opportunity") == {
        "Apprenticeship": 1,
        "Supported internship": 3,
        "Traineeship": 1,
    }


def test_count_of_those_taken_up_shows_a_year_with_none_as_zero() -> None:
    result = compute(TAKEN_UP, work_opportunities=OFFERS)
    # 2023/24: offers were made but none taken up -> 0, not missing
    assert headlines(result) == {"2023/24": 0, "2024/25": 3}
    # groups only for what was counted: 2 supported internships and 1 apprenticeship
    assert by_group(result, "2024/25", "Type of opportunity") == {
        "Apprenticeship": 1,
        "Supported internship": 2,
    }
    assert by_group(result, "2023/24", "Type of opportunity") == {}


def test_a_count_with_a_target_gets_a_status_on_the_headline_only() -> None:
    with_target = TAKEN_UP.model_copy(update={"target": Target(value=3)})
    result = compute(with_target, work_opportunities=OFFERS)
    heads = result.filter(pl.col("breakdown").is_null())
    statuses = dict(zip(heads["period"], heads["status"], strict=True))
    # 0 against 3 is more than 10% short: off track; 3 against 3 is on track
    assert statuses == {"2023/24": "off_track", "2024/25": "on_track"}
    assert result.filter(pl.col("breakdown").is_not_null())["status"].is_null().all()


# ---------------------------------------------------------------------------------------------
# Children in alternative provision: distinct children, counted in every year a placement is open
# ---------------------------------------------------------------------------------------------

AP_CHILDREN = indicator(
    """
    id = "ap_children"
    priority = "5"
    type = "count"
    unit = "count"
    polarity = "none"
    period_type = "academic_year"
    [source]
    dataset = "ap_placements"
    date_column = "start_date"
    end_column = "end_date"
    distinct = "child_ref"
    breakdowns = ["placed_by"]
    """
)


def placement(
    ref: str, child: str, start: dt.date, end: dt.date | None, placed_by: str = "school"
) -> dict[str, Any]:
    return {
        "placement_ref": ref,
        "child_ref": child,
        "start_date": start,
        "end_date": end,
        "placed_by": placed_by,
        "notified_to_la": "yes",
        "provider_quality_assured": "yes",
        "panel_quality_rating": "high",
        "sen_status": "sen_support",
    }


PLACEMENTS = [
    # A: October 2023 to February 2025 -> open in 2023/24 and 2024/25
    placement("AP-1", "A", D(2023, 10, 1), D(2025, 2, 1)),
    # B: from March 2024, still open -> 2023/24, 2024/25 and 2025/26 (today's year)
    placement("AP-2", "B", D(2024, 3, 1), None, placed_by="local_authority"),
    # A again, November to December 2024 -> 2024/25, where A already counts
    placement("AP-3", "A", D(2024, 11, 1), D(2024, 12, 20)),
    # C: September to October 2025 -> 2025/26
    placement("AP-4", "C", D(2025, 9, 10), D(2025, 10, 1)),
    # D: June 2025, planned to end October 2026 -> 2024/25 and 2025/26, but not 2026/27,
    # which has not begun
    placement("AP-5", "D", D(2025, 6, 1), D(2026, 10, 1)),
]


def test_placements_count_in_every_year_they_are_open() -> None:
    result = compute(AP_CHILDREN, ap_placements=PLACEMENTS)
    # 2023/24: A, B; 2024/25: A (twice, counted once), B, D; 2025/26: B, C, D
    assert headlines(result) == {"2023/24": 2, "2024/25": 3, "2025/26": 3}


def test_distinct_children_in_each_group() -> None:
    result = compute(AP_CHILDREN, ap_placements=PLACEMENTS)
    # 2024/25: placed by school: A (AP-1, AP-3) and D -> 2; by the local authority: B -> 1
    assert by_group(result, "2024/25", "Placed by") == {"School": 2, "Local authority": 1}


def test_without_distinct_every_placement_counts() -> None:
    placements = AP_CHILDREN.model_copy(
        update={"source": AP_CHILDREN.source.model_copy(update={"distinct": None})}
    )
    result = compute(placements, ap_placements=PLACEMENTS)
    # 2024/25: AP-1, AP-2, AP-3 and AP-5
    assert headlines(result)["2024/25"] == 4


def test_open_placements_run_to_the_year_containing_today() -> None:
    result = compute(AP_CHILDREN, today=D(2027, 1, 15), ap_placements=PLACEMENTS)
    # B is still open: it counts in 2026/27 too; D ended in October 2026, inside 2026/27
    assert headlines(result) == {"2023/24": 2, "2024/25": 3, "2025/26": 3, "2026/27": 2}


def test_distinct_count_without_an_end_column() -> None:
    starts = AP_CHILDREN.model_copy(
        update={"source": AP_CHILDREN.source.model_copy(update={"end_column": None})}
    )
    result = compute(starts, ap_placements=PLACEMENTS)
    # by start date only: 2023/24 A, B; 2024/25 A (AP-3), D; 2025/26 C
    assert headlines(result) == {"2023/24": 2, "2024/25": 2, "2025/26": 1}


def test_context_count_has_no_status() -> None:
    result = compute(AP_CHILDREN, ap_placements=PLACEMENTS)
    assert result["status"].is_null().all()


# ---------------------------------------------------------------------------------------------
# Counted values
# ---------------------------------------------------------------------------------------------


def test_count_from_counted_values() -> None:
    sen_support = indicator(
        """
        id = "sen_support_count"
        priority = "context"
        type = "count"
        unit = "count"
        polarity = "none"
        period_type = "month"
        [source]
        dataset = "indicator_values"
        """
    )
    rows = [
        {"indicator_id": "sen_support_count", "period": "2025-01", "count": 43.0},
        {"indicator_id": "sen_support_count", "period": "2024-01", "count": 40.0},
        {
            "indicator_id": "sen_support_count",
            "period": "2025-01",
            "breakdown": "sex",
            "breakdown_group": "female",
            "count": 15.0,
        },
        {"indicator_id": "local_offer_hits", "period": "2025-01", "count": 1520.0},
    ]
    result = compute(sen_support, indicator_values=rows)
    assert result.select("period", "breakdown", "breakdown_group", "value").rows() == [
        ("2024-01", None, None, 40.0),
        ("2025-01", None, None, 43.0),
        ("2025-01", "Sex", "female", 15.0),
    ]
    assert result["period_end"].to_list()[0] == D(2024, 1, 31)


# ---------------------------------------------------------------------------------------------
# A running total against a dated target: at least three co-designed services by March 2029
# ---------------------------------------------------------------------------------------------

CODESIGNED = indicator(
    """
    id = "codesigned_services"
    priority = "4"
    type = "cumulative_count"
    unit = "count"
    polarity = "higher_is_better"
    period_type = "financial_year"
    target = {value = 3, date = 2029-03-31}
    baseline = {value = 0, period = "2024-25"}
    [source]
    dataset = "codesign_activities"
    date_column = "completed_date"
    where = [
      {column = "involved_from_start", in = ["yes"]},
      {column = "feedback_given", in = ["yes"]},
      {column = "reported_feeling_heard", in = ["yes"]},
    ]
    """
)


def activity(ref: str, completed: dt.date | None, heard: str = "yes") -> dict[str, Any]:
    return {
        "activity_ref": ref,
        "title": f"Activity {ref}",
        "priority": "4",
        "start_date": D(2024, 4, 1),
        "completed_date": completed,
        "involved_from_start": "yes",
        "feedback_given": "yes",
        "reported_feeling_heard": heard,
    }


ACTIVITIES = [
    activity("W", D(2024, 11, 15)),  # 2024-25
    activity("X", D(2025, 6, 1)),  # 2025-26
    activity("Y", D(2025, 9, 1), heard="no"),  # fails a test of co-design
    activity("Z", None),  # not delivered yet
]

# The straight line from the baseline (0 at 31 March 2025, the end of 2024-25) to the target
# (3 at 31 March 2029) runs 1461 days: 365 + 365 + 366 (29 February 2028) + 365.
#   2025-26 ends 31 March 2026: 365 days in  -> 3 × 365 / 1461  = 0.7495
#   2026-27 ends 31 March 2027: 730 days in  -> 3 × 730 / 1461  = 1.4990
#   2027-28 ends 31 March 2028: 1096 days in -> 3 × 1096 / 1461 = 2.2505
#   2028-29 ends 31 March 2029: the target, 3


def test_running_total_from_the_first_year_with_data_to_today() -> None:
    result = compute(CODESIGNED, codesign_activities=ACTIVITIES)
    # W in 2024-25; X in 2025-26 (Y fails a test, Z is not delivered): 1, then 1 + 1 = 2
    assert headlines(result) == {"2024-25": 1, "2025-26": 2}
    # 1 >= 0 at the baseline; 2 >= 0.7495 on the line
    assert result["status"].to_list() == ["on_track", "on_track"]


def test_years_with_nothing_new_keep_the_total_and_fall_behind_the_line() -> None:
    result = compute(CODESIGNED, today=D(2027, 6, 1), codesign_activities=ACTIVITIES[:1])
    assert headlines(result) == {"2024-25": 1, "2025-26": 1, "2026-27": 1, "2027-28": 1}
    # 1 >= 0; 1 >= 0.7495; 1 < 1.4990 and more than 10% short (1.349) -> off track;
    # 1 against 2.2505 -> off track
    assert result["status"].to_list() == ["on_track", "on_track", "off_track", "off_track"]


def test_a_trajectory_point_replaces_the_straight_line() -> None:
    gentle = CODESIGNED.model_copy(
        update={"trajectory": (TrajectoryPoint(period="2026-27", value=1),)}
    )
    result = compute(gentle, today=D(2027, 6, 1), codesign_activities=ACTIVITIES[:1])
    # 2026-27 is judged against the agreed 1 rather than 1.4990
    assert result["status"].to_list() == ["on_track", "on_track", "on_track", "off_track"]


def test_running_total_stops_at_the_target_date() -> None:
    result = compute(CODESIGNED, today=D(2030, 1, 1), codesign_activities=ACTIVITIES)
    # 2024-25 to 2028-29, the year of the target date; nothing after it
    assert list(headlines(result)) == ["2024-25", "2025-26", "2026-27", "2027-28", "2028-29"]
    assert headlines(result)["2028-29"] == 2


def test_running_total_with_no_data_is_empty() -> None:
    result = compute(CODESIGNED, codesign_activities=[activity("Z", None)])
    assert result.is_empty()


@pytest.mark.parametrize("rows", [[], None])
def test_a_dataset_not_uploaded_gives_no_rows(rows: list[dict[str, Any]] | None) -> None:
    result = (
        compute(CODESIGNED, codesign_activities=rows) if rows is not None else compute(CODESIGNED)
    )
    assert result.is_empty()
