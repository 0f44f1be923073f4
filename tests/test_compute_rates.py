"""Surveys (% positive), rates from counted values, and other record-level rates."""

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


def indicator(toml: str) -> Indicator:
    """An indicator from a registry entry; the wording fields are not under test."""
    words = {"measure": "m", "title": "t", "description": "d", "methodology": "m"}
    return Indicator.model_validate(
        {"priority": "1", "update_frequency": "annually", **words, **tomllib.loads(toml)}
    )


def compute(ind: Indicator, **rows: list[dict[str, Any]]) -> pl.DataFrame:
    frames = {name: pl.LazyFrame(r, schema=dataset_schema(name)) for name, r in rows.items()}
    area = Area(name="Test", la_code="1", new_la_code="E1", strategy_title="s", strategy_period="p")
    registry = Registry(area=area, priorities=(), indicators=(ind,))
    return compute_indicator(ind, frames, registry, today=TODAY).collect()


def headline(result: pl.DataFrame, period: str) -> dict[str, Any]:
    rows = result.filter(pl.col("breakdown").is_null() & (pl.col("period") == period))
    assert rows.height == 1, f"expected one headline row for {period}"
    return rows.row(0, named=True)


# ---------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------

PARENT_CARER_IAG = indicator(
    """
    id = "parent_carer_iag_survey"
    type = "survey"
    unit = "percent"
    polarity = "higher_is_better"
    period_type = "financial_year"
    [source]
    dataset = "survey_responses"
    question = "iag_offer_good"
    respondent_groups = ["parent_carer"]
    breakdowns = ["respondent_group"]
    """
)


def answer(
    when: dt.date, response: str, group: str = "parent_carer", question: str = "iag_offer_good"
) -> dict[str, Any]:
    return {
        "response_ref": f"S-{when}-{response}-{group}",
        "response_date": when,
        "respondent_group": group,
        "question": question,
        "response": response,
    }


def test_survey_percent_positive_leaves_out_dont_know() -> None:
    responses = [
        # 2024-25 (April 2024 to March 2025): parent carers
        answer(D(2024, 6, 3), "strongly_agree"),
        answer(D(2024, 6, 3), "agree"),
        answer(D(2025, 3, 31), "agree"),
        answer(D(2024, 6, 3), "neither"),
        answer(D(2024, 6, 3), "disagree"),
        answer(D(2024, 6, 3), "dont_know"),
        answer(D(2024, 6, 3), "dont_know"),
        # not counted: another respondent group, another question
        answer(D(2024, 6, 3), "disagree", group="young_person"),
        answer(D(2024, 6, 3), "disagree", question="transition_iag_benefit"),
        # 2025-26
        answer(D(2025, 4, 1), "agree"),
        answer(D(2025, 5, 1), "strongly_disagree"),
        answer(D(2025, 5, 1), "dont_know"),
    ]
    result = compute(PARENT_CARER_IAG, survey_responses=responses)
    first = headline(result, "2024-25")
    # positive: strongly agree + agree + agree = 3; answered (not don't know): 3 + 1 + 1 = 5
    assert (first["numerator"], first["denominator"], first["value"]) == (3, 5, 60.0)
    # Wilson 3/5 (see the EHC tests): 23.07% to 88.24%
    assert (first["lower"], first["upper"]) == pytest.approx((23.0724, 88.2379), abs=1e-3)
    second = headline(result, "2025-26")
    # agree out of agree + strongly disagree = 1 / 2
    assert (second["numerator"], second["denominator"], second["value"]) == (1, 2, 50.0)
    assert second["period_start"] == D(2025, 4, 1)
    # the breakdown by respondent shows only those asked about
    groups = result.filter(pl.col("breakdown") == "Respondent")["breakdown_group"].unique()
    assert groups.to_list() == ["Parent carers"]


def test_a_survey_answered_only_dont_know_has_no_percentage() -> None:
    result = compute(PARENT_CARER_IAG, survey_responses=[answer(D(2024, 6, 3), "dont_know")])
    row = headline(result, "2024-25")
    assert (row["numerator"], row["denominator"], row["value"]) == (0, 0, None)


def test_answers_to_other_questions_do_not_make_a_year_for_this_survey() -> None:
    result = compute(
        PARENT_CARER_IAG,
        survey_responses=[
            answer(D(2024, 6, 3), "agree"),
            answer(D(2025, 6, 3), "agree", question="prof_knowledge_improved"),
            answer(D(2025, 6, 3), "agree", group="young_person"),
        ],
    )
    assert result.filter(pl.col("breakdown").is_null())["period"].to_list() == ["2024-25"]


def test_a_survey_of_two_respondent_groups() -> None:
    families = indicator(
        """
        id = "families_iag_survey"
        type = "survey"
        unit = "percent"
        polarity = "higher_is_better"
        period_type = "financial_year"
        [source]
        dataset = "survey_responses"
        question = "transition_iag_benefit"
        respondent_groups = ["parent_carer", "family"]
        """
    )
    q = "transition_iag_benefit"
    result = compute(
        families,
        survey_responses=[
            answer(D(2024, 6, 3), "agree", "parent_carer", q),
            answer(D(2024, 6, 3), "agree", "family", q),
            answer(D(2024, 6, 3), "disagree", "family", q),
            answer(D(2024, 6, 3), "agree", "professional", q),
        ],
    )
    # 2 agree out of 3 answers from parent carers and families; the professional is not asked
    assert headline(result, "2024-25")["value"] == pytest.approx(200 / 3)


# ---------------------------------------------------------------------------------------------
# Rates from counted values (indicator_values)
# ---------------------------------------------------------------------------------------------

TRIBUNAL = indicator(
    """
    id = "tribunal_appeal_rate"
    priority = "context"
    type = "rate"
    unit = "percent"
    polarity = "none"
    period_type = "calendar_year"
    [source]
    dataset = "indicator_values"
    """
)


def value_row(
    period: str,
    numerator: float | None = None,
    denominator: float | None = None,
    *,
    indicator_id: str = "tribunal_appeal_rate",
    breakdown: str | None = None,
    group: str | None = None,
    count: float | None = None,
) -> dict[str, Any]:
    return {
        "indicator_id": indicator_id,
        "period": period,
        "breakdown": breakdown,
        "breakdown_group": group,
        "count": count,
        "numerator": numerator,
        "denominator": denominator,
    }


def test_rate_from_counted_numerator_and_denominator() -> None:
    result = compute(
        TRIBUNAL,
        indicator_values=[
            value_row("2023", 2, 40),
            value_row("2024", 3, 50),
            value_row("2024", 1, 10, breakdown="ethnic_group", group="asian"),
            value_row("2024", 99, 100, indicator_id="something_else"),
        ],
    )
    row_2023 = headline(result, "2023")
    # 2 / 40 = 5%; Wilson, n = 40: 1 + z²/40 = 1.0960365, z²/80 = 0.0480182,
    # z²/6400 = 0.0006002; centre = (0.05 + 0.0480182) / 1.0960365 = 0.0894297
    # half = 1.959964 × sqrt(0.05 × 0.95 / 40 + 0.0006002) / 1.0960365
    #      = 1.959964 × sqrt(0.0011875 + 0.0006002) / 1.0960365 = 1.959964 × 0.0422815
    #      / 1.0960365 = 0.0756091 -> 1.38% to 16.50%
    assert (row_2023["value"], row_2023["period_end"]) == (5.0, D(2023, 12, 31))
    assert (row_2023["lower"], row_2023["upper"]) == pytest.approx((1.3821, 16.5039), abs=1e-3)
    assert headline(result, "2024")["value"] == 6.0  # 3 / 50
    # a breakdown given by its registry name reads with the same title as computed ones
    asian = result.filter(pl.col("breakdown") == "Ethnic group").row(0, named=True)
    assert (asian["breakdown_group"], asian["value"]) == ("asian", 10.0)
    # context indicators have no target, so no status
    assert result["status"].is_null().all()
    assert result.height == 3


def test_counted_values_with_a_label_of_another_period_type_are_ignored() -> None:
    result = compute(TRIBUNAL, indicator_values=[value_row("2024/25", 1, 2)])
    assert result.is_empty()


# ---------------------------------------------------------------------------------------------
# Another record-level rate: AP placements notified by the placing school (academic year)
# ---------------------------------------------------------------------------------------------


def test_rate_by_academic_year_over_the_rows_in_the_denominator() -> None:
    notified = indicator(
        """
        id = "ap_school_notified"
        priority = "5"
        type = "rate"
        unit = "percent"
        polarity = "higher_is_better"
        period_type = "academic_year"
        [source]
        dataset = "ap_placements"
        date_column = "start_date"
        where = [{column = "placed_by", in = ["school"]}]
        numerator = [{column = "notified_to_la", in = ["yes"]}]
        breakdowns = ["sen_status"]
        """
    )

    def placement(start: dt.date, placed_by: str, notified: str, sen: str) -> dict[str, Any]:
        return {
            "placement_ref": f"AP-{start}-{placed_by}-{notified}",
            "child_ref": "CYP-1",
            "start_date": start,
            "placed_by": placed_by,
            "notified_to_la": notified,
            "provider_quality_assured": "yes",
            "panel_quality_rating": "high",
            "sen_status": sen,
        }

    result = compute(
        notified,
        ap_placements=[
            placement(D(2024, 9, 1), "school", "yes", "sen_support"),
            placement(D(2025, 8, 31), "school", "no", "sen_support"),
            placement(D(2025, 1, 6), "school", "yes", "ehc_plan"),
            # placed by the local authority: not in the denominator
            placement(D(2025, 1, 6), "local_authority", "no", "ehc_plan"),
        ],
    )
    row = headline(result, "2024/25")
    # 1 September 2024 and 31 August 2025 both fall in 2024/25: 2 notified of 3
    assert (row["numerator"], row["denominator"]) == (2, 3)
    assert row["status"] is None  # no target
    by_sen = {
        r["breakdown_group"]: (r["numerator"], r["denominator"])
        for r in result.filter(pl.col("breakdown") == "SEN status").iter_rows(named=True)
    }
    assert by_sen == {"SEN Support": (1, 2), "EHC plan": (1, 1)}
