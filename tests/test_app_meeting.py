"""Meeting mode: what changed first, then one priority per screen, with the screen in the URL."""

from __future__ import annotations

from typing import Any

from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
)
from streamlit.testing.v1 import AppTest


def button(at: AppTest, label: str) -> Any:
    (found,) = [b for b in at.button if b.label == label]
    return found


def test_next_and_previous_move_between_priorities_and_update_the_address(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "meeting")
    assert not at.exception, [e.message for e in at.exception]
    # the first screen is the scorecard, then what changed; there is no screen before it
    assert at.title[0].value.startswith("Meeting: the strategy at a glance")
    assert "What changed since the last meeting" in [h.value for h in at.header]
    assert button(at, "Previous").disabled
    # the arrow keys are the buttons' shortcuts
    assert button(at, "Next").proto.shortcut.lower() == "right"
    assert button(at, "Previous").proto.shortcut.lower() == "left"

    at = button(at, "Next").click().run()
    assert at.query_params["priority"] == "1"
    assert at.title[0].value.startswith("Meeting: Priority 1:")

    at = button(at, "Next").click().run()
    assert at.query_params["priority"] == "2"
    assert at.title[0].value.startswith("Meeting: Priority 2:")

    at = button(at, "Previous").click().run()
    assert at.query_params["priority"] == "1"
    assert at.title[0].value.startswith("Meeting: Priority 1:")


def test_the_address_opens_a_priority_and_the_last_has_no_next(
    app_on: Any, seeded_url: str
) -> None:
    # five priorities in the strategy: priority 5 is the last screen
    at = open_page(app_on(seeded_url), "meeting", priority="5")

    assert not at.exception
    assert at.title[0].value.startswith("Meeting: Priority 5:")
    assert button(at, "Next").disabled
    assert "Screen 6 of 6" in [m.value for m in at.markdown]
