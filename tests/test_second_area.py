"""A second, deliberately different area: the dashboard runs on its registry with no code change.

Rutland (East Midlands) with three priorities lettered A to C, the statutory measures
`init-area` writes and measures of other types; synthetic data in tests/areas/second/data (its
figures worked out by hand below) and the DfE's own official figures.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

import polars as pl
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    REFERENCE,
    app_on_fixture,
    charts,
    open_page,
    texts,
)
from area_support import (  # noqa: F401 (fixtures, asked for by their short names)
    SECOND_REGISTRY,
    second_area_fixture,
    second_registry,
    second_template_fixture,
)

from dashboard import app_pages
from metrics import api, boardpack

TODAY = dt.date(2026, 11, 27)
REG = second_registry()
# Words that would mean a page still shows the shipped registry's area.
OTHER_AREA = ("City of London", "London", "E09000001", "North East London")


def _headline(frame: pl.DataFrame) -> dict[tuple[str, str], tuple[Any, Any, Any]]:
    rows = frame.filter(pl.col("breakdown").is_null())
    return {
        (r["indicator_id"], r["period"]): (r["numerator"], r["denominator"], r["value"])
        for r in rows.iter_rows(named=True)
    }


def test_the_second_registry_has_three_lettered_priorities_and_its_own_area() -> None:
    assert [p.id for p in REG.priorities] == ["A", "B", "C"]
    assert (REG.area.name, REG.area.new_la_code, REG.area.la_code) == (
        "Rutland",
        "E06000017",
        "857",
    )
    assert REG.area.region_name == "East Midlands"
    paths = [s.url_path for s in app_pages.page_specs(REG)]
    assert paths[:4] == ["overview", "priority-A", "priority-B", "priority-C"]
    assert "priority-4" not in paths


def test_its_measures_are_worked_out_from_its_own_data(second_area: str) -> None:
    got = _headline(api.compute(api.engine(second_area), REG, on=TODAY))

    # tests/areas/second/data/ehc_requests.csv, by hand (days from request to plan):
    # 2024: 140, 218, 133 -> 2 of 3 within 140 days, none with an exception
    assert got["ehc_20wk_excl_exceptions", "2024"][:2] == (2, 3)
    # 2025: 140, 141, 133, 196 (exception), 140 -> with exceptions 3 of 5; without, 3 of 4
    assert got["ehc_20wk_incl_exceptions", "2025"] == (3, 5, 60.0)
    assert got["ehc_20wk_excl_exceptions", "2025"] == (3, 4, 75.0)
    # decisions: 2024 35, 42, 35 days -> 3 of 3; 2025 35, 49, 35, 35, 35 -> 4 of 5
    assert got["ehc_6wk_decisions", "2024"] == (3, 3, 100.0)
    assert got["ehc_6wk_decisions", "2025"] == (4, 5, 80.0)
    # ehc_plans.csv: 6 plans in January 2025 (4 male), 8 in January 2026 (5 male)
    assert got["active_ehc_plans", "2025-01"][2] == 6
    assert got["active_ehc_plans", "2026-01"][2] == 8
    assert got["ehc_plans_male", "2026-01"] == (5, 8, 62.5)
    # survey: 2025-26, 8 agree of 12 answers, one "don't know" left out -> 8 of 11
    assert got["yp_ready_for_adulthood", "2025-26"][:2] == (8, 11)
    assert got["inclusion_events", "2026-Q3"][2] == 6


def _official(file: str, code: str, period: str, topic: str) -> dict[str, str]:
    with (REFERENCE / "ees-ehc-plans-2025" / file).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            level_code = row["new_la_code"] or row["region_code"] or row["country_code"]
            if (
                level_code == code
                and row["time_period"] == period
                and row["breakdown_topic"] == topic
                and (code.startswith("E0") or not row["new_la_code"])
                and (code != "E92000001" or row["geographic_level"] == "National")
            ):
                return row
    raise AssertionError(f"{code} {period} is not in {file}")


def test_its_comparators_are_england_its_region_and_the_other_authorities_of_its_region(
    second_area: str,
) -> None:
    series = api.comparator_series(api.engine(second_area), "ehc_20wk_incl_exceptions", REG)
    in_2024 = {r["role"]: r for r in series.filter(pl.col("period") == "2024").to_dicts()}

    topic = "All EHC plans issued"
    rutland = _official("timeliness_20_week.csv", "E06000017", "2024", topic)
    region = _official("timeliness_20_week.csv", "E12000004", "2024", topic)
    england = _official("timeliness_20_week.csv", "E92000001", "2024", topic)
    assert in_2024["area"]["value"] == float(rutland["pc_plans_issued_within_20_weeks"])
    assert in_2024["region"]["comparator"] == "East Midlands"
    assert in_2024["region"]["value"] == float(region["pc_plans_issued_within_20_weeks"])
    assert in_2024["england"]["value"] == float(england["pc_plans_issued_within_20_weeks"])
    # the starter's group: the region's other authorities, so the region less Rutland
    group = in_2024["group"]
    assert group["denominator"] == int(region["plans_issued_den"]) - int(
        rutland["plans_issued_den"]
    )
    assert "London" not in " ".join(series.get_column("comparator").to_list())


PAGES = ["overview", "priority-A", "priority-B", "priority-C", "indicator", "action-plan",
         "population", "meeting", "about"]  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_second_area_and_names_no_other_area(
    app_on: Any, second_area: str, page: str
) -> None:
    at = open_page(app_on(second_area), page)

    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at) + "\n".join(str(el.value) for el in at.sidebar.markdown)
    for words in OTHER_AREA:
        assert words not in shown, (page, words)


def test_a_lettered_priority_page_shows_its_own_measures(app_on: Any, second_area: str) -> None:
    at = open_page(app_on(second_area), "priority-B")

    assert [h.proto.anchor for h in at.header] == [
        "yp_ready_for_adulthood",
        "pfa_pathway_published",
    ]
    assert "Priority B" in at.title[0].value
    assert "I want a job and my own place." in texts(at)


def test_the_about_page_speaks_of_this_area(app_on: Any, second_area: str) -> None:
    page = texts(open_page(app_on(second_area), "about"))

    assert "Rutland SEND Inclusion Strategy 2026-2030 (test area)" in page
    assert "the Children and Families Scrutiny Panel" in page
    assert "contact the Rutland SEND team (test area)" in page
    # no strategy glossary in this registry: only the dashboard's own terms
    assert "From the strategy" not in page


def test_the_indicator_page_charts_england_and_the_region(app_on: Any, second_area: str) -> None:
    at = open_page(app_on(second_area), "indicator", indicator="ehc_20wk_incl_exceptions")

    assert not at.exception
    drawn = repr(charts(at))
    assert "East Midlands" in drawn and "England" in drawn
    assert "London" not in drawn


def test_the_board_pack_is_the_second_areas(second_area: str) -> None:
    eng = api.engine(second_area)
    pack = boardpack.build(eng, REG, "2025-26", today=TODAY)

    assert "Rutland" in pack.html
    for words in OTHER_AREA:
        assert words not in pack.html
    for priority in REG.priorities:
        assert f"Priority {priority.id}" in pack.html
    assert pack.pdf.startswith(b"%PDF")
    assert SECOND_REGISTRY.is_file()
