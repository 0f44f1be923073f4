"""The menu is generated from the registry, and every page in it exists and has its own address."""

from __future__ import annotations

from pathlib import Path

import pytest

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

    # five priorities in the City of London strategy, then the officers' and admins' pages last
    assert paths == [
        "overview", "priority-1", "priority-2", "priority-3", "priority-4", "priority-5",
        "action-plan", "indicator", "population", "meeting", "about", "upload", "commentary",
        "data-audit", "targets", "audit-log",
    ]  # fmt: skip
    sections = {s.url_path: s.section for s in app_pages.page_specs(REGISTRY)}
    assert sections["upload"] == sections["data-audit"] == app_pages.OFFICER_SECTION
    assert sections["audit-log"] == sections["targets"] == app_pages.OFFICER_SECTION
    assert sections["about"] == app_pages.REPORTS


def test_every_page_file_exists_and_every_address_is_different() -> None:
    specs = app_pages.page_specs(REGISTRY)

    for spec in specs:
        assert (DASHBOARD / spec.file).is_file(), spec.file
    assert len({s.url_path for s in specs}) == len(specs)
    assert [s.url_path for s in specs if s.default] == ["overview"]


def test_admins_see_every_page_officers_all_but_targets_and_audit_and_viewers_the_reports() -> None:
    everything = [s.url_path for s in app_pages.page_specs(REGISTRY)]

    def menu(role: str | None) -> list[str]:
        return [s.url_path for s in app_pages.pages_for(role, REGISTRY)]

    assert menu(app_pages.ADMIN) == everything
    assert menu(app_pages.OFFICER) == [p for p in everything if p not in {"targets", "audit-log"}]
    officers = {"upload", "commentary", "data-audit", "targets", "audit-log"}
    assert menu(app_pages.VIEWER) == [p for p in everything if p not in officers]
    # nobody (not signed in, or no role here) gets no page at all
    assert menu(None) == []


def test_local_mode_has_every_role(monkeypatch: pytest.MonkeyPatch) -> None:
    # local mode: one person on their own machine, so they upload and roll back too
    monkeypatch.setenv("MEASURES_AUTH_MODE", "local")
    assert app_pages.current_role() == app_pages.ADMIN
    # the other modes take the role from the sign-in: outside a session nobody is signed in
    monkeypatch.setenv("MEASURES_AUTH_MODE", "header")
    assert app_pages.current_role() is None


def test_the_browser_tab_names_the_page_first() -> None:
    assert (
        app_pages.tab_title("Action Plan", "City of London")
        == "Action Plan – Measures of Success, City of London"
    )
