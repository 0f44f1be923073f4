"""What a reader knows from the definitions: a group's numerator is all or none of it, and
which measures count the same rows or part of another's."""

from __future__ import annotations

import pytest

from metrics import api
from metrics import disclosure_relations as relations
from metrics.disclosure_relations import ALL, NONE

REG = api.registry()


@pytest.mark.parametrize(
    ("indicator_id", "breakdown", "group", "expected"),
    [
        # % male: every boy is in the numerator, no girl, no one of another or unknown sex
        ("ehc_plans_male", "Sex", "Male", ALL),
        ("ehc_plans_male", "Sex", "Female", NONE),
        ("ehc_plans_male", "Sex", "Not known", NONE),
        # % under 12: under 5s and 5 to 10s all are; 11 to 15 depends on the child (11 is,
        # 12 is not); 16 to 19 none are
        ("ehc_plans_under_12", "Age", "Under 5", ALL),
        ("ehc_plans_under_12", "Age", "5 to 10", ALL),
        ("ehc_plans_under_12", "Age", "11 to 15", None),
        ("ehc_plans_under_12", "Age", "16 to 19", NONE),
        ("ehc_plans_under_12", "Under 12 or 12 to 25", "12 to 25", NONE),
        # % global majority by ethnic group, and by the global majority breakdown itself
        ("ehc_plans_global_majority", "Ethnic group", "Black", ALL),
        ("ehc_plans_global_majority", "Ethnic group", "White", NONE),
        ("ehc_plans_global_majority", "Global majority and White", "Global majority", ALL),
        # % autism by primary need
        ("ehc_plans_autism", "Primary need", "Autistic spectrum disorder", ALL),
        ("ehc_plans_autism", "Primary need", "Hearing impairment", NONE),
        # the 20-week rate by sex: whether a plan was on time depends on the plan
        ("ehc_20wk_excl_exceptions", "Sex", "Male", None),
        # a survey by respondent group: agreeing depends on the answer
        ("families_iag_survey", "Respondent", "Parent carers", None),
    ],
)
def test_a_groups_numerator_from_the_definitions(
    indicator_id: str, breakdown: str, group: str, expected: str | None
) -> None:
    assert relations.group_relation(REG.indicator(indicator_id), breakdown, group) == expected


def test_plans_without_an_exception_are_part_of_all_plans() -> None:
    excl = REG.indicator("ehc_20wk_excl_exceptions")
    incl = REG.indicator("ehc_20wk_incl_exceptions")
    for quantity in ("numerator", "denominator"):
        part = relations.row_set(excl, quantity)
        whole = relations.row_set(incl, quantity)
        assert part is not None and whole is not None
        assert part.within(whole) and not whole.within(part)


def test_the_same_rows_under_two_names_are_one_set() -> None:
    # placements made by schools (the denominator of "school placements notified") are the
    # "School" group of "Placed by" in the quality-assured measure
    notified = relations.row_set(REG.indicator("ap_school_notified"), "denominator")
    by_school = relations.row_set(
        REG.indicator("ap_quality_assured"), "denominator", "Placed by", "School"
    )
    assert notified == by_school


def test_different_dates_make_different_rows() -> None:
    # decisions counted by decision date and plans by issue date are never compared
    decisions = relations.row_set(REG.indicator("ehc_6wk_decisions"), "denominator")
    plans = relations.row_set(REG.indicator("ehc_20wk_incl_exceptions"), "denominator")
    assert decisions is not None and plans is not None
    assert not decisions.within(plans) and not plans.within(decisions)


def test_uploaded_counts_are_left_to_the_data() -> None:
    # an uploaded count says nothing about its rows: the data decide, erring to protection
    tribunal = REG.indicator("tribunal_appeal_rate")
    assert relations.row_set(tribunal, "numerator") is None
    assert relations.defined_by_data(tribunal, "Sex", "Male")
    assert not relations.defined_by_data(REG.indicator("ehc_plans_male"), "Sex", "Male")
