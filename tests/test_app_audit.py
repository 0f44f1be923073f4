"""The Data and audit page, run headless with AppTest: every upload with who, when (UK time),
file, fingerprint, rows, periods and status; roll back with confirmation, showing what comes
back; and how up to date each dataset is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    PAGE_FILES,
    ROOT,
    app_on_fixture,
    empty_url_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    switch_to,
    texts,
)
from ingest_support import FIRST
from streamlit.testing.v1 import AppTest

from dashboard import app_pages
from metrics import api, ingest
from metrics.db import store
from metrics.registry import load

REGISTRY = load()
ADVOCACY = REGISTRY.indicator("leader_advocacy_activities")
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
# The demo data has 4 advocacy activities in July to September 2026; this corrects it to 7.
CORRECTION = (HEADER + "leader_advocacy_activities,2026-Q3,,,7,,\n").encode()
PAGE_FILE = ROOT / "dashboard" / "app_pages" / "data_audit.py"
ROLLBACK_BOX = "Choose the upload to roll back"


def upload(url: str, dataset: str, content: bytes, file_name: str) -> int:
    """Store a file through the real upload path, as an officer; returns its batch number."""
    report = ingest.ingest(
        api.engine(url), dataset, content, file_name, REGISTRY, user="test officer",
        today=dt.date(2026, 11, 27),
    )  # fmt: skip
    assert report.ok and report.stored is not None, report.problems.to_dicts()
    return report.stored.batch_id


def batch(url: str, batch_id: int) -> dict[str, Any]:
    with api.engine(url).connect() as conn:
        rows = store.read_batches(conn).to_dicts()
    return next(r for r in rows if r["id"] == batch_id)


def demo_batch(url: str, file_name: str) -> dict[str, Any]:
    """The batch the demo data stored from one of its files."""
    with api.engine(url).connect() as conn:
        rows = store.read_batches(conn).to_dicts()
    return next(
        r for r in rows if r["file_name"] == file_name and r["uploaded_by"] == api.SEED_USER
    )


def digest(url: str) -> dict[str, list[tuple]]:
    with api.engine(url).connect() as conn:
        return store.table_digest(conn)


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    found = [t.value for t in at.table if all(c in t.value.columns for c in columns)]
    assert len(found) == 1, [list(t.value.columns) for t in at.table]
    return found[0]


def rollback_box(at: AppTest) -> Any:
    boxes = [s for s in at.selectbox if s.label == ROLLBACK_BOX]
    assert len(boxes) == 1
    return boxes[0]


def advocacy_sentence(at: AppTest) -> str:
    found = [m.value for m in at.markdown if m.value.startswith(f"{ADVOCACY.title}:")]
    assert found
    return found[0]


def test_rolling_back_shows_what_comes_back_and_needs_confirming(
    app_on: Any, seeded_url: str
) -> None:
    correction = upload(seeded_url, "indicator_values", CORRECTION, "advocacy.csv")
    at = open_page(app_on(seeded_url), "data-audit")
    assert not at.exception, [e.message for e in at.exception]
    demo = demo_batch(seeded_url, "indicator_values.csv")

    # choosing an upload shows what rolling it back would do, and changes nothing
    before = digest(seeded_url)
    rollback_box(at).set_value(correction)
    at.run()

    page = texts(at)
    assert f"Rolling back batch {correction} takes its 1 row out of every figure." in page
    assert "1 row from earlier uploads comes back (listed below)." in page
    # the one demo row for July to September 2026 comes back
    back = table_with(at, "Rows that come back")
    assert back[["Batch", "File", "Rows that come back"]].values.tolist() == [
        [demo["id"], "indicator_values.csv", 1]
    ]
    go = [b for b in at.button if b.label == f"Roll back batch {correction}"]
    assert len(go) == 1 and go[0].disabled, "the button waits for the confirmation"
    assert digest(seeded_url) == before

    # confirm, then roll back
    at.checkbox[0].check()
    at.run()
    go = [b for b in at.button if b.label == f"Roll back batch {correction}"]
    assert not go[0].disabled
    go[0].click()
    at.run()

    assert not at.exception
    assert batch(seeded_url, correction)["status"] == "rolled_back"
    assert batch(seeded_url, correction)["status_changed_by"] == "local user"
    assert batch(seeded_url, demo["id"])["status"] == "active"
    assert any(f"Batch {correction} is rolled back" in s.value for s in at.success)
    uploads = table_with(at, "Batch", "Status")
    status = dict(zip(uploads["Batch"], uploads["Status"], strict=True))
    assert status[correction] == "↺ Rolled back"
    assert status[demo["id"]] == "✔ Active"
    # a rolled-back upload cannot be chosen again
    assert correction not in rollback_box(at).options
    # and the priority page is back to the demo figure
    switch_to(at, "priority-4")
    at.run()
    assert "4 in July to September 2026" in advocacy_sentence(at)


def test_a_superseded_upload_is_marked_and_rolling_it_back_brings_nothing_back(
    app_on: Any, seeded_url: str
) -> None:
    first = upload(seeded_url, "indicator_values", CORRECTION, "advocacy.csv")
    # a second correction for the same quarter replaces the first one's only row
    second = upload(
        seeded_url, "indicator_values",
        (HEADER + "leader_advocacy_activities,2026-Q3,,,8,,\n").encode(), "advocacy_v2.csv",
    )  # fmt: skip
    at = open_page(app_on(seeded_url), "data-audit")

    uploads = table_with(at, "Batch", "Status")
    status = dict(zip(uploads["Batch"], uploads["Status"], strict=True))
    assert status[first] == "⇄ Superseded"
    assert status[second] == "✔ Active"

    rollback_box(at).set_value(first)
    at.run()
    page = texts(at)
    assert f"None of the rows of batch {first} counts now" in page
    assert "No earlier rows come back." in page


def test_every_upload_is_listed_with_who_when_in_uk_time_and_its_fingerprint(
    app_on: Any, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 13:05 UTC on 1 July 2026 is 14:05 in London (British Summer Time, UTC+1)
    monkeypatch.setattr(store, "now_utc", lambda: dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC))
    first = upload(empty_url, "ehc_requests", FIRST, "requests.csv")
    at = open_page(app_on(empty_url), "data-audit")

    assert not at.exception
    uploads = table_with(at, "Batch", "Uploaded")
    row = uploads[uploads["Batch"] == first].iloc[0]
    assert row["Data"] == "EHC needs assessment requests"
    assert row["Uploaded by"] == "test officer"
    assert row["Uploaded"] == "1 July 2026 14:05"
    assert row["File"] == "requests.csv"
    # FIRST has 7 requests: 2 received in 2023 and 5 in 2024
    assert row["Rows"] == "7"
    assert row["Periods"] == "2023, 2024"
    assert row["Status"] == "✔ Active"
    full = hashlib.sha256(FIRST).hexdigest()
    assert row["SHA-256 (first 12 characters)"] == full[:12] + "…"
    fingerprints = table_with(at, "SHA-256")
    assert fingerprints[fingerprints["Batch"] == first]["SHA-256"].tolist() == [full]


def test_the_freshness_list_says_which_data_is_overdue_with_an_icon_and_words(
    app_on: Any, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "today", lambda: dt.date(2026, 11, 27))
    # EHC requests uploaded on 1 July 2026; their measures are updated monthly (31 days)
    monkeypatch.setattr(store, "now_utc", lambda: dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC))
    upload(empty_url, "ehc_requests", FIRST, "requests.csv")
    # counted values on 20 November 2026; the Local Offer hits they hold are monthly too
    monkeypatch.setattr(store, "now_utc", lambda: dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC))
    upload(
        empty_url, "indicator_values", (HEADER + "pcf_membership,2024,,,55,,\n").encode(), "pcf.csv"
    )
    at = open_page(app_on(empty_url), "data-audit")

    assert not at.exception
    fresh = table_with(at, "Data", "Latest data held", "Update").set_index("Data")
    # requests: due 31 days after 1 July 2026 = 1 August 2026, before 27 November 2026
    requests = fresh.loc["EHC needs assessment requests"]
    assert requests["Update"] == "⚠ Overdue: the update was due 1 August 2026"
    assert requests["Last uploaded"] == "1 July 2026"
    # the latest request in FIRST was received on 01/05/2024
    assert requests["Latest data held"] == "1 May 2024"
    # counted values: due 31 days after 20 November 2026 = 21 December 2026
    counted = fresh.loc["Counted values (aggregate)"]
    assert counted["Update"] == "✔ Up to date: next update due 21 December 2026"
    surveys = fresh.loc["Survey responses"]
    assert surveys["Update"] == "○ Nothing uploaded yet"
    assert surveys["Last uploaded"] == "never"
    # the overdue data is named above the table, in words, not only by a symbol in it
    assert any(
        "Overdue for an update: EHC needs assessment requests" in w.value for w in at.warning
    )


def test_an_empty_database_says_so_and_links_to_the_upload_page(
    app_on: Any, empty_url: str
) -> None:
    at = open_page(app_on(empty_url), "data-audit")

    assert not at.exception
    assert any("No data has been uploaded yet" in i.value for i in at.info)
    assert "upload" in [link.proto.page for link in at.get("page_link")]


def test_an_officer_who_is_not_an_admin_sees_the_list_but_cannot_roll_back(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_pages, "current_role", lambda: app_pages.OFFICER)
    at = open_page(app_on(seeded_url), "data-audit")

    assert not at.exception
    assert table_with(at, "Batch", "Status").shape[0] > 0
    assert not [s for s in at.selectbox if s.label == ROLLBACK_BOX]
    assert not at.button
    assert "Only an admin can roll back an upload." in texts(at)


def test_the_page_refuses_anyone_who_is_not_an_officer(
    monkeypatch: pytest.MonkeyPatch, seeded_url: str
) -> None:
    monkeypatch.setenv("MEASURES_AUTH_MODE", "header")
    monkeypatch.setenv("MEASURES_DATABASE_URL", seeded_url)
    at = AppTest.from_file(str(PAGE_FILE), default_timeout=120).run()

    assert not at.exception
    assert any("only for an officer or an admin" in e.value for e in at.error)
    assert not at.table


def test_a_sen2_return_is_rolled_back_whole_from_either_batch(
    app_on: Any, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from metrics import sen2_import

    monkeypatch.setenv("MEASURES_PSEUDONYM_KEY", "c0ffee00" * 5)
    content = (ROOT / "tests" / "sen2" / "return_2024.xml").read_bytes()
    engine = api.engine(empty_url)
    checked = sen2_import.check(engine, content, "sen2_2024.xml", today=dt.date(2026, 11, 27))
    stored = sen2_import.store_return(engine, checked, user="test officer")
    requests, plans = stored.requests_batch, stored.plans_batch
    at = open_page(app_on(empty_url), "data-audit")
    rollback_box(at).set_value(plans)
    at.run()

    # 12 requests of 2023 and the 7 active plans of 18 January 2024 (tests/test_sen2_import.py)
    page = texts(at)
    assert f"Batch {plans} was stored together with batch {requests} from the same file" in page
    assert f"Rolling back batches {plans}, {requests} takes their 19 rows out" in page
    sure = [
        c for c in at.checkbox if c.label == f"Yes, roll back batch {plans} and batch {requests}"
    ]
    assert len(sure) == 1
    sure[0].check()
    at.run()
    next(b for b in at.button if b.label == f"Roll back batch {plans}").click()
    at.run()

    assert not at.exception, [e.message for e in at.exception]
    assert (
        batch(empty_url, plans)["status"] == batch(empty_url, requests)["status"] == ("rolled_back")
    )
    assert any(
        s.value.startswith(f"Batch {plans} and batch {requests}, stored with it from the same "
                           "file, are rolled back")
        for s in at.success
    )  # fmt: skip
