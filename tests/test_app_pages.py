"""The dashboard's pages, run headless with Streamlit's AppTest on the seeded demo database.

Each test gets its own copy of the demo database (see tests/app_support.py), so the pages
compute their results from data loaded through the real upload path.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    PAGE_FILES,
    REFERENCE,
    app_on_fixture,
    charts,
    empty_url_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)

from metrics import status
from metrics.registry import load

REGISTRY = load()


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_every_page_runs_on_the_demo_data(app_on: Any, seeded_url: str, page: str) -> None:
    at = open_page(app_on(seeded_url), page)

    assert not at.exception, [e.message for e in at.exception]
    # one level-1 heading per page, so headings start in order
    assert len(at.title) == 1
    assert at.title[0].value.strip()


# The measures of each priority, counted by hand from the agreed list of indicator ids
# (docs: briefs/ids.md): priority 1 has 9, priority 2 has 5, 3 has 5, 4 has 3, 5 has 5.
MEASURES_PER_PRIORITY = {"1": 9, "2": 5, "3": 5, "4": 3, "5": 5}


@pytest.mark.parametrize("priority", sorted(MEASURES_PER_PRIORITY))
def test_each_priority_page_shows_every_measure_of_its_priority(
    app_on: Any, seeded_url: str, priority: str
) -> None:
    at = open_page(app_on(seeded_url), f"priority-{priority}")

    # every measure is a level-2 heading anchored at its indicator id, in registry order
    shown = [h.proto.anchor for h in at.header]
    expected = [i.id for i in REGISTRY.for_priority(priority)]
    assert shown == expected
    assert len(shown) == MEASURES_PER_PRIORITY[priority]
    # the page opens with the strategy's own words for the priority
    words = REGISTRY.priority(priority)
    page_text = texts(at)
    assert words.title in at.title[0].value
    assert words.vision_quote in page_text
    for commitment in words.we_will:
        assert commitment in page_text


def _title_text(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


@pytest.mark.parametrize("page", ["priority-1", "priority-2", "population", "action-plan"])
def test_every_chart_has_a_title_a_description_shown_as_text_and_a_table(
    app_on: Any, seeded_url: str, page: str
) -> None:
    at = open_page(app_on(seeded_url), page)

    specs = charts(at)
    assert specs, f"{page} shows no chart"
    for spec in specs:
        assert _title_text(spec).strip(), spec.get("title")
        assert str(spec.get("description", "")).strip()
    # each chart's description is also on the page as text, for everyone to read
    described = [m.value for m in at.markdown if m.value.startswith("**What the chart shows:**")]
    assert len(described) == len(specs)
    for spec in specs:
        assert any(spec["description"] in text for text in described)
    # and each chart has a table view in an expander
    tables = [e for e in at.expander if e.label.startswith("Table:")]
    assert len(tables) == len(specs)


def _official_2023_timeliness() -> tuple[int, int]:
    """City of London, 2023, plans issued within 20 weeks excluding exceptions (DfE file)."""
    path = REFERENCE / "ees-ehc-plans-2025" / "timeliness_20_week.csv"
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if (
                row["new_la_code"] == "E09000001"
                and row["time_period"] == "2023"
                and row["breakdown_topic"] == "All EHC plans issued"
            ):
                return int(row["plans_issued_20_weeks_ex"]), int(row["plans_issued_den_ex"])
    raise AssertionError("City of London 2023 is missing from the DfE file")


def test_an_indicator_link_opens_that_indicator_at_that_period(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(
        app_on(seeded_url), "indicator", indicator="ehc_20wk_excl_exceptions", period="2023"
    )

    assert not at.exception
    indicator = REGISTRY.indicator("ehc_20wk_excl_exceptions")
    assert at.title[0].value == indicator.title
    assert "2023 at a glance" in [h.value for h in at.header]
    # The demo data agrees with the DfE figure for 2023: 5 of 5 plans within 20 weeks.
    within, issued = _official_2023_timeliness()
    assert (within, issued) == (5, 5)
    assert f"{within} of {issued} EHC plans (100.0%)" in texts(at)
    # the distribution by time taken is there for that year
    assert "How long it took, 2023" in texts(at)
    # the link to share says exactly this view
    assert any("indicator=ehc_20wk_excl_exceptions&period=2023" in c.value for c in at.code)


def test_an_unknown_indicator_in_the_link_says_so_and_shows_another(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "indicator", indicator="no_such_measure")

    assert not at.exception
    assert any("no measure called 'no_such_measure'" in w.value for w in at.warning)
    assert at.title[0].value == REGISTRY.indicators[0].title


def test_an_unknown_period_in_the_link_falls_back_to_the_latest(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "indicator", indicator="ehc_6wk_decisions", period="1999")

    assert not at.exception
    assert any("no figure for '1999'" in w.value for w in at.warning)


def test_the_overview_status_filter_keeps_only_measures_with_that_status(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "overview")
    everything = len(at.get("page_link"))

    at.multiselect[1].select(status.Status.complete.value)
    at.run()

    assert not at.exception
    badges = [m.value for m in at.markdown if "font-weight:600" in m.value]
    assert badges, "no measure is complete in the demo data"
    assert all(status.label("complete") in b for b in badges)
    assert len(at.get("page_link")) < everything


def test_the_overview_lists_what_changed_since_the_last_period(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "overview")

    assert "What changed since the last period" in [h.value for h in at.header]
    headlines = {i.title for i in REGISTRY.indicators if i.headline}
    changes = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert changes
    # every line names a measure of success by its title
    for line in changes[0].splitlines():
        assert any(line.removeprefix("- ").startswith(t) for t in headlines), line


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_an_empty_database_gives_helpful_messages_not_errors(
    app_on: Any, empty_url: str, page: str
) -> None:
    at = open_page(app_on(empty_url), page)

    assert not at.exception, [e.message for e in at.exception]
    assert not charts(at)
    messages = " ".join(i.value for i in at.info)
    # every page says what is missing (About, under its data sources) and what to do next
    if page == "action-plan":
        assert "No Action Plan milestones have been uploaded yet" in messages
    else:
        assert "No data has been uploaded yet" in messages


def test_an_empty_priority_page_still_lists_every_measure(app_on: Any, empty_url: str) -> None:
    at = open_page(app_on(empty_url), "priority-4")

    assert [h.proto.anchor for h in at.header] == [i.id for i in REGISTRY.for_priority("4")]
