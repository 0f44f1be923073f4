"""Meeting mode's first screen: what changed since the Board last met, from `?since=` or a
meeting date an officer records on the page, and the uploads since."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    APP,
    RUN_TIMEOUT,
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from publication_support import small_counts
from streamlit.testing.v1 import AppTest

from metrics import api, audit, ingest, meetings
from metrics.db.tables import batches
from metrics.summaries import uk_date

SESSIONS_TITLE = "SEND awareness sessions delivered to the wider workforce"


def button(at: AppTest, label: str) -> Any:
    (found,) = [b for b in at.button if b.label == label]
    return found


def history_with_a_revision(url: str) -> dt.date:
    """The demo data as if stored 60 days ago, then July to September 2026's awareness
    sessions revised from 6 (the demo file's figure) to 9 today. Returns a meeting date 30
    days ago, between the two."""
    engine = api.engine(url)
    today = api.today()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    with engine.begin() as conn:
        conn.execute(batches.update().values(uploaded_at=long_ago, status_changed_at=long_ago))
        assert conn.execute(sa.select(sa.func.count()).select_from(batches)).scalar()
    content = (
        b"indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
        b"awareness_sessions_delivered,2026-Q3,,,9,,\n"
    )
    report = ingest.ingest(
        engine, "indicator_values", content, "sessions-revised.csv", api.registry(),
        user="officer@test", today=today,
    )  # fmt: skip
    assert report.ok and report.stored
    return today - dt.timedelta(days=30)


def changed_lines(at: AppTest) -> list[str]:
    """Every bulleted line on the page (the changes are a bulleted list)."""
    return [line for m in at.markdown for line in m.value.splitlines() if line.startswith("- ")]


def test_a_link_with_since_lists_the_revised_figure_and_the_upload_since_the_meeting(
    app_on: Any, seeded_url: str
) -> None:
    meeting = history_with_a_revision(seeded_url)

    at = open_page(app_on(seeded_url), "meeting", since=meeting.isoformat())

    assert not at.exception, [e.message for e in at.exception]
    page = texts(at)
    assert f"Since the Board met on **{uk_date(meeting)}**" in page
    lines = changed_lines(at)
    assert f"- {SESSIONS_TITLE}, July to September 2026: 6 at the meeting, 9 now" in lines
    # figures that did not change are not listed
    assert not any("Visits to the Local Offer website" in line for line in lines)
    assert not any("April to June 2026" in line and SESSIONS_TITLE in line for line in lines)
    (uploads,) = [t.value for t in at.table if "Since the meeting" in t.value.columns]
    assert uploads["Since the meeting"].tolist() == ["stored"]
    assert uploads["File"].tolist() == ["sessions-revised.csv"]
    assert uploads["Rows"].tolist() == ["1"]


def test_as_published_the_changes_and_uploads_carry_no_small_numbers(
    app_on: Any, seeded_url: str
) -> None:
    meeting = history_with_a_revision(seeded_url)

    at = open_page(app_on(seeded_url), "meeting", since=meeting.isoformat(), publication="1")

    assert not at.exception, [e.message for e in at.exception]
    assert f"- {SESSIONS_TITLE}, July to September 2026: 6 at the meeting, 9 now" in (
        changed_lines(at)
    )
    (uploads,) = [t.value for t in at.table if "Since the meeting" in t.value.columns]
    assert "Rows" not in uploads.columns
    assert small_counts(at) == []
    # officers' controls are not part of the published screen
    assert not [b for b in at.button if b.label == "Record this meeting"]


def test_an_officer_records_the_meeting_date_on_the_page(app_on: Any, seeded_url: str) -> None:
    # local mode: the person at this machine has every role, officer included
    day = api.today() - dt.timedelta(days=7)
    at = open_page(app_on(seeded_url), "meeting")
    assert "No Board meeting date has been recorded yet" in texts(at)

    (date_box,) = at.date_input
    date_box.set_value(day)
    at = button(at, "Record this meeting").click().run()

    assert not at.exception, [e.message for e in at.exception]
    assert f"The meeting on {uk_date(day)} is recorded." in [s.value for s in at.success]
    engine = api.engine(seeded_url)
    assert meetings.dates(engine) == [day]
    (event,) = audit.events(engine, actions=[audit.MEETING_DATE]).to_dicts()
    assert event["detail"] == f"Board meeting on {uk_date(day)} recorded"
    assert event["role"] == "admin"
    # the first screen now compares with that meeting
    assert f"Since the Board met on **{uk_date(day)}**" in texts(at)


def test_an_address_without_a_date_says_so_and_falls_back(app_on: Any, seeded_url: str) -> None:
    at = open_page(app_on(seeded_url), "meeting", since="last-week")

    assert not at.exception, [e.message for e in at.exception]
    assert any("'last-week' in the address is not a date" in w.value for w in at.warning)
    assert "No Board meeting date has been recorded yet" in texts(at)


def test_a_viewer_is_not_offered_the_meeting_dates_form(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # signed in with the council's identity provider as a viewer: reports only
    monkeypatch.setenv("MEASURES_DATABASE_URL", seeded_url)
    monkeypatch.setenv("MEASURES_AUTH_MODE", "oidc")
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.user = {"is_logged_in": True, "email": "viewer@council.example", "sub": "sub-viewer",
               "iat": 1_795_818_645, "roles": ["viewer"]}  # fmt: skip
    at = open_page(at, "meeting")

    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Meeting: the strategy at a glance"
    assert not [b for b in at.button if b.label == "Record this meeting"]
    assert not at.date_input
