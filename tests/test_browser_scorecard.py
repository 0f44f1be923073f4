"""The Board's first screen, in headless Chromium: the Overview on a 1366 x 768 projector holds
every priority's status counts and the first rows of the scorecard without scrolling, the whole
scorecard fits in two screens, the keyboard reaches every row and opens it, the trend chart's
plotting area is tall enough to read and meeting mode's charts large enough for a room.

Screenshots of the Overview, a priority page, an indicator page and meeting mode at 1366 x 768
and at 320 px wide are written to `test-artefacts/screens/` (git ignores it) for people to look
at; they are not compared pixel by pixel.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from app_support import seeded_template_fixture  # noqa: F401 (fixtures, by their short names)
from browser_support import (  # noqa: F401
    MAIN,
    WAIT,
    app_address_fixture,
    browser_fixture,
    charts_drawn,
    errors_shown,
    open_page,
    settled,
)
from conftest import ROOT
from test_keyboard import assert_focus_visible, h1, tab_to

from metrics import api, scorecard

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1366, "height": 768}
PHONE = {"width": 320, "height": 640}
SHOTS = ROOT / "test-artefacts" / "screens"
COUNTS = ".ms-counts"
CARD = ".ms-scorecard"
# the height of the plotting area (between the axes) of a Vega chart drawn as SVG: the root
# group's background is exactly that rectangle ("M0.5,0.5h<width>v<height>h-<width>Z")
PLOT_HEIGHTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .map(c => c.querySelector('.role-frame.root path.background'))
    .map(p => p ? Number(/v([\\d.]+)/.exec(p.getAttribute('d'))[1]) : 0)"""
CHART_BOXES = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .map(c => c.getBoundingClientRect().height)"""
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll(
    '[data-testid="stVegaLiteChart"] svg text')]
    .filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize)))"""


@pytest.fixture(name="projector")
def projector_fixture(browser: Any) -> Any:
    context = browser.new_context(viewport=PROJECTOR)
    yield context.new_page()
    context.close()


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the page"
    return found


def test_the_first_screen_holds_every_prioritys_counts_and_the_first_rows(
    projector: Any, app_address: str
) -> None:
    registry = api.registry()
    open_page(projector, app_address)
    assert errors_shown(projector) == 0
    counts = projector.locator(COUNTS)
    for priority in registry.priorities:
        row = counts.locator("tbody tr").filter(has_text=f"Priority {priority.id}:")
        found = box(row)
        # on the first screen: nothing to scroll
        assert found["y"] >= 0 and found["y"] + found["height"] <= PROJECTOR["height"], priority.id

    # every status is a column, each with its icon and words
    headers = counts.locator("thead th").all_inner_texts()
    for mark in scorecard.count_marks()[:-1]:
        assert any(mark.words in h and mark.icon in h for h in headers), mark.words
    first = box(projector.locator(f"{CARD} tbody tr[data-indicator]").first)
    assert first["y"] + first["height"] <= PROJECTOR["height"]
    # the whole scorecard, every measure, fits in two screens
    whole = box(projector.locator(CARD))
    assert whole["height"] <= 2 * PROJECTOR["height"]
    rows = projector.locator(f"{CARD} tbody tr[data-indicator]").count()
    assert rows == len(scorecard.measures(registry))


def test_the_keyboard_reaches_every_scorecard_row_and_opens_one(
    projector: Any, app_address: str
) -> None:
    registry = api.registry()
    measures = scorecard.measures(registry)
    open_page(projector, app_address)
    links = projector.locator(f"{CARD} tbody tr[data-indicator] th a")
    assert links.count() == len(measures)
    for i, measure in enumerate(measures):
        link = links.nth(i)
        tab_to(projector, link)  # in reading order: each row is the next stop after the last
        assert_focus_visible(projector)
        assert link.inner_text().strip() == (measure.short_title or measure.title)
    chosen = measures[-1]  # the last row, reached by the keyboard alone, is opened with Enter
    projector.keyboard.press("Enter")
    projector.wait_for_url(re.compile(rf"indicator\?indicator={chosen.id}"), timeout=WAIT)
    projector.locator(f"{MAIN} h1").get_by_text(chosen.title).wait_for(timeout=WAIT)
    settled(projector)
    assert h1(projector) == chosen.title


def test_a_scorecard_link_keeps_the_publication_view(projector: Any, app_address: str) -> None:
    open_page(projector, f"{app_address}/?publication=1")
    first = projector.locator(f"{CARD} tbody tr[data-indicator] th a").first
    assert "publication=1" in (first.get_attribute("href") or "")
    # and the sparkline is an image whose text reads the recent values
    image = projector.locator(f"{CARD} tbody tr[data-indicator] img").first
    assert "recent periods:" in (image.get_attribute("alt") or "")


def test_the_trend_charts_plotting_area_is_at_least_240px_tall(
    projector: Any, app_address: str
) -> None:
    measure = scorecard.measures(api.registry())[1]
    open_page(projector, f"{app_address}/indicator?indicator={measure.id}")
    charts_drawn(projector)
    heights = projector.evaluate(PLOT_HEIGHTS)
    assert heights and heights[0] >= 240, heights  # the trend is the page's first chart


def test_meeting_modes_charts_are_large_with_text_of_16px(projector: Any, app_address: str) -> None:
    priority = api.registry().priorities[0]
    open_page(projector, f"{app_address}/meeting?priority={priority.id}")
    charts_drawn(projector)
    assert projector.locator(f"{CARD}").count() == 1  # the priority's rows first
    heights = projector.evaluate(CHART_BOXES)
    assert heights and min(heights) >= 360, heights
    assert projector.evaluate(SMALLEST_TEXT) >= 16


def screens() -> list[tuple[str, str]]:
    registry = api.registry()
    priority = registry.priorities[0]
    measure = scorecard.measures(registry)[1]
    return [
        ("overview", ""),
        (f"priority-{priority.id}", f"priority-{priority.id}"),
        ("indicator", f"indicator?indicator={measure.id}"),
        ("meeting", "meeting"),
        (f"meeting-priority-{priority.id}", f"meeting?priority={priority.id}"),
    ]


@pytest.mark.parametrize("size", ["1366x768", "320px"])
def test_screenshots_of_the_main_screens(browser: Any, app_address: str, size: str) -> None:
    viewport = PROJECTOR if size == "1366x768" else PHONE
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in screens():
            open_page(page, f"{app_address}/{path}")
            charts_drawn(page)
            assert errors_shown(page) == 0, path
            shot = SHOTS / f"{name}-{size}.png"
            page.screenshot(path=str(shot))
            # a real picture of the screen: a PNG of the viewport's size
            header = shot.read_bytes()[:24]
            assert header[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = (
                int.from_bytes(header[16:20], "big"),
                int.from_bytes(header[20:24], "big"),
            )
            assert (width, height) == (viewport["width"], viewport["height"])
    finally:
        context.close()


def test_the_overview_screenshot_in_the_readme_is_there() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/overview.png" in readme.split("## Quick start")[0]
    assert (ROOT / "docs" / "overview.png").stat().st_size > 10_000
