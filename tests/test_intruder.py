"""The intruder test: no count shown as `c` can be worked out from what is published.

`tests/intruder_support.py` plays a reader who knows what every measure means; these tests
check it finds what the issue found, then run it against the demo data (on both databases)
and against generated data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    empty_url_fixture,
    open_page,
    texts,
)
from area_support import SECOND_DATA, second_registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from metrics import api, datasets, disclosure, exports, periods
from metrics.compute import compute_all
from metrics.results import RESULT_SCHEMA
from tests import intruder_support as intruder
from tests.conftest import SEED_DIR

REG = api.registry()
CELL = ("numerator", "denominator")


def rows(indicator_id: str, period: str, *given_rows: dict[str, Any]) -> pl.DataFrame:
    """True result rows; a row names `breakdown` and `group`, or neither for the headline."""
    ind = REG.indicator(indicator_id)
    start, end = periods.parse(period, ind.period_type)
    out = []
    for row in given_rows:
        num, den = row.get("numerator"), row.get("denominator")
        out.append(
            {
                "indicator_id": indicator_id,
                "period": period,
                "period_start": start,
                "period_end": end,
                "breakdown": row.get("breakdown"),
                "breakdown_group": row.get("group"),
                "numerator": num,
                "denominator": den,
                "value": row.get("value", 100 * num / den if num is not None and den else None),
                "lower": None,
                "upper": None,
                "status": None,
                "note": None,
            }
        )
    return pl.DataFrame(out, schema=RESULT_SCHEMA)


Hidden = dict[tuple[str | None, str | None, str], str]


def shown(truth: pl.DataFrame, hidden: Hidden) -> pl.DataFrame:
    """A publication of `truth` with the given cells as `c` ((breakdown, group, quantity) ->
    "primary" or "secondary"): how the dashboard published it before this issue."""
    out = []
    for row in truth.iter_rows(named=True):
        pub = dict(row)
        key = (row["breakdown"], row["breakdown_group"])
        for q in (*CELL, "value"):
            kind = hidden.get((*key, q))
            pub[f"{q}_flag"] = kind
            number = row[q]
            pub[f"published_{q}"] = "c" if kind else None if number is None else str(round(number))
        out.append(pub)
    return pl.DataFrame(out)


def published(truth: pl.DataFrame) -> dict[tuple[str | None, str | None], dict[str, Any]]:
    out = disclosure.suppress_results(truth, 5, registry=REG)
    return {(r["breakdown"], r["breakdown_group"]): r for r in out.iter_rows(named=True)}


# ---------------------------------------------------------------------------------------------
# The issue's own examples: the intruder finds them as published before, and not any more
# ---------------------------------------------------------------------------------------------

UNDER_12 = rows(
    "ehc_plans_under_12",
    "2026-01",
    {"numerator": 13.0, "denominator": 28.0},
    {"breakdown": "Age", "group": "Under 5", "numerator": 3.0, "denominator": 3.0},
    {"breakdown": "Age", "group": "5 to 10", "numerator": 10.0, "denominator": 10.0},
    {"breakdown": "Age", "group": "11 to 15", "numerator": 0.0, "denominator": 10.0},
    {"breakdown": "Age", "group": "16 to 19", "numerator": 0.0, "denominator": 5.0},
    {"breakdown": "Under 12 or 12 to 25", "group": "Under 12", "numerator": 13.0,
     "denominator": 13.0},
    {"breakdown": "Under 12 or 12 to 25", "group": "12 to 25", "numerator": 0.0,
     "denominator": 15.0},
)  # fmt: skip

MALE = rows(
    "ehc_plans_male",
    "2025-01",
    {"numerator": 22.0, "denominator": 26.0},
    {"breakdown": "Sex", "group": "Male", "numerator": 22.0, "denominator": 22.0},
    {"breakdown": "Sex", "group": "Female", "numerator": 0.0, "denominator": 4.0},
)


def test_the_intruder_works_out_the_under_5s_as_the_issue_did() -> None:
    # As published before: "5 to 10" 10 plans, its numerator c; "Under 5" c of c; the
    # "16 to 19" denominator c beside it (secondary). Every 5-to-10-year-old is under 12, so
    # that numerator is 10, and the under 5s are 13 - 10 = 3, all of them under 12 too.
    before = shown(
        UNDER_12,
        {
            ("Age", "5 to 10", "numerator"): "secondary",
            ("Age", "Under 5", "numerator"): "primary",
            ("Age", "Under 5", "denominator"): "primary",
            ("Age", "16 to 19", "denominator"): "secondary",
        },
    )
    found = {(f.what, f.value) for f in intruder.attack(REG, UNDER_12, before)}
    assert found == {
        (str(("ehc_plans_under_12", "2026-01", "Age", "Under 5", "numerator")), 3),
        (str(("ehc_plans_under_12", "2026-01", "Age", "Under 5", "denominator")), 3),
    }


def test_the_intruder_works_out_the_girls_as_the_issue_did() -> None:
    # 22 of 26 boys; by sex both denominators were c. Every boy is in the numerator and no
    # girl is, so the boys' denominator is 22 and the girls' 26 - 22 = 4.
    before = shown(
        MALE,
        {("Sex", "Male", "denominator"): "secondary", ("Sex", "Female", "denominator"): "primary"},
    )
    found = [(f.what, f.value) for f in intruder.attack(REG, MALE, before)]
    assert found == [(str(("ehc_plans_male", "2025-01", "Sex", "Female", "denominator")), 4)]


def test_under_12_by_age_gives_nothing_away_now() -> None:
    out = published(UNDER_12)
    assert (
        intruder.attack(REG, UNDER_12, disclosure.suppress_results(UNDER_12, 5, registry=REG)) == []
    )
    head = out[(None, None)]
    assert (head["published_numerator"], head["published_denominator"]) == ("13", "28")
    assert out[("Age", "Under 5")]["published_numerator"] != "3"


def test_a_breakdown_by_the_measures_own_variable_is_left_out_when_it_gives_the_rest() -> None:
    # Complement rule: "22 of 26" is published as the strategy publishes "85% male"; it says 4
    # are not boys, so a "c" for the girls would pretend to hide what the headline gives: the
    # breakdown by sex is left out for the month, and the headline's footnote says so.
    out = published(MALE)
    assert list(out) == [(None, None)]
    head = out[(None, None)]
    assert (head["published_numerator"], head["published_denominator"]) == ("22", "26")
    assert "breakdown not published for this period" in head["footnote"]
    assert "(Sex)" in head["footnote"]


# ---------------------------------------------------------------------------------------------
# Related measures and running totals
# ---------------------------------------------------------------------------------------------

TWENTY_WEEKS = pl.concat(
    [
        # 5 of 7 plans without an exception in 20 weeks; 6 of 8 of all plans: the one plan
        # with an exception (8 - 7) was issued within 20 weeks (6 - 5)
        rows("ehc_20wk_excl_exceptions", "2025", {"numerator": 5.0, "denominator": 7.0}),
        rows("ehc_20wk_incl_exceptions", "2025", {"numerator": 6.0, "denominator": 8.0}),
    ]
)


def test_the_intruder_finds_the_plan_with_an_exception() -> None:
    before = shown(TWENTY_WEEKS, {})
    found = {f.value for f in intruder.attack(REG, TWENTY_WEEKS, before)}
    # 8 - 7 = 1 plan with an exception, 6 - 5 = 1 of them on time; 8 - 5 = 3 plans not
    # both on time and without an exception
    assert found == {1, 3}


def test_the_related_measure_gives_way_to_the_first() -> None:
    out = disclosure.suppress_results(TWENTY_WEEKS, 5, registry=REG)
    assert intruder.attack(REG, TWENTY_WEEKS, out) == []
    excl, incl = out.iter_rows(named=True)
    assert (excl["published_numerator"], excl["published_denominator"]) == ("5", "7")
    assert excl["published_value"] == "71.4%"
    assert incl["value"] is None and incl["published_value"] == "c"
    assert disclosure.footnotes(5)[disclosure.DIFFERENCE] in incl["footnote"]


def test_an_export_of_one_measure_allows_for_its_related_measure() -> None:
    # Downloaded from the internal view, the file for "including exceptions" is suppressed
    # beside "leaving out exceptions" (6 of 8 against 5 of 7 gives the 1 plan with an
    # exception), as the publication view does; alone it would show 6 of 8.
    incl = REG.indicator("ehc_20wk_incl_exceptions")
    alone = TWENTY_WEEKS.filter(pl.col("indicator_id") == incl.id)
    assert exports.table(incl, alone).select("Number", "Out of").row(0) == ("6", "8")
    (row,) = exports.table(incl, TWENTY_WEEKS).iter_rows(named=True)
    assert "c" in (row["Number"], row["Out of"]) and row["Percentage"] == "c"
    assert disclosure.footnotes(5)[disclosure.DIFFERENCE] in row["Footnote"]


def test_a_running_total_does_not_give_a_years_count_away() -> None:
    # 6 co-designed services by March 2026 and 8 by March 2027: 2 in 2026-27
    truth = pl.concat(
        [
            rows("codesigned_services", "2025-26", {"value": 6.0}),
            rows("codesigned_services", "2026-27", {"value": 8.0}),
        ]
    )
    assert [f.value for f in intruder.attack(REG, truth, shown(truth, {}))] == [2]
    out = disclosure.suppress_results(truth, 5, registry=REG)
    assert intruder.attack(REG, truth, out) == []
    first, latest = out.iter_rows(named=True)
    assert latest["published_value"] == "8"  # the latest total stays
    assert first["published_value"] == "c"
    assert disclosure.footnotes(5)[disclosure.DIFFERENCE] in first["footnote"]


def test_the_about_page_states_the_rules_for_complements_and_related_measures(
    app_on: Any, empty_url: str
) -> None:
    at = open_page(app_on(empty_url), "about")
    assert not at.exception
    words = texts(at)
    assert "Small numbers and privacy" in words
    assert "also says that 4 are not in it" in words and "85% male" in words
    assert "the related measure (the one listed later) is withheld" in words
    assert "running total" in words


# ---------------------------------------------------------------------------------------------
# The demo data, on SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------


def test_nothing_shown_as_c_in_the_demo_data_can_be_worked_out(engine: Engine) -> None:
    api.seed(engine, REG, SEED_DIR)
    day = dt.date(2026, 11, 27)
    truth = api.compute(engine, REG, on=day)
    out = intruder.publish(REG, truth)
    know = intruder.knowledge(REG, truth, out, 5)
    # the audit really looks at a lot: hidden counts, equations, differences
    assert sum(v is None for v in know.shown.values()) > 100
    assert len(know.equations) > 500 and len(know.differences) > 100
    assert intruder.findings(know) == []
    assert intruder.audit_database(REG, engine, on=day) == []


def test_nothing_shown_as_c_in_the_second_areas_data_can_be_worked_out(engine: Engine) -> None:
    # the second area (tests/areas/second): another registry, other measures, other breakdowns
    reg = second_registry()
    api.seed(engine, reg, seed_dir=SECOND_DATA, demo=True)
    day = dt.date(2026, 11, 27)
    truth = api.compute(engine, reg, on=day)
    out = intruder.publish(reg, truth)
    know = intruder.knowledge(reg, truth, out, 5)
    # its counts are small: most of what it publishes by group is hidden
    assert sum(v is None for v in know.shown.values()) > 10
    assert intruder.findings(know) == []
    assert intruder.audit_database(reg, engine, on=day) == []


# ---------------------------------------------------------------------------------------------
# Generated data: small areas, every breakdown, related measures, running totals
# ---------------------------------------------------------------------------------------------


def _pick(column: str, dataset: str) -> st.SearchStrategy[str]:
    return st.sampled_from(datasets.get(dataset).column(column).allowed_values)


DAYS = st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))
SNAPSHOTS = st.sampled_from([dt.date(2025, 1, 16), dt.date(2026, 1, 15)])


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    held = draw(_pick("annual_review_held", "ehc_plans"))
    return {
        "snapshot_date": draw(SNAPSHOTS),
        "age": draw(st.integers(0, 25)),
        "sex": draw(st.sampled_from(["male", "male", "female", "not_known"])),
        "ethnic_group": draw(_pick("ethnic_group", "ehc_plans")),
        "primary_need": draw(st.sampled_from(["ASD", "ASD", "SLCN", "SEMH"])),
        "short_breaks": draw(_pick("short_breaks", "ehc_plans")),
        "annual_review_held": held,
        "cyp_involved_in_review": draw(_pick("cyp_involved_in_review", "ehc_plans")),
    }


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    received = draw(st.dates(dt.date(2024, 6, 1), dt.date(2026, 6, 30)))
    weeks = draw(st.sampled_from([10, 19, 20, 25, 40, 60]))
    return {
        "request_received_date": received,
        "request_decision_date": received + dt.timedelta(days=draw(st.sampled_from([30, 50]))),
        "request_outcome": "assess",
        "assessment_outcome": draw(st.sampled_from(["plan_issued", "plan_issued", "pending"])),
        "plan_issued_date": received + dt.timedelta(weeks=weeks),
        "exception_20_weeks": draw(st.sampled_from(["no", "no", "yes"])),
        "mediation_or_tribunal": "no",
        "age_at_request": draw(st.integers(0, 25)),
        "sex": draw(st.sampled_from(["male", "female"])),
        "ethnic_group": draw(_pick("ethnic_group", "ehc_requests")),
        "primary_need": draw(st.sampled_from(["ASD", "SLCN"])),
        "waiting_support_offered": draw(_pick("waiting_support_offered", "ehc_requests")),
    }


@st.composite
def opportunities(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "opportunity_type": draw(_pick("opportunity_type", "work_opportunities")),
        "offered_date": draw(DAYS),
        "taken_up": draw(_pick("taken_up", "work_opportunities")),
        "sen_status": draw(_pick("sen_status", "work_opportunities")),
    }


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    done = draw(st.dates(dt.date(2025, 4, 1), dt.date(2026, 11, 1)))
    return {
        "title": "Co-designed activity",
        "priority": "1",
        "start_date": done - dt.timedelta(days=60),
        "completed_date": done,
        "involved_from_start": draw(st.sampled_from(["yes", "yes", "no"])),
        "feedback_given": "yes",
        "reported_feeling_heard": "yes",
    }


@st.composite
def placements(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(DAYS)
    return {
        "child_ref": f"CYP-{draw(st.integers(1, 8))}",
        "start_date": start,
        "end_date": start + dt.timedelta(days=90),
        "placed_by": draw(_pick("placed_by", "ap_placements")),
        "notified_to_la": draw(_pick("notified_to_la", "ap_placements")),
        "provider_quality_assured": draw(_pick("provider_quality_assured", "ap_placements")),
        "panel_quality_rating": draw(_pick("panel_quality_rating", "ap_placements")),
        "sen_status": draw(_pick("sen_status", "ap_placements")),
    }


REFS = {
    "ehc_plans": "case_ref",
    "ehc_requests": "case_ref",
    "work_opportunities": "opportunity_ref",
    "codesign_activities": "activity_ref",
    "ap_placements": "placement_ref",
}


def frames_of(records: dict[str, list[dict[str, Any]]]) -> dict[str, pl.LazyFrame]:
    """Each dataset's records as the calculators read them, with a reference per row."""
    return {
        name: pl.DataFrame(
            [{REFS[name]: f"GEN-{i}", **r} for i, r in enumerate(rows)], infer_schema_length=None
        ).lazy()
        for name, rows in records.items()
    }


@st.composite
def small_areas(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A small area's records: a few dozen plans and requests, a handful of the rest."""
    return {
        "ehc_plans": draw(st.lists(plans(), min_size=1, max_size=40)),
        "ehc_requests": draw(st.lists(requests(), min_size=1, max_size=25)),
        "work_opportunities": draw(st.lists(opportunities(), min_size=1, max_size=20)),
        "codesign_activities": draw(st.lists(activities(), min_size=1, max_size=14)),
        "ap_placements": draw(st.lists(placements(), min_size=1, max_size=15)),
    }


@settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(small_areas())
def test_nothing_shown_as_c_in_generated_areas_can_be_worked_out(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    truth = compute_all(frames_of(records), REG, today=dt.date(2026, 11, 27))
    found = intruder.audit_results(REG, truth)
    assert found == [], [str(f) for f in found]
