"""The browser tests' harness: the app served on a free loopback port against its own copy of the
seeded demo database, headless Chromium from the system, and opening a page until it has settled.

A test module brings a fixture in by importing its function, e.g.
`from browser_support import browser_fixture  # noqa: F401`, and asks for it by its short name
(`browser`), as with tests/app_support.py. Chromium comes from /usr/bin/chromium; no browser is
ever downloaded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from app_support import ROOT, copy_database, sqlite_url
from conftest import CHROMIUM, missing

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
WAIT = PAGE_SECONDS * 1000  # Playwright counts in milliseconds
VIEWPORT = {"width": 1280, "height": 900}
MAIN = '[data-testid="stMain"]'
# The script has finished, and no element is still a placeholder: Streamlit draws the last
# elements a moment after it says the run is over, and a button's keyboard shortcut works only
# once the button is drawn.
SETTLED = """() =>
    document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    && !document.querySelector('[data-testid="stSkeleton"]')"""
CHARTS = '[data-testid="stVegaLiteChart"]'
# Every chart on show holds its drawing (Vega draws after the script has finished; a chart in a
# closed expander or another tab is drawn when it is shown) and no element is still waiting for
# its content.
CHARTS_DRAWN = """() =>
    [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .every(c => !c.getClientRects().length || c.querySelector('canvas, svg'))
    && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')"""
# what CHARTS_DRAWN is still waiting for, to say so when it waits too long
STILL_DRAWING = """() => [
    ...[...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .filter(c => c.getClientRects().length && !c.querySelector('canvas, svg'))
        .map(c => 'chart: ' + (c.getAttribute('aria-label') || c.outerHTML.slice(0, 300))),
    ...[...document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stSpinner"]')]
        .map(e => e.dataset.testid + ': ' + e.outerHTML.slice(0, 300)),
]"""

Command = Callable[[int], list[str]]


def make_run(port: int) -> list[str]:
    """The app as `make run` starts it: `python -m dashboard.serve` (with the security headers)."""
    return [sys.executable, "-m", "dashboard.serve",
            "--server.address", "127.0.0.1", "--server.port", str(port)]  # fmt: skip


def streamlit_run(*flags: str, script: str = "dashboard/serve.py") -> Command:
    """The app as `streamlit run SCRIPT` starts it, for settings `python -m dashboard.serve` does
    not take on its command line (secrets files, trusted headers)."""

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false", *flags,
        ]  # fmt: skip

    return command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(
    base: str, server: subprocess.Popen[bytes], seconds: float = STARTUP_SECONDS
) -> None:
    """Wait until the app at `base` says it is healthy; RuntimeError if it exits or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the app did not answer at {base} within {seconds:g}s")


@contextmanager
def serving(
    url: str,
    env: Mapping[str, str] | None = None,
    command: Command = make_run,
    port: int | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The dashboard on a loopback port reading the database at `url`; yields its address and
    its process (benchmarks/run.py reads the process's memory)."""
    port = port or free_port()
    environment = os.environ | {"MEASURES_DATABASE_URL": url} | dict(env or {})
    server = subprocess.Popen(
        command(port), cwd=ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def served(
    database: Path,
    env: Mapping[str, str] | None = None,
    command: Command = make_run,
    port: int | None = None,
) -> Iterator[str]:
    """The dashboard on a loopback port reading the SQLite file `database`; yields its address."""
    with serving(sqlite_url(database), env, command, port) as (base, _):
        yield base


def demo_copy(template: Path, factory: pytest.TempPathFactory, name: str) -> Path:
    """A copy of the seeded demo database of its own, in a fresh folder."""
    database = factory.mktemp(name) / "measures.sqlite3"
    copy_database(template, database)
    return database


@contextmanager
def demo_app(
    template: Path,
    factory: pytest.TempPathFactory,
    name: str,
    env: Mapping[str, str] | None = None,
    command: Command = make_run,
) -> Iterator[str]:
    """The dashboard served on its own copy of the demo data; yields its address."""
    with served(demo_copy(template, factory, name), env, command) as base:
        yield base


@pytest.fixture(scope="module", name="app_address")
def app_address_fixture(
    seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard as `make run` starts it, on a copy of the demo data, for one test module."""
    with demo_app(seeded_template, tmp_path_factory, "browser") as base:
        yield base


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    """Headless Chromium from the system, one per test module; each test opens its own context
    (its own cookies) through `page` or `browser.new_context()`."""
    if not CHROMIUM.exists():
        missing(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(name="page")
def page_fixture(browser: Any) -> Iterator[Any]:
    """A fresh page in a context of its own (no cookies from other tests)."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


def settled(page: Any) -> None:
    """Wait until the app's script has finished its run and the page shows all it sent."""
    page.wait_for_function(SETTLED, timeout=WAIT)


def charts_drawn(page: Any) -> None:
    """Wait until the script has finished and every chart on the page has been drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    settled(page)
    try:
        page.wait_for_function(CHARTS_DRAWN, timeout=WAIT)
    except PlaywrightTimeout:
        waiting = page.evaluate(STILL_DRAWING)
        raise AssertionError(f"{page.url}: not drawn after {PAGE_SECONDS}s: {waiting}") from None


def open_page(page: Any, address: str) -> None:
    """Go to an address and wait until the page's script has finished running."""
    page.goto(address)
    page.wait_for_selector(f"{MAIN} h1", timeout=WAIT)
    settled(page)


def heading_levels(page: Any) -> list[int]:
    """The levels of the main area's headings, in order."""
    return page.eval_on_selector_all(
        f"{MAIN} :is(h1, h2, h3, h4, h5, h6)", "hs => hs.map(h => Number(h.tagName[1]))"
    )


def errors_shown(page: Any) -> int:
    """How many error boxes (uncaught exceptions) the page shows."""
    return page.locator('[data-testid="stException"]').count()
