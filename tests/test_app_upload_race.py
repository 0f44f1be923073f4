"""Two officers upload the same data at once: a Store press is never lost silently, and never
stores against a preview that no longer says what storing does.

An officer checks a file and sees its preview; before they press Store, another officer's upload
of the same data lands. The press then stores nothing and says who stored what, and when; the
officer's checked file stays, the preview is worked out again, and one more press stores it,
once. With nothing in between, Store stores at once.

The page runs headless with AppTest on a copy of the demo database. The demo data records 4, 5
and 4 advocacy activities by senior leaders in 2026-Q1, Q2 and Q3
(seed_data/indicator_values.csv). The officer's file corrects the three quarters to 6, 6 and 7
(3 rows); the other officer's file sets 2026-Q3 to 9 (1 row).

Below the page, `metrics.uploads.store_upload` is tested on SQLite and PostgreSQL: the check
is made in the write transaction, so no upload can slip in between the check and the write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    texts,
)
from ingest_support import CORRECTED_2024, FIRST, THIRD_2024
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from metrics import api, audit, uploads
from metrics.db import store
from metrics.registry import Registry, load

TODAY = dt.date(2026, 11, 27)
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
MINE = (
    HEADER
    + "leader_advocacy_activities,2026-Q1,,,6,,\n"
    + "leader_advocacy_activities,2026-Q2,,,6,,\n"
    + "leader_advocacy_activities,2026-Q3,,,7,,\n"
).encode()
THEIRS = (HEADER + "leader_advocacy_activities,2026-Q3,,,9,,\n").encode()
OTHER_OFFICER = "Alex Morgan"
COUNTED_VALUES = "Counted values (aggregate)"
STORE_MINE = "Store “mine.csv”"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load()


def london(moment: dt.datetime) -> str:
    """A stored UTC time as an officer reads it: 27 November 2026 14:05, London time."""
    return moment.astimezone(ZoneInfo("Europe/London")).strftime("%-d %B %Y %H:%M")


def batches_of(url: str) -> list[dict[str, Any]]:
    with api.engine(url).connect() as conn:
        return store.read_batches(conn).to_dicts()


def stored_by_another_officer(url: str, content: bytes, name: str) -> dict[str, Any]:
    """Another officer's upload, through the path every upload takes; returns its batch."""
    checked = uploads.check("indicator_values", content, name, api.registry(), today=TODAY)
    assert checked.ok, checked.report.problems.to_dicts()
    uploads.store_upload(api.engine(url), "indicator_values", checked, user=OTHER_OFFICER)
    return batches_of(url)[-1]


def checked_and_previewed(at: AppTest) -> AppTest:
    """The officer chooses counted values, uploads their file and sees its preview."""
    at.selectbox(key="upload_dataset").set_value("indicator_values")
    at.run()
    at.file_uploader[0].set_value(("mine.csv", MINE, "text/csv"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def store_button(at: AppTest) -> Any:
    buttons = [b for b in at.button if b.label == STORE_MINE]
    assert len(buttons) == 1, [b.label for b in at.button]
    return buttons[0]


def press_store(at: AppTest) -> AppTest:
    store_button(at).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def advocacy_q3_change(at: AppTest) -> list[str]:
    """Before and after of the advocacy count for 2026-Q3, as the preview table shows them."""
    tables = [t.value for t in at.table if "Before" in t.value.columns]
    assert len(tables) == 1
    rows = tables[0][tables[0]["Period"] == "2026-Q3"]
    return rows[["Before", "After"]].values.tolist()[0]


def out_of_date_warnings(at: AppTest) -> list[Any]:
    return [w for w in at.warning if "While you were checking this file" in w.value]


def mine_stored(url: str) -> list[dict[str, Any]]:
    sha = hashlib.sha256(MINE).hexdigest()
    return [b for b in batches_of(url) if b["sha256"] == sha]


# ---------------------------------------------------------------------------------------------
# The Upload page
# ---------------------------------------------------------------------------------------------


def test_a_store_press_after_another_upload_landed_stores_nothing_and_names_that_upload(
    app_on: Any, seeded_url: str
) -> None:
    at = checked_and_previewed(open_page(app_on(seeded_url), "upload"))
    # the preview the officer reads: 2026-Q3 goes from the demo data's 4 to their 7
    assert advocacy_q3_change(at) == ["4", "7"]

    theirs = stored_by_another_officer(seeded_url, THEIRS, "alex.csv")
    before = batches_of(seeded_url)
    pressed_key = store_button(at).key
    at = press_store(at)

    # nothing stored
    assert batches_of(seeded_url) == before
    assert not mine_stored(seeded_url)
    # the message names who stored what, and when, with an icon and words
    warnings = out_of_date_warnings(at)
    assert len(warnings) == 1
    message = warnings[0].value
    assert message.startswith("⚠ ")
    assert warnings[0].icon
    assert (
        f"While you were checking this file, {OTHER_OFFICER} stored an upload of "
        f"{COUNTED_VALUES} at {london(theirs['uploaded_at'])}."
    ) in message
    assert "Nothing has been stored" in message
    assert "check it again, then press Store" in message
    # beside the button too, where the officer pressed it
    assert any(w.value.startswith("⚠ Not stored yet") for w in at.warning)
    # the checked file is kept, and the preview is worked out again: 2026-Q3 now goes from
    # the other officer's 9 to 7
    assert at.file_uploader[0].value is not None
    assert advocacy_q3_change(at) == ["9", "7"]
    page = texts(at)
    assert "It replaces 3 rows already stored for those periods, from 2 earlier uploads" in page
    # a new button for the new preview (benchmarks/load.py presses again when it sees one)
    assert store_button(at).key != pressed_key
    assert not [s for s in at.success if "as batch" in s.value]


def test_pressing_store_again_after_that_stores_the_file_exactly_once(
    app_on: Any, seeded_url: str
) -> None:
    at = checked_and_previewed(open_page(app_on(seeded_url), "upload"))
    theirs = stored_by_another_officer(seeded_url, THEIRS, "alex.csv")
    at = press_store(at)
    assert out_of_date_warnings(at)
    assert not mine_stored(seeded_url)

    at = press_store(at)

    stored = mine_stored(seeded_url)
    assert len(stored) == 1
    assert (stored[0]["file_name"], stored[0]["row_count"], stored[0]["status"]) == (
        "mine.csv", 3, "active",
    )  # fmt: skip
    # one batch after the other officer's, and nothing else
    assert [b["id"] for b in batches_of(seeded_url)][-2:] == [theirs["id"], stored[0]["id"]]
    # the other officer's one row for 2026-Q3 is replaced by the officer's
    assert {b["id"]: b["status"] for b in batches_of(seeded_url)}[theirs["id"]] == "superseded"
    uploads_recorded = audit.events(api.engine(seeded_url), actions=[audit.UPLOAD])
    assert uploads_recorded.filter(ref=str(stored[0]["id"])).height == 1
    # the officer is told it is stored, and the out-of-date message has gone
    assert any(f"as batch {stored[0]['id']}: 3 rows" in s.value for s in at.success)
    assert not out_of_date_warnings(at)
    assert not [w for w in at.warning if w.value.startswith("⚠ Not stored yet")]


def test_with_no_other_upload_in_between_store_stores_at_once(app_on: Any, seeded_url: str) -> None:
    at = checked_and_previewed(open_page(app_on(seeded_url), "upload"))
    before = len(batches_of(seeded_url))

    at = press_store(at)

    stored = mine_stored(seeded_url)
    assert len(stored) == 1
    assert stored[0]["row_count"] == 3
    assert len(batches_of(seeded_url)) == before + 1
    assert not out_of_date_warnings(at)
    assert any(f"as batch {stored[0]['id']}: 3 rows" in s.value for s in at.success)


def test_an_upload_of_other_data_does_not_hold_up_the_store(app_on: Any, seeded_url: str) -> None:
    # EHC requests are read by no measure of counted values: the preview still holds
    at = checked_and_previewed(open_page(app_on(seeded_url), "upload"))
    checked = uploads.check("ehc_requests", FIRST, "requests.csv", api.registry(), today=TODAY)
    uploads.store_upload(api.engine(seeded_url), "ehc_requests", checked, user=OTHER_OFFICER)

    at = press_store(at)

    assert len(mine_stored(seeded_url)) == 1
    assert not out_of_date_warnings(at)


# ---------------------------------------------------------------------------------------------
# metrics.uploads.store_upload, on SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------


def _checked(reg: Registry, content: bytes, name: str) -> uploads.Checked:
    checked = uploads.check("ehc_requests", content, name, reg, today=TODAY)
    assert checked.ok, checked.report.problems.to_dicts()
    return checked


def _digest(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return store.table_digest(conn)


def _batches(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return store.read_batches(conn).to_dicts()


def test_storing_against_a_basis_from_before_another_upload_writes_nothing(
    engine: Engine, reg: Registry
) -> None:
    # The officer previews CORRECTED_2024 (4 rows) over FIRST; then THIRD_2024 lands.
    uploads.store_upload(engine, "ehc_requests", _checked(reg, FIRST, "first.csv"), user="Sam")
    mine = _checked(reg, CORRECTED_2024, "corrected.csv")
    seen = uploads.basis(engine, reg, "ehc_requests", mine)
    uploads.store_upload(
        engine, "ehc_requests", _checked(reg, THIRD_2024, "third.csv"), user=OTHER_OFFICER
    )
    theirs = _batches(engine)[-1]
    before = _digest(engine)

    with pytest.raises(uploads.PreviewOutOfDate) as raised:
        uploads.store_upload(engine, "ehc_requests", mine, user="Jo", basis=seen)

    assert _digest(engine) == before
    assert raised.value.changes == [
        f"{OTHER_OFFICER} stored an upload of {uploads.dataset('ehc_requests').title} "
        f"at {london(theirs['uploaded_at'])}"
    ]
    # against a basis read now, the same file stores, once, with its 4 rows
    fresh = uploads.basis(engine, reg, "ehc_requests", mine)
    result = uploads.store_upload(engine, "ehc_requests", mine, user="Jo", basis=fresh)
    assert result.rows_added == 4
    assert [b["file_name"] for b in _batches(engine)] == ["first.csv", "third.csv", "corrected.csv"]


def test_a_roll_back_since_the_preview_is_named_too(engine: Engine, reg: Registry) -> None:
    first = uploads.store_upload(
        engine, "ehc_requests", _checked(reg, FIRST, "first.csv"), user="Sam"
    )
    mine = _checked(reg, CORRECTED_2024, "corrected.csv")
    seen = uploads.basis(engine, reg, "ehc_requests", mine)
    uploads.roll_back(engine, first.batch_id, user=OTHER_OFFICER)
    rolled_back = _batches(engine)[0]

    with pytest.raises(uploads.PreviewOutOfDate) as raised:
        uploads.store_upload(engine, "ehc_requests", mine, user="Jo", basis=seen)

    assert raised.value.changes == [
        f"{OTHER_OFFICER} rolled back batch {first.batch_id} "
        f"({uploads.dataset('ehc_requests').title}) at {london(rolled_back['status_changed_at'])}"
    ]
    assert len(_batches(engine)) == 1


def test_an_upload_by_the_same_person_elsewhere_is_said_to_be_theirs(
    engine: Engine, reg: Registry
) -> None:
    mine = _checked(reg, CORRECTED_2024, "corrected.csv")
    seen = uploads.basis(engine, reg, "ehc_requests", mine)
    uploads.store_upload(engine, "ehc_requests", _checked(reg, FIRST, "first.csv"), user="Jo")

    with pytest.raises(uploads.PreviewOutOfDate) as raised:
        uploads.store_upload(engine, "ehc_requests", mine, user="Jo", basis=seen)

    message = str(raised.value)
    assert message.startswith(
        "While you were checking this file, you (in another window) stored an upload of "
    )
    assert message.endswith("check it again, then press Store.")


def test_several_changes_are_listed_oldest_first() -> None:
    message = uploads.out_of_date_sentence(["A did one thing", "B another", "C a third"])

    assert message.startswith(
        "While you were checking this file, A did one thing, B another and C a third. "
    )


def test_a_run_stopped_just_after_storing_still_says_stored_and_offers_no_second_store(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request from the browser (a reconnection on a busy network, another click) stops the
    # running script at its next Streamlit call. Stopped just after the rows are written, the
    # next run must still say the file is stored, and must not offer to store it again: the
    # load test (benchmarks/load.py) once stored a file twice that way.
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from dashboard import data

    at = checked_and_previewed(open_page(app_on(seeded_url), "upload"))

    def stopped() -> None:
        raise StopException()

    monkeypatch.setattr(data, "refresh", stopped)
    store_button(at).click()
    at.run()
    assert len(mine_stored(seeded_url)) == 1
    monkeypatch.undo()

    at.run()

    assert not at.exception, [e.message for e in at.exception]
    stored = mine_stored(seeded_url)
    assert len(stored) == 1
    assert any(f"as batch {stored[0]['id']}: 3 rows" in s.value for s in at.success)
    assert not [b for b in at.button if b.label == STORE_MINE]
