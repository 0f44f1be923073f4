"""The Upload page with a SEN2 return, run headless with AppTest: the page recognises the XML by
its content, lists every problem of a bad return (storing nothing), previews a good one (new,
changed and unchanged requests) and stores it as two batches on one press.

Figures are those worked by hand in tests/test_sen2_import.py: the first return (collection
2024) holds 13 people, 13 dated requests (12 stored: one is historical) and 7 active plans; the
second adds 3 requests, changes 2, repeats 2 and leaves 8 stored requests of 2023 out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    empty_url_fixture,
    open_page,
    texts,
)
from streamlit.testing.v1 import AppTest

from metrics import api
from metrics.db import store

SEN2 = Path(__file__).resolve().parent / "sen2"
KEY = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
XML = "application/xml"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEASURES_PSEUDONYM_KEY", KEY)


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, XML))
    return at.run()


def _batches(url: str) -> list[dict[str, Any]]:
    with api.engine(url).connect() as conn:
        return store.read_batches(conn).to_dicts()


def _table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    found = [t.value for t in at.table if all(c in t.value.columns for c in columns)]
    assert len(found) == 1, [list(t.value.columns) for t in at.table]
    return found[0]


def _store(at: AppTest, name: str) -> AppTest:
    buttons = [b for b in at.button if b.label == f"Store “{name}”"]
    assert len(buttons) == 1, [b.label for b in at.button]
    buttons[0].click()
    return at.run()


def test_two_returns_uploaded_one_after_the_other(app_on: Any, empty_url: str) -> None:
    at = open_page(app_on(empty_url), "upload")
    # a bad return first: every problem listed with the person's place, nothing stored
    bad = (SEN2 / "return_2024.xml").read_bytes().replace(b"<SENtype>SEMH<", b"<SENtype>AUT<")
    at = _upload(at, "bad_sen2.xml", bad)
    assert not at.exception, [e.message for e in at.exception]
    assert "read as a SEN2 return" in " ".join(i.value for i in at.info)
    assert "Problems found: 1 problem" in [h.value for h in at.header]
    table = _table_with(at, "Person in the file")
    assert table[["Person in the file", "Column", "Value"]].values.tolist() == [
        ["2", "Requests[1]/ActivePlans/SENneed[1]/SENtype", "AUT"]
    ]
    assert _batches(empty_url) == []
    assert not [b for b in at.button if b.label.startswith("Store")]

    # the first return: previewed, then stored as two batches
    at = _upload(at, "sen2_2024.xml", (SEN2 / "return_2024.xml").read_bytes())
    assert not at.exception, [e.message for e in at.exception]
    assert any("13 people, 13 requests with a received date, 7 active plans" in s.value
               for s in at.success)  # fmt: skip
    assert "12 new, 0 changed and 0 unchanged" in texts(at)
    assert _batches(empty_url) == []
    at = _store(at, "sen2_2024.xml")
    assert not at.exception, [e.message for e in at.exception]
    stored = _batches(empty_url)
    assert [(b["dataset"], b["row_count"], b["uploaded_by"]) for b in stored] == [
        ("ehc_requests", 12, "local user"), ("ehc_plans", 7, "local user"),
    ]  # fmt: skip
    assert any("12 new, 0 changed and 0 unchanged requests" in s.value for s in at.success)

    # the next year's: new, changed and unchanged requests, and the requests it leaves out kept
    at = _upload(at, "sen2_2025.xml", (SEN2 / "return_2025.xml").read_bytes())
    assert not at.exception, [e.message for e in at.exception]
    page = texts(at)
    assert "3 new, 2 changed and 2 unchanged" in page
    assert "8 requests stored for the same years are not in this return" in page
    changes = _table_with(at, "Before", "After")
    excl = changes[changes["Measure"].str.contains("20 weeks")]
    assert "2024" in excl["Period"].tolist()
    at = _store(at, "sen2_2025.xml")
    assert not at.exception, [e.message for e in at.exception]
    assert [b["row_count"] for b in _batches(empty_url)] == [12, 7, 15, 8]
