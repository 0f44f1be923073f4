"""Fixtures and helpers for the dashboard tests: seeded SQLite databases and AppTest runs.

A test module brings a fixture in by importing its function, e.g.
`from app_support import seeded_url_fixture  # noqa: F401`, and asks for it by its short name
(`seeded_url`), so the import and the argument never share a name.

The demo data is seeded once per session into a template file (through the real upload path)
and copied for each test, so every test gets its own database without seeding again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from metrics import api
from metrics.db import store

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
REFERENCE = ROOT / "seed_data" / "official"
# The first run imports Altair, polars and the calculators, and computes every indicator.
RUN_TIMEOUT = 120

PAGE_FILES = {
    "overview": "app_pages/overview.py",
    "action-plan": "app_pages/action_plan.py",
    "indicator": "app_pages/indicator.py",
    "population": "app_pages/population.py",
    "about": "app_pages/about.py",
    "meeting": "app_pages/meeting.py",
    "commentary": "app_pages/commentary.py",
    "upload": "app_pages/upload.py",
    "data-audit": "app_pages/data_audit.py",
}


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_database(source: Path, target: Path) -> None:
    # SQLite in WAL mode may keep recent pages in the -wal file: copy it with the database.
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{source}{suffix}")
        if part.exists():
            shutil.copyfile(part, f"{target}{suffix}")


@pytest.fixture(scope="session", name="seeded_template")
def seeded_template_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding the demo data, seeded once for the whole session."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite3"
    url = sqlite_url(path)
    eng = api.engine(url)
    reports = api.seed(eng)
    problems = {r.dataset: r.problems.height for r in reports if not r.ok}
    assert not problems, f"the demo data did not load: {problems}"
    eng.dispose()
    store.engine_for.cache_clear()
    return path


@pytest.fixture(name="seeded_url")
def seeded_url_fixture(seeded_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the seeded demo database, for one test."""
    target = tmp_path / "measures.sqlite3"
    copy_database(seeded_template, target)
    return sqlite_url(target)


@pytest.fixture(name="empty_url")
def empty_url_fixture(tmp_path: Path) -> str:
    """A migrated database with nothing uploaded."""
    url = sqlite_url(tmp_path / "empty.sqlite3")
    api.engine(url)
    return url


@pytest.fixture(name="app_on")
def app_on_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make an AppTest of the dashboard that reads the given database URL."""

    def make(url: str) -> AppTest:
        monkeypatch.setenv("MEASURES_DATABASE_URL", url)
        return AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)

    yield make


PRIORITY_FILE = "app_pages/priority.py"


def switch_to(at: AppTest, page: str) -> AppTest:
    """Switch to a page by its url path (after a first run). Every priority is the one file
    `app_pages/priority.py` at its own address (`priority-<id>`), and AppTest picks a page by
    file, so a priority is chosen by its address's hash, as a browser session would."""
    if page.startswith("priority-"):
        at.switch_page(PRIORITY_FILE)
        at._page_hash = calc_hash(page)
        return at
    return at.switch_page(PAGE_FILES[page])


def open_page(at: AppTest, page: str, **query: str) -> AppTest:
    """Run the app, switch to a page (by its url path) with query parameters, and run it."""
    at.run()
    switch_to(at, page)
    at.query_params.clear()
    at.query_params.update(query)
    return at.run()


def charts(at: AppTest) -> list[dict[str, Any]]:
    """The Vega-Lite specs of every Altair chart on the page."""
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def texts(at: AppTest) -> str:
    """Every piece of text on the page (headings, markdown, messages), one per line."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "info", "warning", "caption"):
        parts += [str(el.value) for el in getattr(at, kind)]
    return "\n".join(parts)
