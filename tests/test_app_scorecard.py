"""The scorecard on the Overview and in meeting mode, run with Streamlit's AppTest on the demo data:
it comes first, holds every measure with its link, and as published shows `c`, never a small
count. (What a browser alone shows, the first screen and the keyboard, is in
tests/test_browser_scorecard.py.)"""

from __future__ import annotations

import json
import re
from typing import Any

from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    empty_url_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
)
from streamlit.testing.v1 import AppTest

from metrics import api, charts, scorecard


def html_blocks(at: AppTest) -> list[str]:
    """The body of every st.html element on the page, in order."""
    return [node.proto.body for node in at.main if getattr(node, "type", "") == "html"]


def card(at: AppTest) -> str:
    (found,) = [b for b in html_blocks(at) if 'class="ms-scorecard"' in b]
    return found


def test_the_overview_opens_on_the_counts_and_the_scorecard(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "overview")
    assert not at.exception, [e.message for e in at.exception]
    body = card(at)
    registry = api.registry()
    # the counts come before the scorecard, and both before any other section of the page
    assert body.index('class="ms-counts"') < body.index('class="ms-scorecard"')
    order = [getattr(n, "type", "") for n in at.main]
    first_header = next(i for i, n in enumerate(at.main) if getattr(n, "type", "") == "header")
    assert order.index("html") < first_header
    # one link per measure of success, to its page, under its priority's group row
    links = re.findall(r'<a href="indicator\?indicator=([a-z0-9_]+)"', body)
    assert links == [i.id for i in scorecard.measures(registry)]
    for priority in registry.priorities:
        assert f"Priority {priority.id}: {priority.short_title}</th>" in body
        assert f'href="priority-{priority.id}"' in body
    # each status column is an icon with its words; each SPC icon has its words for screen
    # readers; the key explains them
    assert "✔</span> On track" in body
    assert re.search(r'class="ms-sr">(Common cause variation|Special cause: [a-z]+ \(\w+\))', body)
    assert "Key.</strong>" in body


def test_the_published_scorecard_links_to_published_pages(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "overview", publication="1")
    assert not at.exception
    body = card(at)
    assert 'href="indicator?indicator=ehc_20wk_excl_exceptions&amp;publication=1"' in body


def test_with_no_data_there_is_no_scorecard_but_the_next_step(app_on: Any, empty_url: str) -> None:
    at = open_page(app_on(empty_url), "overview")
    assert not at.exception
    assert not [b for b in html_blocks(at) if "ms-scorecard" in b]
    assert any("No data has been uploaded yet" in i.value for i in at.info)


def test_meeting_mode_opens_on_the_scorecard_and_a_priority_screen_shows_its_rows(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "meeting")
    assert not at.exception
    assert 'class="ms-card ms-large"' in card(at)
    priority = api.registry().priorities[1]
    at = open_page(app_on(seeded_url), "meeting", priority=priority.id)
    assert not at.exception
    body = card(at)
    mine = [i.id for i in scorecard.measures(api.registry()) if i.priority == priority.id]
    assert re.findall(r'data-indicator="([a-z0-9_]+)"', body) == mine
    # then each measure's chart, in meeting-mode size
    kinds = ("arrow_vega_lite_chart", "vega_lite_chart")
    specs = [json.loads(c.proto.spec) for c in at.main if getattr(c, "type", "") in kinds]
    assert specs and {s["height"] for s in specs} == {charts.LARGE_HEIGHT}
