"""Commentary: versioned saves on real databases, plain-English refusals, safe HTML."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from metrics import api, audit, commentary
from metrics.commentary import CommentaryError
from metrics.db.tables import commentary as commentary_table

REG = api.registry()
EHC = "ehc_20wk_excl_exceptions"  # reported by calendar year: periods like "2025"
MORNING = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)


def save(engine: Engine, text: str, *, period: str = "2025", author: str = "A. Officer") -> int:
    return commentary.save(engine, EHC, period, text, author, registry=REG, now=MORNING)


# ---------------------------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------------------------


def test_every_save_is_a_new_version_and_latest_shows_the_newest(engine: Engine) -> None:
    assert save(engine, "First draft.") == 1
    assert save(engine, "Second draft.", author="B. Officer") == 2
    assert save(engine, "For 2024.", period="2024") == 1  # versions count per period

    latest = commentary.latest(engine).sort("period")
    assert latest.select("period", "version", "text", "author").rows() == [
        ("2024", 1, "For 2024.", "A. Officer"),
        ("2025", 2, "Second draft.", "B. Officer"),
    ]
    assert latest.get_column("created_at").to_list()[0] == MORNING


def test_history_keeps_every_version_newest_first(engine: Engine) -> None:
    for text in ("One.", "Two.", "Three."):
        save(engine, text)
    history = commentary.history(engine, EHC, "2025")
    assert history.select("version", "text").rows() == [(3, "Three."), (2, "Two."), (1, "One.")]


def test_saved_rows_are_never_updated_or_deleted(engine: Engine) -> None:
    save(engine, "  Plans were late because a specialist report came late.  ")
    save(engine, "Corrected: one report came late.")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(commentary_table.c.version, commentary_table.c.text).order_by("version")
        ).all()
    # surrounding spaces are trimmed; the first version is still there, unchanged
    assert [tuple(r) for r in rows] == [
        (1, "Plans were late because a specialist report came late."),
        (2, "Corrected: one report came late."),
    ]


def test_latest_for_one_indicator_and_text_for(engine: Engine) -> None:
    save(engine, "EHC words.")
    commentary.save(engine, "ap_children", "2025/26", "AP words.", "C", registry=REG)
    one = commentary.latest(engine, "ap_children")
    assert one.get_column("indicator_id").to_list() == ["ap_children"]
    everything = commentary.latest(engine)
    assert commentary.text_for(everything, EHC, "2025") == "EHC words."
    assert commentary.text_for(everything, EHC, "2023") is None


def test_two_officers_saving_at_once_get_consecutive_versions(engine: Engine) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(3):
                save(engine, f"Writer {n}, save {i}.")
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # 2 writers x 3 saves = 6 versions, numbered 1 to 6 with none lost or repeated
    versions = sorted(commentary.history(engine, EHC, "2025").get_column("version").to_list())
    assert versions == [1, 2, 3, 4, 5, 6]


# ---------------------------------------------------------------------------------------------
# Refusals, in plain English
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "period", "text", "author", "says"),
    [
        (EHC, "2025", "   \n ", "A", "empty"),
        (EHC, "2025", "x" * 5_001, "A", "5,001 characters long; the most is 5,000"),
        ("no_such_indicator", "2025", "Words.", "A", "no indicator 'no_such_indicator'"),
        (EHC, "2025-26", "Words.", "A", "written like '2024'"),
        (EHC, "2025", "Words.", "  ", "author is missing"),
    ],
)
def test_refuses_with_a_clear_message(
    engine: Engine, indicator: str, period: str, text: str, author: str, says: str
) -> None:
    with pytest.raises(CommentaryError, match=says):
        commentary.save(engine, indicator, period, text, author, registry=REG)
    assert commentary.latest(engine).height == 0


def test_five_thousand_characters_is_allowed(engine: Engine) -> None:
    assert save(engine, "x" * 5_000) == 1


# ---------------------------------------------------------------------------------------------
# Markdown to safe HTML
# ---------------------------------------------------------------------------------------------


def test_markdown_becomes_html() -> None:
    html = commentary.to_html("Plans are **on time**.\n\n- one late report\n- a new panel")
    assert "<strong>on time</strong>" in html
    assert "<ul>" in html and "<li>one late report</li>" in html


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("<script>alert('x')</script>Hello", ["<script", "alert"]),
        ('<b onclick="steal()">bold</b>', ["onclick", "steal"]),
        ('<img src="https://tracker.example/x.png" onerror="y()">', ["<img", "onerror"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ("<style>p { display: none }</style>Visible", ["<style", "display"]),
        ('<p style="color:red" class="x" id="y">styled</p>', ["style=", "class=", "id="]),
    ],
)
def test_html_is_sanitised(text: str, gone: list[str]) -> None:
    html = commentary.to_html(text)
    for fragment in gone:
        assert fragment not in html


def test_links_are_kept_with_noopener() -> None:
    html = commentary.to_html("See [the SEN2 guide](https://www.gov.uk/sen2).")
    assert 'href="https://www.gov.uk/sen2"' in html
    assert 'rel="noopener noreferrer"' in html


def test_plain_text_for_the_board_pack() -> None:
    text = commentary.to_text("Plans are **on time** & improving.\n\n- one\n- two")
    assert text == "Plans are on time & improving.\n\n• one\n• two"


# ---------------------------------------------------------------------------------------------
# Audit: the event is written with the version, in the same transaction
# ---------------------------------------------------------------------------------------------


def test_a_saved_version_has_its_audit_event_and_a_refused_one_has_none(engine: Engine) -> None:
    save(engine, "First draft.")
    with pytest.raises(CommentaryError):
        save(engine, "   ")  # empty: refused, nothing written
    events = audit.events(engine, actions=[audit.COMMENTARY])
    assert events.select("who", "detail", "ref").rows() == [
        ("A. Officer", f"Commentary on {REG.indicator(EHC).title}, 2025: version 1.", f"{EHC}|2025")
    ]
    assert events.get_column("at").to_list() == [MORNING]
