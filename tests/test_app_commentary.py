"""Officers' commentary in the dashboard: written on the Commentary page, versioned, and shown
under the measure's chart on its priority page and its detail page. Viewers cannot write it."""

from __future__ import annotations

from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from streamlit.testing.v1 import AppTest

from dashboard import app_pages
from metrics import api, commentary

MEASURE = "ehc_20wk_incl_exceptions"
# The seeded demo data runs to 2026: its latest calendar year, shown on the priority 1 page.
LATEST = "2026"
FIRST = "Fewer than 5 plans were late because **specialist advice** arrived after week 14."
SECOND = "Advice now requested at week 6; both late plans issued by January."


def write(at: AppTest, text: str) -> AppTest:
    at.text_area[0].input(text)
    (save,) = [b for b in at.button if b.label == "Save as a new version"]
    return save.click().run()


def test_an_officer_saves_commentary_and_it_shows_under_the_chart_with_its_history(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_pages, "current_role", lambda: app_pages.OFFICER)
    at = open_page(app_on(seeded_url), "commentary", indicator=MEASURE, period=LATEST)
    assert not at.exception, [e.message for e in at.exception]

    at = write(at, FIRST)
    assert any("Saved as version 1" in s.value for s in at.success)

    # under the chart on the priority page: the text (Markdown rendered), its author and version
    page = open_page(app_on(seeded_url), "priority-1")
    assert not page.exception
    shown = texts(page)
    assert "<strong>specialist advice</strong>" in shown
    assert "Version 1, by local user" in shown

    detail = open_page(app_on(seeded_url), "indicator", indicator=MEASURE, period=LATEST)
    assert "<strong>specialist advice</strong>" in texts(detail)

    # a second save is version 2; the history lists both, newest first
    at = open_page(app_on(seeded_url), "commentary", indicator=MEASURE, period=LATEST)
    at = write(at, SECOND)
    assert any("Saved as version 2" in s.value for s in at.success)
    history = texts(at)
    assert history.index("Version 2, by local user") < history.index("Version 1, by local user")
    assert SECOND in history and "specialist advice" in history

    # the priority page now shows version 2, with version 1 under "Earlier versions"
    page = open_page(app_on(seeded_url), "priority-1")
    assert "Version 2, by local user" in texts(page)
    earlier = [e for e in page.expander if e.label.startswith("Earlier versions (1)")]
    assert len(earlier) == 1
    assert "Version 1, by local user" in "\n".join(m.value for m in earlier[0].markdown)


def test_a_viewer_is_refused_and_nothing_is_written(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_pages, "current_role", lambda: app_pages.VIEWER)
    at = open_page(app_on(seeded_url), "commentary", indicator=MEASURE, period=LATEST)

    assert not at.exception
    assert any("only for an officer or an admin" in e.value for e in at.error)
    assert not at.text_area
    assert not [b for b in at.button if b.label == "Save as a new version"]
    assert commentary.latest(api.engine(seeded_url)).height == 0
