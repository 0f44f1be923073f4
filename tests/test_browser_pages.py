"""The real app in a real browser: every page opens in headless Chromium without an error box,
with a meaningful title in the browser tab and its headings in order.

The app is started as `make run` starts it (`python -m dashboard.serve`) on a free port against a
copy of the seeded demo database (tests/browser_support.py), then each page's address is opened.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixtures, by their short names)
from browser_support import (  # noqa: F401
    WAIT,
    app_address_fixture,
    browser_fixture,
    charts_drawn,
    errors_shown,
    heading_levels,
    open_page,
    page_fixture,
)

pytestmark = pytest.mark.browser

# Each address, and the words its browser tab must start with (the page, then the app).
PAGES = {
    "": "Overview – Measures of Success, City of London",
    "priority-1": "Priority 1: Right help, right time – Measures of Success",
    "priority-2": "Priority 2: Transitions and adulthood – Measures of Success",
    "priority-3": "Priority 3: A skilled, valued workforce – Measures of Success",
    "priority-4": "Priority 4: Part of the community – Measures of Success",
    "priority-5": "Priority 5: ",
    "action-plan": "Action Plan – Measures of Success",
    "indicator?indicator=ehc_20wk_excl_exceptions&period=2023": (
        "EHC plans issued within 20 weeks (leaving out permitted exceptions) – Indicator detail"
    ),
    "population": "Our SEND population – Measures of Success",
    "about": "About – Measures of Success",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_without_an_error_and_names_itself(
    page: Any, app_address: str, path: str
) -> None:
    open_page(page, f"{app_address}/{path}")

    assert errors_shown(page) == 0
    assert "Page not found" not in page.inner_text("body")
    assert page.title().startswith(PAGES[path]), page.title()
    # one level-1 heading, and no heading level skipped on the way down (WCAG 1.3.1)
    levels = heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels


def test_a_breakdown_is_drawn_when_its_tab_is_chosen(page: Any, app_address: str) -> None:
    # Only the tab on screen is drawn (each breakdown is a chart to build); choosing another
    # tab draws that one, with its table.
    open_page(page, f"{app_address}/indicator?indicator=ehc_20wk_incl_exceptions&period=2024")
    by_sex = page.locator('[data-testid="stExpander"] summary', has_text="Table: by sex")
    assert by_sex.count() == 0

    page.get_by_role("tab", name="Sex", exact=True).click()

    # the choice reruns the page: wait for the table it draws, then for its chart
    from playwright.sync_api import expect

    expect(by_sex).to_have_count(1, timeout=WAIT)
    charts_drawn(page)
    panel = page.get_by_role("tabpanel", name="Sex")
    assert panel.locator('[data-testid="stVegaLiteChart"]').count() == 1
    assert errors_shown(page) == 0


def test_download_buttons_show_their_whole_label(page: Any, app_address: str) -> None:
    # Each download names its chart; two side by side at desktop width once cut the name off
    # with "…". The labels wrap instead: none is wider than its box.
    open_page(page, f"{app_address}/indicator?indicator=ehc_20wk_excl_exceptions&period=2023")
    downloads = page.locator('[data-testid="stExpander"] summary', has_text="Download:").first
    downloads.click()
    labels = page.locator('[data-testid="stDownloadButton"] [data-testid="stMarkdownContainer"]')
    shown = [label for label in labels.all() if label.is_visible()]

    assert len(shown) == 4
    for label in shown:
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), label.inner_text()
        assert "Chart as" in label.inner_text() or "Table as" in label.inner_text()
        assert "EHC plans issued within 20 weeks (leaving out permitted exceptions)" in (
            label.inner_text().replace("\n", " ")
        )
