"""The accessibility audit: axe-core (axe-playwright-python) in headless Chromium on every page of
the running app, officer and admin pages included (local mode grants every role), with the WCAG
2.0, 2.1 and 2.2 level A and AA rules, after each page has settled and drawn its charts.

Each page is checked on a desktop screen, again with every expander opened (the tables behind
the charts), then at 320 CSS pixels wide (WCAG 1.4.10 reflow) and at 200% zoom. A failure lists
each rule with its impact, the elements (CSS selectors) and the help.

No rule and no element is let through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixtures, by their short names)
from browser_support import (  # noqa: F401
    MAIN,
    VIEWPORT,
    WAIT,
    app_address_fixture,
    browser_fixture,
    charts_drawn,
    errors_shown,
    open_page,
    page_fixture,
    settled,
)
from conftest import missing
from test_browser_upload import BAD, FIXED, choose_counted_values, upload

from dashboard import app_pages
from metrics import api

pytestmark = pytest.mark.browser

# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules behind the accessibility statement
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
NARROW = {
    # WCAG 1.4.10: content reflows to 320 CSS pixels wide (1280 at 400%) without loss
    "320 px wide": {"width": 320, "height": 640},
    # 200% zoom of the desktop screen: half as many CSS pixels each way
    "200% zoom": {"width": VIEWPORT["width"] // 2, "height": VIEWPORT["height"] // 2},
}
# Addresses beyond each page's own: a page showing one thing, and the publication view.
CHOSEN = {
    "indicator": "indicator?indicator=ehc_20wk_excl_exceptions&period=2023",
    "commentary": "commentary?indicator=ehc_20wk_excl_exceptions&period=2023",
}
EXTRA = ["meeting?priority=1", "?publication=1", "priority-1?publication=1"]
OPEN_EXPANDERS = """() => document.querySelectorAll(
    '[data-testid="stExpander"] details:not([open]) > summary').forEach(s => s.click())"""
Found = dict[str, list[dict[str, Any]]]  # where: the violations found there


def addresses() -> list[str]:
    """Every page in the menu (the default page at the site's root), then the extra views."""
    pages = [
        "" if spec.default else CHOSEN.get(spec.url_path, spec.url_path)
        for spec in app_pages.page_specs(api.registry())
    ]
    return pages + EXTRA


def axe_run(page: Any) -> dict[str, Any]:
    """axe-core's results for the WCAG A and AA rules on the page as it is now."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing("axe-playwright-python is not installed")
    return Axe().run(page, options=AXE_OPTIONS).response


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The violations on the page as it is now."""
    return axe_run(page)["violations"]


def report(found: Found) -> str:
    """Each violation: where it was found, the rule, its impact, the elements and the help."""
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            lines += [f"    {' > '.join(map(str, n['target']))}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def audit(browser: Any) -> Iterator[Callable[[str], Found]]:
    """A function that opens an address and audits it in each layout; returns what it found."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()

    def run(address: str) -> Found:
        page.set_viewport_size(VIEWPORT)
        open_page(page, address)
        charts_drawn(page)
        assert errors_shown(page) == 0, address
        found = {"desktop": axe_violations(page)}
        # the tables and details behind each chart, as someone opening them sees them
        page.evaluate(OPEN_EXPANDERS)
        charts_drawn(page)
        found["desktop, expanders open"] = axe_violations(page)
        for name, viewport in NARROW.items():
            page.set_viewport_size(viewport)
            charts_drawn(page)
            found[name] = axe_violations(page)
        return {where: violations for where, violations in found.items() if violations}

    yield run
    context.close()


def test_every_page_in_the_menu_is_audited() -> None:
    menu = {spec.url_path for spec in app_pages.page_specs(api.registry())}
    audited = {a.split("?")[0] or "overview" for a in addresses()}
    assert menu <= audited, menu - audited
    # the officer and admin pages are there too
    assert {"upload", "commentary", "data-audit", "audit-log"} <= audited


@pytest.mark.parametrize("path", addresses())
def test_a_page_has_no_wcag_a_or_aa_violation(
    audit: Callable[[str], Found], app_address: str, path: str
) -> None:
    found = audit(f"{app_address}/{path}")
    assert not found, f"axe-core found violations on /{path}:\n{report(found)}"


def test_the_upload_pages_steps_have_no_violation(page: Any, app_address: str) -> None:
    """The upload page as an officer goes through it: the dataset chosen, a file with a problem
    (the problems table), then a good file (the preview, before it is stored)."""
    found: Found = {}
    open_page(page, f"{app_address}/upload")
    choose_counted_values(page)
    found["dataset chosen"] = axe_violations(page)

    upload(page, "advocacy.csv", BAD)
    page.get_by_role("heading", name="Problems found: 1 problem").wait_for(timeout=WAIT)
    settled(page)
    found["problems table"] = axe_violations(page)

    page.get_by_role("button", name="Remove advocacy.csv").click()
    settled(page)
    upload(page, "advocacy.csv", FIXED)
    page.get_by_role("heading", name="4. Check what will change").wait_for(timeout=WAIT)
    settled(page)
    found["preview"] = axe_violations(page)

    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe-core found violations on the upload page:\n{report(found)}"


def test_the_accessibility_statement_names_the_audit_that_was_run(
    page: Any, app_address: str
) -> None:
    """The About page's statement names the axe-core version these tests run, and the rules."""
    open_page(page, f"{app_address}/about")
    version = axe_run(page)["testEngine"]["version"]
    statement = page.inner_text(MAIN).split("Accessibility statement", 1)[1]

    assert f"axe-core {version}" in statement
    assert "WCAG 2.0, 2.1 and 2.2 at levels A and AA" in statement
    assert "no violations" in statement
