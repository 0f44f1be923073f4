"""Keyboard only, in headless Chromium: from the Overview, with Tab, Shift+Tab and Enter alone (no
clicks, and no address typed after the first), reach a priority page and open a measure's
detail, seeing where focus is at every step; and meeting mode's arrow-key shortcuts.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixtures, by their short names)
from browser_support import (  # noqa: F401
    MAIN,
    WAIT,
    app_address_fixture,
    browser_fixture,
    errors_shown,
    open_page,
    page_fixture,
    settled,
)

from dashboard import app_pages
from metrics import api

pytestmark = pytest.mark.browser

# More Tab presses than any page has stops before the one looked for.
MAX_TABS = 400
# A focus indicator someone can see: an outline or a ring drawn as a box shadow (WCAG 2.4.7).
HAS_FOCUS_RING = """el => { const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""
IS_FOCUSED = "el => el === document.activeElement"
FOCUSED = "() => document.activeElement"


def tab_to(page: Any, target: Any) -> int:
    """Press Tab until `target` has focus; the number of presses it took."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if target.evaluate(IS_FOCUSED):
            return presses
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")


def assert_focus_visible(page: Any) -> None:
    focused = page.evaluate_handle(FOCUSED)
    described = focused.evaluate("el => el.outerHTML.slice(0, 200)")
    assert focused.evaluate(HAS_FOCUS_RING), f"no visible focus ring on {described}"


def h1(page: Any) -> str:
    return page.locator(f"{MAIN} h1").first.inner_text().strip()


def test_keyboard_alone_reaches_a_priority_and_opens_a_measures_detail(
    page: Any, app_address: str
) -> None:
    registry = api.registry()
    priority = registry.priorities[0]
    measure = registry.for_priority(priority.id)[0]
    open_page(page, app_address)  # the only address typed
    assert h1(page) == "Overview"

    # the menu's link to the first priority
    menu_link = page.locator(f'[data-testid="stSidebarNavLink"][href$="/priority-{priority.id}"]')
    tab_to(page, menu_link)
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/priority-{priority.id}$"), timeout=WAIT)
    page.locator(f"{MAIN} h1").get_by_text(f"Priority {priority.id}: ").wait_for(timeout=WAIT)
    settled(page)
    assert h1(page) == f"Priority {priority.id}: {priority.title}"
    assert page.title().startswith(app_pages.priority_label(priority.id, priority.short_title))

    # the first measure's link to its detail page, after its chart, table and downloads
    detail = page.get_by_role("link", name=f"Details and a link to share: {measure.title}")
    tab_to(page, detail)
    assert_focus_visible(page)
    # Shift+Tab goes back one stop and Tab comes forward to the same link
    page.keyboard.press("Shift+Tab")
    assert not detail.evaluate(IS_FOCUSED)
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert detail.evaluate(IS_FOCUSED)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/indicator\?"), timeout=WAIT)
    page.locator(f"{MAIN} h1").get_by_text(measure.title).wait_for(timeout=WAIT)
    settled(page)
    assert parse_qs(urlsplit(page.url).query)["indicator"] == [measure.id]
    assert h1(page) == measure.title
    assert page.title().startswith(f"{measure.title} – Indicator detail")
    assert errors_shown(page) == 0


def test_meeting_modes_arrow_keys_move_between_screens(page: Any, app_address: str) -> None:
    first, second = api.registry().priorities[:2]
    changes = ("", "Meeting: the strategy at a glance")
    # (the address's query, the heading) of the first three screens
    screens = [changes] + [
        (f"?priority={p.id}", f"Meeting: Priority {p.id}: {p.title}") for p in (first, second)
    ]
    open_page(page, f"{app_address}/meeting")
    assert h1(page) == changes[1]
    assert "Screen 1 of" in page.inner_text(MAIN)

    def press(key: str, screen: int) -> None:
        query, heading = screens[screen]
        page.keyboard.press(key)
        page.wait_for_url(re.compile(rf"/meeting{re.escape(query)}$"), timeout=WAIT)
        page.locator(f"{MAIN} h1").get_by_text(heading, exact=True).wait_for(timeout=WAIT)
        settled(page)
        assert f"Screen {screen + 1} of" in page.inner_text(MAIN)

    press("ArrowRight", 1)
    press("ArrowRight", 2)
    press("ArrowLeft", 1)
    press("ArrowLeft", 0)
    # the first screen has no previous one: the left arrow changes nothing
    page.keyboard.press("ArrowLeft")
    settled(page)
    assert h1(page) == changes[1]
    assert urlsplit(page.url).query == ""
    assert errors_shown(page) == 0
