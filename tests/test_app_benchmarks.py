"""Comparators and SPC on the pages, run headless on the seeded demo database.

The demo seed imports the real DfE files through the upload path, so the figures on the page
are checked against numbers read from those files here.
"""

from __future__ import annotations

import csv
from typing import Any

from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    REFERENCE,
    app_on_fixture,
    charts,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)

from metrics import spc
from metrics.registry import load

REGISTRY = load()
EES = REFERENCE / "ees-ehc-plans-2025"


def published(name: str, **match: str) -> dict[str, str]:
    with (EES / name).open(encoding="utf-8-sig", newline="") as f:
        (found,) = [r for r in csv.DictReader(f) if all(r[k] == v for k, v in match.items())]
    return found


def thousands(text: str) -> str:
    return f"{int(text):,}"


def test_the_indicator_page_compares_with_england_london_and_the_icb_boroughs(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "indicator", indicator="ehc_20wk_incl_exceptions")
    assert not at.exception, [e.message for e in at.exception]

    page = texts(at)
    england = published(
        "timeliness_20_week.csv", geographic_level="National", time_period="2024",
        breakdown_topic="All EHC plans issued",
    )  # fmt: skip
    # 45.9% (41,448 of 90,392), as the DfE published it for England in 2024
    words = (
        f"England {england['pc_plans_issued_within_20_weeks']}% "
        f"({thousands(england['plans_issued_within_20_weeks'])} of "
        f"{thousands(england['plans_issued_den'])})"
    )
    assert words == "England 45.9% (41,448 of 90,392)"
    # said once, under its own heading (not again above the trend chart)
    assert page.count(f"In 2024: {words}") == 1
    assert "North East London ICB boroughs" in page
    assert "How we compare" in [h.value for h in at.header]
    # every authority, with the caution about small numbers visible, not hidden
    assert "Every local authority" in [h.value for h in at.subheader]
    assert "**Small numbers:** City of London's figures rest on a handful of children" in page
    assert "could plausibly stand anywhere from" in page
    # the trend carries the comparator lines, and the every-authority chart marks City
    names = [{layer.get("name") for layer in c.get("layer", [])} for c in charts(at)]
    assert any("comparator_lines" in n for n in names)
    assert any({"home", "plausible_ranks"} <= n for n in names)


def test_the_every_authority_view_can_show_an_earlier_year(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "indicator", indicator="ehc_20wk_excl_exceptions")
    # 2024 is the latest year, when City of London has no figure leaving exceptions out ('x')
    assert "City of London has no figure (x: not available) for 2024" in texts(at)

    at.selectbox(key="distribution_period_ehc_20wk_excl_exceptions").set_value("2023").run()
    assert not at.exception
    city = published(
        "timeliness_20_week.csv", new_la_code="E09000001", time_period="2023",
        breakdown_topic="All EHC plans issued",
    )  # fmt: skip
    n, d = city["plans_issued_20_weeks_ex"], city["plans_issued_den_ex"]
    assert (n, d) == ("5", "5")
    assert f"In 2023, City of London's 100.0% ({n} of {d}) places it 1st of" in texts(at)


def test_the_local_offer_series_says_whether_the_change_is_real(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "indicator", indicator="local_offer_hits")
    assert not at.exception, [e.message for e in at.exception]

    assert "Real change or noise?" in [h.value for h in at.header]
    page = texts(at)
    # after the Local Offer review the visits rose beyond the old process limits
    assert spc.label(spc.Variation.improvement_high) in page
    assert "Assurance: none (the measure has no target value to test)" in page
    names = [{layer.get("name") for layer in c.get("layer", [])} for c in charts(at)]
    assert any({"upper_limit", "lower_limit", "mean", "points"} <= n for n in names)

    # limits worked out afresh from the month after the review: the new level is the norm
    picker = at.selectbox(key="spc_recalculate_local_offer_hits")
    after = [o for o in picker.options if "first period after" in o]
    assert after == ["October 2025 (the first period after the review)"]
    picker.set_value("2025-10").run()
    assert not at.exception
    assert spc.label(spc.Variation.common_cause) in texts(at)


def test_the_priority_page_shows_variation_and_comparisons(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "priority-1")
    assert not at.exception
    page = texts(at)
    assert "Variation: " in page
    assert "**How we compare:** In 2024: England" in page


def test_the_population_page_compares_the_number_of_plans(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "population")
    assert not at.exception
    england = published(
        "caseload.csv", geographic_level="National", time_period="202425",
        breakdown_topic="All EHC plans",
    )  # fmt: skip
    # the January 2025 census: England's total, as published
    assert f"In January 2025: England {thousands(england['ehcplans'])}" in texts(at)
    assert "City of London had a published figure of 26." in texts(at)
