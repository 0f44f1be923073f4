"""% of EHC plans issued within 20 weeks, computed from request-level rows the way SEN2 does.

A plan is within 20 weeks when it is issued at most 140 days after the request was received.
It belongs to the calendar year in which the plan was issued. The "excluding exceptions"
measure leaves out plans where a permitted exception applied (SEND Regulations 2014, 13(3)).
Every day count below was worked out on a calendar by hand.
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

TODAY = dt.date(2025, 11, 27)
D = dt.date

_EHC_20_WEEKS = """
type = "rate"
unit = "percent"
polarity = "higher_is_better"
period_type = "calendar_year"
target = {value = 100}
baseline = {value = 100, period = "2023"}

[source]
dataset = "ehc_requests"
date_column = "plan_issued_date"
numerator = [
  {days_from = "request_received_date", days_to = "plan_issued_date", at_most = 140},
]
breakdowns = ["global_majority"]

[[source.bands]]
label = "Within 20 weeks"
[[source.bands.where]]
days_from = "request_received_date"
days_to = "plan_issued_date"
at_most = 140

[[source.bands]]
label = "20 to 52 weeks"
[[source.bands.where]]
days_from = "request_received_date"
days_to = "plan_issued_date"
more_than = 140
at_most = 364

[[source.bands]]
label = "Over 52 weeks"
[[source.bands.where]]
days_from = "request_received_date"
days_to = "plan_issued_date"
more_than = 364
"""

EXCLUDING = """
id = "ehc_20wk_excl_exceptions"
[source]
where = [
  {column = "assessment_outcome", in = ["plan_issued"]},
  {column = "plan_issued_date", blank = false},
  {column = "exception_20_weeks", in = ["no"]},
]
empty_note = "Every EHC plan issued in {period} had an exception to the 20-week timescale."
"""

INCLUDING = """
id = "ehc_20wk_incl_exceptions"
[source]
where = [
  {column = "assessment_outcome", in = ["plan_issued"]},
  {column = "plan_issued_date", blank = false},
]
"""


def _indicator(variant: str) -> Indicator:
    data = tomllib.loads(_EHC_20_WEEKS)
    extra = tomllib.loads(variant)
    data["id"] = extra["id"]
    data["source"].update(extra["source"])
    words = {"measure": "m", "title": "t", "description": "d", "methodology": "m"}
    return Indicator.model_validate(
        {**data, **words, "priority": "1", "update_frequency": "annually"}
    )


EXCL = _indicator(EXCLUDING)
INCL = _indicator(INCLUDING)


def plan(
    received: dt.date,
    issued: dt.date | None,
    *,
    exception: str = "no",
    ethnic_group: str = "white",
    outcome: str = "plan_issued",
) -> dict[str, Any]:
    """One request row; the columns not under test take ordinary values."""
    return {
        "case_ref": f"REQ-{received}-{issued}-{ethnic_group}",
        "request_received_date": received,
        "request_decision_date": received + dt.timedelta(days=42),
        "request_outcome": "assess",
        "assessment_outcome": outcome,
        "plan_issued_date": issued,
        "exception_20_weeks": exception,
        "mediation_or_tribunal": "no",
        "age_at_request": 7,
        "sex": "male",
        "ethnic_group": ethnic_group,
        "primary_need": "ASD",
        "waiting_support_offered": "yes",
    }


def compute(indicator: Indicator, *rows: dict[str, Any]) -> pl.DataFrame:
    frames = {"ehc_requests": pl.LazyFrame(list(rows), schema=dataset_schema("ehc_requests"))}
    area = Area(name="Test", la_code="1", new_la_code="E1", strategy_title="s", strategy_period="p")
    registry = Registry(area=area, priorities=(), indicators=(indicator,))
    return compute_indicator(indicator, frames, registry, today=TODAY).collect()


def headline(result: pl.DataFrame, period: str) -> dict[str, Any]:
    rows = result.filter(pl.col("breakdown").is_null() & (pl.col("period") == period))
    assert rows.height == 1, f"expected one headline row for {period}"
    return rows.row(0, named=True)


def group(result: pl.DataFrame, period: str, breakdown: str, name: str) -> dict[str, Any]:
    rows = result.filter(
        (pl.col("period") == period)
        & (pl.col("breakdown") == breakdown)
        & (pl.col("breakdown_group") == name)
    )
    assert rows.height == 1, f"expected one row for {breakdown} = {name} in {period}"
    return rows.row(0, named=True)


# ---------------------------------------------------------------------------------------------
# Day 140 and day 141
# ---------------------------------------------------------------------------------------------


def test_issued_on_day_140_is_within_20_weeks_and_day_141_is_not() -> None:
    # 1 March 2024 + 31 (March) + 30 (April) + 31 (May) + 30 (June) = 1 July, day 122;
    # 19 July is day 122 + 18 = 140, 20 July is day 141
    result = compute(
        EXCL,
        plan(D(2024, 3, 1), D(2024, 7, 19)),
        plan(D(2024, 3, 1), D(2024, 7, 20)),
    )
    row = headline(result, "2024")
    assert (row["numerator"], row["denominator"]) == (1, 2)
    assert row["value"] == 50.0
    assert row["period_start"] == D(2024, 1, 1)
    assert row["period_end"] == D(2024, 12, 31)


def test_leap_day_counts_as_a_day() -> None:
    # 2024 is a leap year: 1 January + 31 (January) + 29 (February) + 31 (March) + 30 (April)
    # = 1 May, day 121; 20 May is day 121 + 19 = 140 (within) and 21 May is day 141 (not).
    # In 2023 February has 28 days, so 1 May is day 120 and 21 May is day 140 (within).
    result = compute(
        EXCL,
        plan(D(2024, 1, 1), D(2024, 5, 20)),
        plan(D(2024, 1, 1), D(2024, 5, 21)),
        plan(D(2023, 1, 1), D(2023, 5, 21)),
    )
    in_2024, in_2023 = headline(result, "2024"), headline(result, "2023")
    assert (in_2024["numerator"], in_2024["denominator"]) == (1, 2)
    assert (in_2023["numerator"], in_2023["denominator"]) == (1, 1)


def test_a_december_request_counts_in_the_year_its_plan_is_issued() -> None:
    # 11 December 2023 to 1 January 2024 = 21 days; + 31 (January) = 52 on 1 February;
    # + 29 (February 2024) = 81 on 1 March; + 31 (March) = 112 on 1 April; 29 April = 140
    result = compute(EXCL, plan(D(2023, 12, 11), D(2024, 4, 29)))
    assert result.filter(pl.col("period") == "2023").is_empty()
    row = headline(result, "2024")
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 1, 100.0)


def test_requests_without_an_issue_date_are_left_out() -> None:
    # a request still in assessment, and a plan recorded as issued with no date: neither
    # has a date to place it in a year or to time it, so only the one dated plan counts
    result = compute(
        EXCL,
        plan(D(2024, 2, 1), None, outcome="pending"),
        plan(D(2024, 2, 1), None),
        plan(D(2024, 3, 1), D(2024, 7, 19)),
    )
    assert result.filter(pl.col("breakdown").is_null()).height == 1
    row = headline(result, "2024")
    assert (row["numerator"], row["denominator"]) == (1, 1)


def test_a_plan_not_issued_is_not_in_the_denominator_even_with_a_date() -> None:
    result = compute(
        INCL,
        plan(D(2024, 3, 1), D(2024, 7, 19)),
        plan(D(2024, 3, 1), D(2024, 9, 19), outcome="not_issued"),
    )
    row = headline(result, "2024")
    assert (row["numerator"], row["denominator"]) == (1, 1)


# ---------------------------------------------------------------------------------------------
# Exceptions: City of London 2024 had every plan under an exception
# ---------------------------------------------------------------------------------------------


def test_every_plan_with_an_exception_leaves_the_excluding_rate_missing_with_a_note() -> None:
    # both plans took longer than 20 weeks under a permitted exception:
    # 15 January + 31 + 29 + 31 + 30 + 31 = 15 June, day 152; 30 September is later still
    rows = (
        plan(D(2024, 1, 15), D(2024, 9, 30), exception="yes"),
        plan(D(2024, 1, 15), D(2024, 6, 3), exception="yes"),
    )
    excluding = headline(compute(EXCL, *rows), "2024")
    assert (excluding["numerator"], excluding["denominator"]) == (0, 0)
    # never 0% and never 100%: there is no plan to judge
    assert excluding["value"] is None
    assert excluding["lower"] is None and excluding["upper"] is None
    assert excluding["note"] == (
        "Every EHC plan issued in 2024 had an exception to the 20-week timescale."
    )
    assert excluding["status"] == "too_few"

    including = headline(compute(INCL, *rows), "2024")
    # 15 January to 3 June 2024: 152 - 12 = 140 days, so one of the two is within
    assert (including["numerator"], including["denominator"], including["value"]) == (1, 2, 50.0)
    assert including["note"] is None


def test_no_denominator_without_an_empty_note_still_shows_the_year() -> None:
    # a year with dated rows but none counted shows as 0 out of 0, with no value
    result = compute(INCL, plan(D(2024, 3, 1), D(2024, 9, 19), outcome="not_issued"))
    row = headline(result, "2024")
    assert (row["numerator"], row["denominator"], row["value"]) == (0, 0, None)
    assert row["note"] is None
    assert result.filter(pl.col("breakdown").is_not_null()).is_empty()


# ---------------------------------------------------------------------------------------------
# A year of plans: headline, interval, breakdown and bands
# ---------------------------------------------------------------------------------------------

YEAR_2024 = (
    # A white: 1 Jan -> 20 May 2024 = 140 days (see the leap-day test): within
    plan(D(2024, 1, 1), D(2024, 5, 20), ethnic_group="white"),
    # B asian: 1 Mar -> 20 Jul 2024 = 141 days: 20 to 52 weeks
    plan(D(2024, 3, 1), D(2024, 7, 20), ethnic_group="asian"),
    # C black: 1 Jun 2023 -> 1 Jun 2024 = 366 days (29 Feb 2024 falls between),
    # so 31 May 2024 is day 365: over 52 weeks
    plan(D(2023, 6, 1), D(2024, 5, 31), ethnic_group="black"),
    # D white: 11 Dec 2023 -> 29 Apr 2024 = 140 days (see the December test): within
    plan(D(2023, 12, 11), D(2024, 4, 29), ethnic_group="white"),
    # E mixed: 1 Mar -> 19 Jul 2024 = 140 days: within
    plan(D(2024, 3, 1), D(2024, 7, 19), ethnic_group="mixed"),
    # F asian, with an exception: 15 Jan -> 30 Sep 2024 is well over 140 days
    plan(D(2024, 1, 15), D(2024, 9, 30), exception="yes", ethnic_group="asian"),
)


def test_headline_rate_and_wilson_interval() -> None:
    row = headline(compute(EXCL, *YEAR_2024), "2024")
    # A, D and E within out of A-E (F has an exception): 3 / 5 = 60%
    assert (row["numerator"], row["denominator"], row["value"]) == (3, 5, 60.0)
    # Wilson, n = 5: 1 + z²/5 = 1.7682918, z²/10 = 0.3841459, z²/100 = 0.0384146
    # centre = (0.6 + 0.3841459) / 1.7682918 = 0.5565518
    # half = 1.959964 × sqrt(0.6 × 0.4 / 5 + 0.0384146) / 1.7682918
    #      = 1.959964 × sqrt(0.0864146) / 1.7682918 = 1.959964 × 0.2939636 / 1.7682918
    #      = 0.3258275 -> 23.07% to 88.24%
    assert row["lower"] == pytest.approx(23.0724, abs=1e-3)
    assert row["upper"] == pytest.approx(88.2379, abs=1e-3)
    # the target is 100% and the interval stops at 88.2%: off track
    assert row["status"] == "off_track"


def test_including_exceptions_counts_the_exception_plan_too() -> None:
    row = headline(compute(INCL, *YEAR_2024), "2024")
    # A, D, E within out of A-F: 3 / 6 = 50%
    assert (row["numerator"], row["denominator"], row["value"]) == (3, 6, 50.0)


def test_breakdown_global_majority_and_white() -> None:
    result = compute(EXCL, *YEAR_2024)
    title = "Global majority and White"
    # global majority: B (asian), C (black), E (mixed); only E within: 1 / 3
    majority = group(result, "2024", title, "Global majority")
    assert (majority["numerator"], majority["denominator"]) == (1, 3)
    assert majority["value"] == pytest.approx(100 / 3)
    # Wilson 1/3: (6.15%, 79.23%), worked in test_stats.py
    assert majority["lower"] == pytest.approx(6.1492, abs=1e-3)
    # white: A and D, both within: 2 / 2
    white = group(result, "2024", title, "White")
    assert (white["numerator"], white["denominator"], white["value"]) == (2, 2, 100.0)
    # breakdown rows carry no status: the target is judged on the headline only
    assert result.filter(pl.col("breakdown").is_not_null())["status"].is_null().all()
    # F (asian) had an exception, so it is in no group
    groups = result.filter(pl.col("breakdown") == title)
    assert groups["denominator"].sum() == 5


def test_bands_add_up_to_the_denominator() -> None:
    result = compute(EXCL, *YEAR_2024)
    within = group(result, "2024", "Band", "Within 20 weeks")
    middle = group(result, "2024", "Band", "20 to 52 weeks")
    over = group(result, "2024", "Band", "Over 52 weeks")
    # within: A, D, E; 20 to 52 weeks: B (141 days); over 52 weeks: C (365 days)
    assert (within["numerator"], middle["numerator"], over["numerator"]) == (3, 1, 1)
    assert within["denominator"] == middle["denominator"] == over["denominator"] == 5
    assert within["numerator"] + middle["numerator"] + over["numerator"] == 5
    assert middle["value"] == 20.0


def test_a_band_with_no_plans_shows_as_zero() -> None:
    result = compute(EXCL, plan(D(2024, 3, 1), D(2024, 7, 19)))
    over = group(result, "2024", "Band", "Over 52 weeks")
    assert (over["numerator"], over["denominator"], over["value"]) == (0, 1, 0.0)


def test_364_days_is_under_52_weeks_and_365_is_over() -> None:
    # 5 Feb 2024 -> 5 Feb 2025 = 366 days (29 Feb 2024 between): 3 Feb 2025 is day 364,
    # 4 Feb 2025 is day 365
    result = compute(
        EXCL,
        plan(D(2024, 2, 5), D(2025, 2, 3)),
        plan(D(2024, 2, 5), D(2025, 2, 4)),
    )
    assert group(result, "2025", "Band", "20 to 52 weeks")["numerator"] == 1
    assert group(result, "2025", "Band", "Over 52 weeks")["numerator"] == 1


def test_each_year_is_its_own_row_and_the_headline_comes_first() -> None:
    result = compute(
        EXCL,
        plan(D(2024, 3, 1), D(2024, 7, 19)),
        plan(D(2024, 9, 2), D(2025, 1, 10), ethnic_group="asian"),
    )
    # 2 September 2024 -> 1 October = 29 days, -> 1 November = 60, -> 1 December = 90,
    # -> 1 January 2025 = 121, -> 10 January = 130: within, in 2025
    assert headline(result, "2025")["value"] == 100.0
    assert result["period"].to_list()[0] == "2024"
    assert result["breakdown"].to_list()[0] is None
    assert result.filter(pl.col("period") == "2025")["breakdown"].to_list()[0] is None
