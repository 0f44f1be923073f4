"""A SEN2 return uploaded in a real browser (headless Chromium): the page recognises the XML by
its content, previews it, stores it on one press, and the 20-week figure shows on the measure's
page. The app is served as `make run` serves it (tests/browser_support.py), on its own empty
database, with a pseudonym key set.

Figures from tests/test_sen2_import.py (worked by hand): the 2024 return stores 12 requests and
7 active plans; in 2023, 3 of the 4 plans without an exception were issued within 20 weeks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_support import sqlite_url
from browser_support import (  # noqa: F401
    MAIN,
    WAIT,
    browser_fixture,
    errors_shown,
    open_page,
    page_fixture,
    served,
    settled,
)
from test_accessibility import axe_violations, report

from metrics import api
from metrics.db import store

pytestmark = pytest.mark.browser

RETURN = Path(__file__).resolve().parent / "sen2" / "return_2024.xml"
KEY = "f00dfeed" * 6


@pytest.fixture(scope="module")
def sen2_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    database = tmp_path_factory.mktemp("browser-sen2") / "measures.sqlite3"
    api.engine(sqlite_url(database)).dispose()  # created and migrated, nothing stored
    store.engine_for.cache_clear()
    with served(database, {"MEASURES_PSEUDONYM_KEY": KEY}) as base:
        yield base, database


def test_an_officer_uploads_the_sen2_return_and_sees_the_figures(
    page: Any, sen2_app: tuple[str, Path]
) -> None:
    base, database = sen2_app
    open_page(page, f"{base}/upload")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "sen2_2024.xml", "mimeType": "application/xml",
                "buffer": RETURN.read_bytes()}]
    )  # fmt: skip
    page.get_by_role("heading", name="4. Check what will change").wait_for(timeout=WAIT)
    settled(page)
    body = page.inner_text(MAIN)
    assert "read as a SEN2 return" in body
    assert "12 new, 0 changed and 0 unchanged" in body
    assert errors_shown(page) == 0
    # the SEN2 preview meets WCAG 2.2 A and AA like every other step of the upload
    violations = axe_violations(page)
    assert not violations, report({"SEN2 preview": violations})

    page.get_by_role("button", name="Store “sen2_2024.xml”").click()
    page.get_by_text(re.compile(r"Stored the SEN2 return “sen2_2024.xml” as batch\(es\) 1 and 2"))\
        .wait_for(timeout=WAIT)  # fmt: skip
    settled(page)
    assert errors_shown(page) == 0
    with api.engine(sqlite_url(database)).connect() as conn:
        assert store.read_batches(conn).get_column("row_count").to_list() == [12, 7]

    open_page(page, f"{base}/indicator?indicator=ehc_20wk_excl_exceptions&period=2023")
    text = page.inner_text(MAIN)
    assert "75.0%" in text, text
