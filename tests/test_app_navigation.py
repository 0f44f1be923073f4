"""The menu is generated from the registry, and every page in it exists and has its own address."""

from __future__ import annotations

from pathlib import Path

from dashboard import app_pages
from metrics.registry import load

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
REGISTRY = load()


def test_there_is_one_page_per_priority_titled_with_the_strategy_wording() -> None:
    specs = {s.url_path: s for s in app_pages.page_specs(REGISTRY)}

    for priority in REGISTRY.priorities:
        page = specs[f"priority-{priority.id}"]
        assert page.title == f"Priority {priority.id}: {priority.short_title}"
        # the full wording from the strategy is the menu item's help text
        assert page.help == f"Priority {priority.id}: {priority.title}"


def test_the_menu_runs_overview_priorities_action_plan_then_more_detail() -> None:
    paths = [s.url_path for s in app_pages.page_specs(REGISTRY)]

    # five priorities in the City of London strategy
    assert paths == [
        "overview", "priority-1", "priority-2", "priority-3", "priority-4", "priority-5",
        "action-plan", "indicator", "population", "about",
    ]  # fmt: skip


def test_every_page_file_exists_and_every_address_is_different() -> None:
    specs = app_pages.page_specs(REGISTRY)

    for spec in specs:
        assert (DASHBOARD / spec.file).is_file(), spec.file
    assert len({s.url_path for s in specs}) == len(specs)
    assert [s.url_path for s in specs if s.default] == ["overview"]


def test_every_role_sees_every_page_until_officer_pages_exist() -> None:
    everything = app_pages.page_specs(REGISTRY)

    for role in (app_pages.VIEWER, app_pages.OFFICER, app_pages.ADMIN):
        assert app_pages.pages_for(role, REGISTRY) == everything
    # sign-in comes later: until then the person using the dashboard is a viewer
    assert app_pages.current_role() == app_pages.VIEWER


def test_the_browser_tab_names_the_page_first() -> None:
    assert (
        app_pages.tab_title("Action Plan", "City of London")
        == "Action Plan – Measures of Success, City of London"
    )
