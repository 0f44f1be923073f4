"""Plain-English summaries: every sentence the dashboard writes, spelled out in full.

Each test builds an indicator the way the registry would (title, type, target) and a result row
by hand, and shows the exact words a parent carer or councillor reads. Percentages, intervals
and changes are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from metrics import periods, results, summaries
from metrics.registry import (
    Area,
    Baseline,
    Indicator,
    Registry,
    Source,
    Target,
)
from metrics.status import Status

# --------------------------------------------------------------------------------------------
# Indicators as the registry would hold them
# --------------------------------------------------------------------------------------------

UNITS = {"rate": "percent", "survey": "percent", "milestone": "status"}


def indicator(ind_id: str, title: str, ind_type: str, **fields: Any) -> Indicator:
    """A registry entry with plain defaults; only what a test is about is spelled out."""
    defaults: dict[str, Any] = {
        "id": ind_id,
        "priority": "1",
        "measure": "a measure of success",
        "title": title,
        "description": "What it is, in plain English.",
        "type": ind_type,
        "unit": UNITS.get(ind_type, "count"),
        "polarity": "higher_is_better",
        "period_type": "calendar_year",
        "update_frequency": "annually",
        "methodology": "How it is counted.",
        "source": Source(dataset="indicator_values"),
    }
    return Indicator(**(defaults | fields))


PLANS_20WK = indicator(
    "plans_20wk",
    "EHC plans issued within 20 weeks (leaving out permitted exceptions)",
    "rate",
    target=Target(value=100),
    baseline=Baseline(value=100, period="2023"),
)
AUTISM = indicator(
    "autism",
    "Children and young people with an EHC plan whose main need is autism",
    "rate",
    priority="context",
    polarity="none",
    period_type="month",
)
AP_QUALITY = indicator(
    "ap_quality",
    "Alternative provision placements with a quality-checked provider",
    "rate",
    period_type="academic_year",
)
APPEALS = indicator(
    "appeals", "Decisions appealed to the SEND Tribunal", "rate", polarity="lower_is_better"
)
PARENTS_IAG = indicator(
    "parents_iag",
    "Parent carers who say information, advice and support is good",
    "survey",
    period_type="financial_year",
    target=Target(direction="increase"),
)
WORK_OFFERED = indicator(
    "work_offered",
    "Apprenticeships and supported internships offered",
    "count",
    period_type="academic_year",
    target=Target(direction="increase"),
)
AP_CHILDREN = indicator(
    "ap_children",
    "City children and young people in alternative provision",
    "count",
    polarity="none",
    period_type="academic_year",
)
ACTIVE_PLANS = indicator(
    "active_plans",
    "Children and young people with an EHC plan",
    "count",
    priority="context",
    polarity="none",
    period_type="month",
)
CODESIGNED = indicator(
    "codesigned",
    "Services and activities designed together with families",
    "cumulative_count",
    period_type="financial_year",
    target=Target(value=3, date=dt.date(2029, 3, 31)),
    baseline=Baseline(value=0, period="2024-25"),
)
VISITS = indicator("visits", "Visits to the Local Offer website", "series", period_type="month")
REVIEW = indicator(
    "review",
    "Local Offer reviewed with the City Parent Carer Forum",
    "milestone",
    period_type="quarter",
    target=Target(date=dt.date(2026, 3, 31)),
)


def row(ind: Indicator, period: str, value: float | None, **more: Any) -> dict[str, Any]:
    """A headline result row, dated from its period label."""
    start, end = periods.parse(period, ind.period_type)
    return {
        "indicator_id": ind.id,
        "period": period,
        "period_start": start,
        "period_end": end,
        "breakdown": None,
        "breakdown_group": None,
        "value": value,
        **more,
    }


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return results.conform(pl.DataFrame(list(rows), infer_schema_length=None)).collect()


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def test_a_rate_is_a_percentage_to_one_decimal_place_with_the_count_beside_it() -> None:
    assert summaries.format_value(PLANS_20WK, 80.0, 4, 5) == "80.0% (4 of 5)"
    # 2 / 3 = 66.666...% -> 66.7%
    assert summaries.format_value(PLANS_20WK, 200 / 3, 2, 3) == "66.7% (2 of 3)"
    assert summaries.format_value(PLANS_20WK, 50.0, 1_250, 2_500) == "50.0% (1,250 of 2,500)"


def test_a_rate_without_its_counts_is_the_percentage_alone() -> None:
    assert summaries.format_value(PLANS_20WK, 100.0) == "100.0%"


def test_counts_have_thousands_separators() -> None:
    assert summaries.format_value(VISITS, 1520.0) == "1,520"
    assert summaries.format_value(VISITS, 1_234_567.0) == "1,234,567"
    assert summaries.format_value(VISITS, 7.0) == "7"
    # an average per month need not be whole: one decimal place
    assert summaries.format_value(VISITS, 1234.5) == "1,234.5"


def test_a_milestone_value_is_its_progress_in_words() -> None:
    assert summaries.format_value(REVIEW, 0.0) == "Not started"
    assert summaries.format_value(REVIEW, 50.0) == "In progress"
    assert summaries.format_value(REVIEW, 100.0) == "Complete"


def test_a_missing_value_says_so() -> None:
    assert summaries.format_value(PLANS_20WK, None, 0, 0) == "no value"
    assert summaries.format_value(VISITS, None) == "no value"
    assert summaries.format_value(VISITS, float("nan")) == "no value"


def test_status_is_an_icon_and_words_and_a_context_measure_has_no_target() -> None:
    assert summaries.status_text(Status.on_track) == "✔ On track"
    assert summaries.status_text("at_risk") == "▲ At risk"
    assert summaries.status_text(Status.too_few) == "≈ Too few to judge"
    assert summaries.status_text(None) == "No target (context measure)"


def test_a_missing_status_is_worded_for_the_measure_it_belongs_to() -> None:
    assert summaries.status_text(None, AUTISM) == "No target (context measure)"
    assert summaries.status_text(None, APPEALS) == "No target set"
    assert summaries.status_text(None, PLANS_20WK) == "Not judged"


# --------------------------------------------------------------------------------------------
# One sentence per type
# --------------------------------------------------------------------------------------------


def test_a_rate_reads_as_how_many_of_how_many_and_the_target() -> None:
    plans = row(PLANS_20WK, "2024", 80.0, numerator=4, denominator=5)
    assert summaries.summary_sentence(PLANS_20WK, plans) == (
        "4 of 5 EHC plans (80.0%) were issued within 20 weeks in 2024; the target is 100%."
    )


def test_a_rate_can_give_its_95_percent_interval_in_words() -> None:
    # Wilson interval for 4 of 5: p = 0.8, n = 5, z = 1.96, z²/n = 0.76829
    # centre = (0.8 + 0.38415) / 1.76829 = 0.66966
    # half   = 1.96 × √(0.8 × 0.2 / 5 + 3.8415 / 100) / 1.76829 = 0.29413
    # bounds = 37.55% and 96.38%, written to one decimal place
    plans = row(PLANS_20WK, "2024", 80.0, numerator=4, denominator=5, lower=37.553, upper=96.378)
    assert summaries.summary_sentence(PLANS_20WK, plans, with_interval=True) == (
        "4 of 5 EHC plans (80.0%) were issued within 20 weeks in 2024 "
        "(95% interval 37.6% to 96.4%); the target is 100%."
    )


def test_a_rate_on_fewer_than_the_minimum_is_too_few_to_judge() -> None:
    # min_denominator is 5 by default: 4 plans are too few
    plans = row(PLANS_20WK, "2024", 75.0, numerator=3, denominator=4)
    assert summaries.summary_sentence(PLANS_20WK, plans) == (
        "3 of 4 EHC plans (75.0%) were issued within 20 weeks in 2024 "
        "— too few to judge against the target of 100%."
    )


def test_a_rate_reads_naturally_whatever_the_shape_of_its_title() -> None:
    # 18 / 25 = 72.0%; a context measure has no target to mention
    autism = row(AUTISM, "2025-01", 72.0, numerator=18, denominator=25)
    assert summaries.summary_sentence(AUTISM, autism) == (
        "18 of 25 children and young people with an EHC plan (72.0%) had autism as their main "
        "need in January 2025."
    )
    # 9 / 10 = 90.0%
    checked = row(AP_QUALITY, "2024/25", 90.0, numerator=9, denominator=10)
    assert summaries.summary_sentence(AP_QUALITY, checked) == (
        "9 of 10 alternative provision placements (90.0%) were with a quality-checked provider "
        "in the 2024/25 academic year."
    )


def test_the_period_can_be_named_by_the_page() -> None:
    plans = row(PLANS_20WK, "2024", 80.0, numerator=4, denominator=5)
    assert summaries.summary_sentence(PLANS_20WK, plans, period_words="the latest year") == (
        "4 of 5 EHC plans (80.0%) were issued within 20 weeks in the latest year; "
        "the target is 100%."
    )


def test_a_survey_reads_as_who_answered_and_agreed() -> None:
    # 12 / 20 = 60.0%
    answers = row(PARENTS_IAG, "2024-25", 60.0, numerator=12, denominator=20)
    assert summaries.summary_sentence(PARENTS_IAG, answers) == (
        "In the 2024-25 financial year, 12 of 20 parent carers who answered (60.0%) agreed that "
        "information, advice and support is good; the aim is for this to go up."
    )


def test_a_count_reads_as_a_number_of_things_done() -> None:
    offered = row(WORK_OFFERED, "2024/25", 7.0)
    assert summaries.summary_sentence(WORK_OFFERED, offered) == (
        "7 apprenticeships and supported internships were offered in the 2024/25 academic year; "
        "the aim is for this to go up."
    )


def test_a_count_of_a_plain_noun_reads_as_a_label_and_its_number() -> None:
    plans = row(ACTIVE_PLANS, "2025-01", 26.0)
    assert summaries.summary_sentence(ACTIVE_PLANS, plans) == (
        "Children and young people with an EHC plan: 26 in January 2025."
    )
    # one child: never "1 ... were"
    one = row(AP_CHILDREN, "2024/25", 1.0)
    assert summaries.summary_sentence(AP_CHILDREN, one) == (
        "City children and young people in alternative provision: 1 in the 2024/25 academic year."
    )


def test_a_running_total_reads_against_its_dated_target() -> None:
    so_far = row(CODESIGNED, "2025-26", 2.0)
    assert summaries.summary_sentence(CODESIGNED, so_far) == (
        "2 services and activities designed together with families so far (to the end of the "
        "2025-26 financial year), against a target of 3 by 31 March 2029."
    )


def test_a_series_reads_as_its_title_and_the_month() -> None:
    march = row(VISITS, "2026-03", 1520.0)
    assert summaries.summary_sentence(VISITS, march) == (
        "Visits to the Local Offer website: 1,520 in March 2026."
    )


def test_a_milestone_reads_as_progress_due_date_and_lead() -> None:
    with_lead = row(REVIEW, "2025-Q3", 50.0, lead="Head of SEND")
    assert summaries.summary_sentence(REVIEW, with_lead) == (
        "In progress; due 31 March 2026; lead: Head of SEND."
    )
    # a result row carries no lead: it is left out, not guessed
    done = row(REVIEW, "2026-Q1", 100.0, note="Agreed with the Forum")
    assert summaries.summary_sentence(REVIEW, done) == "Complete; due 31 March 2026."


def test_a_missing_value_gives_the_note_that_explains_it() -> None:
    note = (
        "Every EHC plan issued in 2024 had a permitted exception to the 20-week time limit, so "
        "there is no figure leaving exceptions out."
    )
    empty = row(PLANS_20WK, "2024", None, numerator=0, denominator=0, note=note)
    assert summaries.summary_sentence(PLANS_20WK, empty) == note


def test_a_missing_value_without_a_note_says_why_there_is_no_figure() -> None:
    empty = row(PLANS_20WK, "2024", None, numerator=0, denominator=0)
    assert summaries.summary_sentence(PLANS_20WK, empty) == (
        "EHC plans issued within 20 weeks (leaving out permitted exceptions): none to count in "
        "2024, so there is no figure."
    )


def test_no_row_at_all_says_no_data_has_been_uploaded() -> None:
    assert summaries.summary_sentence(PLANS_20WK, None) == (
        "No data has been uploaded yet for EHC plans issued within 20 weeks (leaving out "
        "permitted exceptions)."
    )
    assert summaries.summary_sentence(VISITS, None, period_words="March 2026") == (
        "No data has been uploaded yet for visits to the Local Offer website for March 2026."
    )


# --------------------------------------------------------------------------------------------
# Latest, previous and the change between them
# --------------------------------------------------------------------------------------------


def test_latest_and_previous_are_headline_rows_in_period_order() -> None:
    found = frame(
        row(PLANS_20WK, "2025", 80.0),
        row(PLANS_20WK, "2023", 100.0),
        row(PLANS_20WK, "2024", 90.0),
        # a breakdown row of a later period is not the headline
        row(PLANS_20WK, "2026", 50.0) | {"breakdown": "Sex", "breakdown_group": "Female"},
    )
    latest = summaries.latest(found, "plans_20wk")
    previous = summaries.previous(found, "plans_20wk")
    assert latest is not None and (latest["period"], latest["value"]) == ("2025", 80.0)
    assert previous is not None and (previous["period"], previous["value"]) == ("2024", 90.0)
    assert summaries.latest(found, "no_such_indicator") is None
    assert summaries.previous(frame(row(PLANS_20WK, "2025", 80.0)), "plans_20wk") is None


def test_a_rate_moves_in_points_and_says_better_or_worse_by_polarity() -> None:
    # 80.0 - 75.0 = 5.0 points; higher is better
    up = frame(row(PLANS_20WK, "2023", 75.0), row(PLANS_20WK, "2024", 80.0))
    assert summaries.change_since_previous(PLANS_20WK, up) == (
        "up 5.0 points (better) from 75.0% in 2023"
    )
    # 12.5 - 10.0 = 2.5 points; lower is better, so a rise is worse
    appeals = frame(row(APPEALS, "2023", 10.0), row(APPEALS, "2024", 12.5))
    assert summaries.change_since_previous(APPEALS, appeals) == (
        "up 2.5 points (worse) from 10.0% in 2023"
    )


def test_a_count_moves_in_its_own_units() -> None:
    # 7 - 10 = -3; higher is better
    fewer = frame(row(WORK_OFFERED, "2023/24", 10.0), row(WORK_OFFERED, "2024/25", 7.0))
    assert summaries.change_since_previous(WORK_OFFERED, fewer) == (
        "down 3 (worse) from 10 in 2023/24"
    )
    # 1,520 - 1,400 = 120
    visits = frame(row(VISITS, "2026-02", 1400.0), row(VISITS, "2026-03", 1520.0))
    assert summaries.change_since_previous(VISITS, visits) == (
        "up 120 (better) from 1,400 in February 2026"
    )


def test_a_measure_without_polarity_never_says_better_or_worse() -> None:
    children = frame(row(AP_CHILDREN, "2023/24", 10.0), row(AP_CHILDREN, "2024/25", 7.0))
    assert summaries.change_since_previous(AP_CHILDREN, children) == "down 3 from 10 in 2023/24"
    # 72.0 - 70.0 = 2.0 points
    autism = frame(row(AUTISM, "2024-12", 70.0), row(AUTISM, "2025-01", 72.0))
    assert summaries.change_since_previous(AUTISM, autism) == (
        "up 2.0 points from 70.0% in December 2024"
    )


def test_no_change_and_no_earlier_period_are_said_plainly() -> None:
    same = frame(row(PLANS_20WK, "2023", 75.0), row(PLANS_20WK, "2024", 75.0))
    assert summaries.change_since_previous(PLANS_20WK, same) == "no change from 75.0% in 2023"
    one = frame(row(PLANS_20WK, "2024", 75.0))
    assert summaries.change_since_previous(PLANS_20WK, one) == "no earlier period"
    gap = frame(row(PLANS_20WK, "2023", None), row(PLANS_20WK, "2024", 75.0))
    assert summaries.change_since_previous(PLANS_20WK, gap) == "no value in 2023 to compare with"


def test_a_milestone_moves_on_or_back() -> None:
    moved = frame(row(REVIEW, "2025-Q2", 0.0), row(REVIEW, "2025-Q3", 50.0))
    assert summaries.change_since_previous(REVIEW, moved) == (
        "moved on (better) from Not started in April to June 2025"
    )


# --------------------------------------------------------------------------------------------
# What changed since the last period
# --------------------------------------------------------------------------------------------

AREA = Area(
    name="Testshire",
    la_code="999",
    new_la_code="E09999999",
    strategy_title="Testshire SEND Strategy",
    strategy_period="2025-2029",
)


def test_what_changed_lists_status_changes_first_then_the_largest_moves() -> None:
    registry = Registry(
        area=AREA,
        priorities=(),
        indicators=(PLANS_20WK, WORK_OFFERED, APPEALS, AP_QUALITY, VISITS, AP_CHILDREN, REVIEW),
    )
    found = frame(
        # a status change: At risk -> On track (its move of 5 points is not listed again)
        row(PLANS_20WK, "2023", 95.0, status="at_risk"),
        row(PLANS_20WK, "2024", 100.0, status="on_track"),
        # 10 -> 7: a move of 3 / 10 = 30%
        row(WORK_OFFERED, "2023/24", 10.0),
        row(WORK_OFFERED, "2024/25", 7.0),
        # 10.0% -> 12.5%: a move of 2.5 points out of 100 = 2.5%
        row(APPEALS, "2023", 10.0),
        row(APPEALS, "2024", 12.5),
        # no change: not listed
        row(AP_QUALITY, "2023/24", 90.0),
        row(AP_QUALITY, "2024/25", 90.0),
        # 1,000 -> 1,500: a move of 500 / 1,000 = 50%, the largest
        row(VISITS, "2026-02", 1000.0),
        row(VISITS, "2026-03", 1500.0),
        # one period only: nothing to compare
        row(AP_CHILDREN, "2024/25", 1.0),
        # a second status change, later in the registry: Not yet due -> At risk
        row(REVIEW, "2025-Q3", 0.0, status="not_yet_due"),
        row(REVIEW, "2025-Q4", 0.0, status="at_risk"),
    )
    assert summaries.what_changed(registry, found) == [
        "EHC plans issued within 20 weeks (leaving out permitted exceptions): At risk → On track",
        "Local Offer reviewed with the City Parent Carer Forum: Not yet due → At risk",
        "Visits to the Local Offer website: up 500 (better) from 1,000 in February 2026",
        "Apprenticeships and supported internships offered: down 3 (worse) from 10 in 2023/24",
        "Decisions appealed to the SEND Tribunal: up 2.5 points (worse) from 10.0% in 2023",
    ]
    assert len(summaries.what_changed(registry, found, limit=3)) == 3


def test_what_changed_leaves_out_indicators_not_shown_on_the_overview() -> None:
    hidden = REVIEW.model_copy(update={"headline": False})
    registry = Registry(area=AREA, priorities=(), indicators=(hidden,))
    found = frame(
        row(REVIEW, "2025-Q3", 0.0, status="not_yet_due"),
        row(REVIEW, "2025-Q4", 0.0, status="at_risk"),
    )
    assert summaries.what_changed(registry, found) == []


# --------------------------------------------------------------------------------------------
# The text alternative of the trend chart
# --------------------------------------------------------------------------------------------


def test_chart_description_gives_first_and_latest_values_trend_and_target() -> None:
    found = frame(
        row(PLANS_20WK, "2023", 100.0, numerator=5, denominator=5, lower=56.6, upper=100.0),
        row(PLANS_20WK, "2024", None, numerator=0, denominator=0),
        row(PLANS_20WK, "2025", 80.0, numerator=4, denominator=5, lower=37.6, upper=96.4),
    )
    # 80.0 - 100.0 = -20.0 points; higher is better
    assert summaries.chart_description(PLANS_20WK, found) == (
        "Line chart of EHC plans issued within 20 weeks by calendar year, from 2023 to 2025. "
        "It was 100.0% (5 of 5) in 2023 and 80.0% (4 of 5) in 2025: down 20.0 points overall "
        "(worse). There is no figure for 2024. The shaded band is the 95% interval. "
        "The dashed line is the target of 100%. The dotted line is the baseline of 100% in 2023."
    )


def test_chart_description_of_one_period_says_so() -> None:
    found = frame(row(CODESIGNED, "2025-26", 2.0))
    assert summaries.chart_description(CODESIGNED, found) == (
        "Line chart of services and activities designed together with families with one "
        "financial year so far: 2 in 2025-26. The dashed line is the target of 3 by 31 March "
        "2029. The dotted line is the baseline of 0 in 2024-25."
    )


def test_chart_description_without_data_says_there_is_nothing_yet() -> None:
    assert summaries.chart_description(VISITS, results.empty()) == (
        "No data to chart yet for visits to the Local Offer website."
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("EHC plans issued within 20 weeks", ("EHC plans", "were issued within 20 weeks")),
        (
            "Apprenticeships and supported internships taken up",
            ("Apprenticeships and supported internships", "were taken up"),
        ),
        (
            "Children with an EHC plan who are under 12",
            ("Children with an EHC plan", "were under 12"),
        ),
        (
            "School placements in alternative provision that the council was told about",
            (
                "School placements in alternative provision",
                "were ones that the council was told about",
            ),
        ),
        ("Children and young people on SEN Support", None),
    ],
)
def test_a_title_splits_into_what_is_counted_and_what_is_true_of_it(
    title: str, expected: tuple[str, str] | None
) -> None:
    assert summaries.split_title(title) == expected
