"""The real app in a real browser: every page opens in headless Chromium without an error box,
with a meaningful title in the browser tab and its headings in order.

Starts `streamlit run dashboard/app.py` on a free port against a copy of the seeded demo
database, then opens each page's address. Chromium comes from the system (/usr/bin/chromium);
no browser is ever downloaded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 60
PAGE_SECONDS = 120  # the first visit to a page builds its charts

# Each address, and the words its browser tab must start with (the page, then the app).
PAGES = {
    "": "Overview – Measures of Success, City of London",
    "priority-1": "Priority 1: Right help, right time – Measures of Success",
    "priority-2": "Priority 2: Transitions and adulthood – Measures of Success",
    "priority-3": "Priority 3: A skilled, valued workforce – Measures of Success",
    "priority-4": "Priority 4: Part of the community – Measures of Success",
    "priority-5": "Priority 5: ",
    "action-plan": "Action Plan – Measures of Success",
    "indicator?indicator=ehc_20wk_excl_exceptions&period=2023": (
        "EHC plans issued within 20 weeks (leaving out permitted exceptions) – Indicator detail"
    ),
    "population": "Our SEND population – Measures of Success",
    "about": "About – Measures of Success",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not answer at {base} within {STARTUP_SECONDS}s")


@pytest.fixture(scope="module")
def app_address(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard, served by `streamlit run` on a free port, on a copy of the demo data."""
    database = tmp_path_factory.mktemp("browser") / "measures.sqlite3"
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
def browser(chromium: Path) -> Iterator[Any]:
    """Headless Chromium from the system, started fresh for each test."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open(page: Any, address: str) -> None:
    """Go to an address and wait until the page's script has finished running."""
    page.goto(address)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=PAGE_SECONDS * 1000)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]',
        timeout=PAGE_SECONDS * 1000,
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_without_an_error_and_names_itself(
    browser: Any, app_address: str, path: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _open(page, f"{app_address}/{path}")

        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Page not found" not in page.inner_text("body")
        assert page.title().startswith(PAGES[path]), page.title()
        # one level-1 heading, and no heading level skipped on the way down (WCAG 1.3.1)
        levels = page.eval_on_selector_all(
            '[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)',
            "hs => hs.map(h => Number(h.tagName[1]))",
        )
        assert levels[0] == 1 and levels.count(1) == 1, levels
        assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    finally:
        page.close()
