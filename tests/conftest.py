"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured) and paths."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from metrics.db import store
from metrics.db.tables import metadata

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "seed_data" / "official"  # the official DfE files the project ships
SEED_DIR = ROOT / "seed_data"
POSTGRES_URL = os.environ.get("MEASURES_TEST_POSTGRES_URL")
REQUIRE_ALL = os.environ.get("MEASURES_REQUIRE_ALL") == "1"
CHROMIUM = Path("/usr/bin/chromium")


def missing(reason: str) -> None:
    """Skip locally; fail in CI, where every test must run."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (MEASURES_REQUIRE_ALL=1: nothing may be skipped)")
    pytest.skip(reason)


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, and the PostgreSQL server when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'measures.sqlite3'}"
        return
    if not POSTGRES_URL:
        missing("MEASURES_TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL is not None
    _reset_postgres(POSTGRES_URL)
    store.engine_for.cache_clear()
    yield POSTGRES_URL
    store.engine_for(POSTGRES_URL).dispose()
    store.engine_for.cache_clear()
    _reset_postgres(POSTGRES_URL)


@pytest.fixture
def engine(db_url: str) -> Engine:
    """A migrated, empty database."""
    return store.ready_engine(db_url)


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        missing("Chromium is not installed at /usr/bin/chromium")
    return CHROMIUM
