"""The upload in a real browser: an officer chooses the data, uploads a file through the page's
file input, sees the preview, confirms and sees the result, then finds the upload on the Data
and audit page.

Same server and browser as tests/test_browser_pages.py: `streamlit run` on a free port against
a copy of the seeded demo database, and headless Chromium from /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    ROOT,
    copy_database,
    seeded_template_fixture,
    sqlite_url,
)
from conftest import missing
from test_browser_pages import CHROMIUM_ARGS, PAGE_SECONDS, _free_port, _open, _wait_until_healthy

pytestmark = pytest.mark.browser

HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
# The demo data has 4 advocacy activities by senior leaders in July to September 2026.
FIXED = (HEADER + "leader_advocacy_activities,2026-Q3,,,7,,\n").encode()
BAD = (HEADER + "leader_advocacy_activities,2026-Q3,,,seven,,\n").encode()
WAIT = PAGE_SECONDS * 1000


@pytest.fixture(scope="module")
def upload_address(
    seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard on its own copy of the demo data (these tests write to it)."""
    database = tmp_path_factory.mktemp("browser-upload") / "measures.sqlite3"
    copy_database(seeded_template, database)
    port = _free_port()
    env = os.environ | {"MEASURES_DATABASE_URL": sqlite_url(database)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page(chromium: Path) -> Iterator[Any]:
    """A page in headless Chromium from the system, started fresh for each test."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        yield tab
        browser.close()


def _settled(page: Any) -> None:
    """Wait until the app's script has finished its run."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=WAIT
    )


def _choose_counted_values(page: Any) -> None:
    page.get_by_role("combobox", name="Which data are you uploading?").click()
    page.get_by_role("option", name="Counted values (aggregate)").click()
    page.get_by_text("One row per indicator per period").first.wait_for(timeout=WAIT)
    _settled(page)


def _upload(page: Any, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


def _heading_levels(page: Any) -> list[int]:
    return page.eval_on_selector_all(
        '[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)',
        "hs => hs.map(h => Number(h.tagName[1]))",
    )


def test_an_officer_uploads_a_file_sees_the_preview_confirms_and_sees_the_result(
    page: Any, upload_address: str
) -> None:
    _open(page, f"{upload_address}/upload")
    assert page.title().startswith("Upload data – Measures of Success")
    _choose_counted_values(page)

    _upload(page, "advocacy.csv", FIXED)

    page.get_by_role("heading", name="4. Check what will change").wait_for(timeout=WAIT)
    _settled(page)
    body = page.inner_text('[data-testid="stMain"]')
    assert "The file adds 1 row for 2026-Q3." in body
    # the before and after table: 4 activities in the demo data, 7 in the file
    changes = page.locator('[data-testid="stTable"]').filter(has_text="Status before")
    assert changes.count() == 1
    cells = changes.locator("td").all_inner_texts()
    assert cells[1:4] == ["2026-Q3", "4", "7"], cells
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("button", name="Store “advocacy.csv”").click()

    result = page.get_by_text(re.compile(r"as batch \d+: 1 row for 2026-Q3"))
    result.wait_for(timeout=WAIT)
    _settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    # the uploader is empty again, and the result links to the audit page
    assert page.locator('[data-testid="stFileUploaderFile"]').count() == 0
    page.get_by_role("link", name="See every upload on the Data and audit page").click()
    page.get_by_role("heading", name="Every upload").wait_for(timeout=WAIT)
    _settled(page)
    uploads = page.locator('[data-testid="stTable"]').filter(has_text="Uploaded by").first
    assert "advocacy.csv" in uploads.inner_text()
    assert "local user" in uploads.inner_text()


def test_a_bad_file_lists_its_problems_in_the_browser_and_offers_them_as_csv(
    page: Any, upload_address: str
) -> None:
    _open(page, f"{upload_address}/upload")
    _choose_counted_values(page)

    _upload(page, "advocacy.csv", BAD)

    page.get_by_role("heading", name="Problems found: 1 problem").wait_for(timeout=WAIT)
    _settled(page)
    problems = page.locator('[data-testid="stTable"]').filter(has_text="How to fix it")
    assert problems.locator("td").all_inner_texts()[:3] == ["2", "count", "seven"]
    assert (
        page.get_by_role("button", name="Download the list of 1 problem as a CSV file").count() == 1
    )
    assert page.get_by_role("button", name=re.compile("^Store")).count() == 0


@pytest.mark.parametrize("path", ["upload", "data-audit"])
def test_the_officer_pages_name_themselves_and_keep_their_headings_in_order(
    page: Any, upload_address: str, path: str
) -> None:
    _open(page, f"{upload_address}/{path}")

    assert page.locator('[data-testid="stException"]').count() == 0
    titles = {"upload": "Upload data", "data-audit": "Data and audit"}
    assert page.title().startswith(f"{titles[path]} – Measures of Success")
    levels = _heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
