"""The upload in a real browser: an officer chooses the data, uploads a file through the page's
file input, sees the preview, confirms, sees the result and finds the new figure on the report
page; a bad file shows its problems table and changes nothing, on the page or in the database.

The app is started as `make run` starts it, on its own copy of the seeded demo database (these
tests write to it), with headless Chromium from /usr/bin/chromium (tests/browser_support.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from app_support import seeded_template_fixture, sqlite_url  # noqa: F401 (fixture, short name)
from browser_support import (  # noqa: F401
    MAIN,
    WAIT,
    browser_fixture,
    demo_copy,
    errors_shown,
    heading_levels,
    open_page,
    page_fixture,
    served,
    settled,
)

from metrics import api
from metrics.db import store

pytestmark = pytest.mark.browser

HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
# The demo data has 4 advocacy activities by senior leaders in July to September 2026
# (seed_data/indicator_values.csv); this file says 7.
FIXED = (HEADER + "leader_advocacy_activities,2026-Q3,,,7,,\n").encode()
BAD = (HEADER + "leader_advocacy_activities,2026-Q3,,,seven,,\n").encode()
CHOSEN_FILE = '[data-testid="stFileChipName"]'  # the uploader's chip naming the file chosen
REPORT = "indicator?indicator=leader_advocacy_activities&period=2026-Q3"
SENTENCE = re.compile(
    r"Times senior leaders spoke up for SEND in City communities: (\d+) in July to September 2026"
)


@pytest.fixture(scope="module")
def upload_app(
    seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The dashboard on its own copy of the demo data, and that database file."""
    database = demo_copy(seeded_template, tmp_path_factory, "browser-upload")
    with served(database) as base:
        yield base, database


@pytest.fixture
def upload_address(upload_app: tuple[str, Path]) -> str:
    return upload_app[0]


def choose_counted_values(page: Any) -> None:
    page.get_by_role("combobox", name="Which data are you uploading?").click()
    page.get_by_role("option", name="Counted values (aggregate)").click()
    page.get_by_text("One row per indicator per period").first.wait_for(timeout=WAIT)
    settled(page)


def upload(page: Any, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


def advocacy_shown(page: Any, base: str) -> int:
    """The latest quarter's number of advocacy activities, as the indicator page says it."""
    open_page(page, f"{base}/{REPORT}")
    found = SENTENCE.search(page.inner_text(MAIN))
    assert found, page.inner_text(MAIN)
    return int(found.group(1))


def test_an_officer_uploads_a_file_sees_the_preview_confirms_and_sees_the_result(
    page: Any, upload_address: str
) -> None:
    open_page(page, f"{upload_address}/upload")
    assert page.title().startswith("Upload data – Measures of Success")
    choose_counted_values(page)

    upload(page, "advocacy.csv", FIXED)

    page.get_by_role("heading", name="4. Check what will change").wait_for(timeout=WAIT)
    settled(page)
    body = page.inner_text(MAIN)
    assert "The file adds 1 row for 2026-Q3." in body
    # the before and after table: 4 activities in the demo data, 7 in the file
    changes = page.locator('[data-testid="stTable"]').filter(has_text="Status before")
    assert changes.count() == 1
    cells = changes.locator("td").all_inner_texts()
    assert cells[1:4] == ["2026-Q3", "4", "7"], cells
    assert errors_shown(page) == 0
    assert page.locator(CHOSEN_FILE).all_inner_texts() == ["advocacy.csv"]

    page.get_by_role("button", name="Store “advocacy.csv”").click()

    result = page.get_by_text(re.compile(r"as batch \d+: 1 row for 2026-Q3"))
    result.wait_for(timeout=WAIT)
    settled(page)
    assert errors_shown(page) == 0
    # the uploader is empty again, and the result links to the audit page
    assert page.locator(CHOSEN_FILE).count() == 0
    page.get_by_role("link", name="See every upload on the Data and audit page").click()
    page.get_by_role("heading", name="Every upload").wait_for(timeout=WAIT)
    settled(page)
    uploads = page.locator('[data-testid="stTable"]').filter(has_text="Uploaded by").first
    assert "advocacy.csv" in uploads.inner_text()
    assert "local user" in uploads.inner_text()

    # the report page now shows the file's figure, and the change from the first quarter
    # shown (2 in April to June 2025): 7 - 2 = up 5
    assert advocacy_shown(page, upload_address) == 7
    assert "It was 2 in April to June 2025 and 7 in July to September 2026: up 5" in (
        page.inner_text(MAIN)
    )


def test_a_bad_file_lists_its_problems_in_the_browser_and_changes_nothing(
    page: Any, upload_app: tuple[str, Path]
) -> None:
    base, database = upload_app
    before = advocacy_shown(page, base)  # 4, or 7 after the test above
    engine = api.engine(sqlite_url(database))
    open_page(page, f"{base}/upload")
    choose_counted_values(page)
    with engine.connect() as conn:
        stored = store.table_digest(conn)

    upload(page, "advocacy.csv", BAD)

    page.get_by_role("heading", name="Problems found: 1 problem").wait_for(timeout=WAIT)
    settled(page)
    problems = page.locator('[data-testid="stTable"]').filter(has_text="How to fix it")
    assert problems.locator("td").all_inner_texts()[:3] == ["2", "count", "seven"]
    assert (
        page.get_by_role("button", name="Download the list of 1 problem as a CSV file").count() == 1
    )
    assert page.get_by_role("button", name=re.compile("^Store")).count() == 0
    # nothing stored: every table holds what it held, and the report page says what it said
    with engine.connect() as conn:
        assert store.table_digest(conn) == stored
    assert advocacy_shown(page, base) == before


@pytest.mark.parametrize("path", ["upload", "data-audit"])
def test_the_officer_pages_name_themselves_and_keep_their_headings_in_order(
    page: Any, upload_address: str, path: str
) -> None:
    open_page(page, f"{upload_address}/{path}")

    assert errors_shown(page) == 0
    titles = {"upload": "Upload data", "data-audit": "Data and audit"}
    assert page.title().startswith(f"{titles[path]} – Measures of Success")
    levels = heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
