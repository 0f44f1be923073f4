"""The second area of the test suite (tests/areas/second/): another authority, another region,
three priorities with letters for ids, other measures. Its pages, board pack and comparators are
tested as the shipped registry's are, to prove that an area adopts the dashboard by writing a
registry, not by changing code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import copy_database, sqlite_url

from metrics import api
from metrics.db import store
from metrics.registry import Registry, load

SECOND_AREA = Path(__file__).resolve().parent / "areas" / "second"
SECOND_REGISTRY = SECOND_AREA / "registry.toml"
SECOND_DATA = SECOND_AREA / "data"


def second_registry() -> Registry:
    return load(SECOND_REGISTRY)


@pytest.fixture(scope="session", name="second_template")
def second_template_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the second area's synthetic data and its official figures."""
    path = tmp_path_factory.mktemp("second") / "second.sqlite3"
    eng = api.engine(sqlite_url(path))
    reports = api.seed(eng, second_registry(), seed_dir=SECOND_DATA, demo=True)
    problems = {r.file_name: r.problems.to_dicts()[:3] for r in reports if not r.ok}
    assert not problems, f"the second area's data did not load: {problems}"
    eng.dispose()
    store.engine_for.cache_clear()
    return path


@pytest.fixture(name="second_area")
def second_area_fixture(
    second_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The second area in force (MEASURES_REGISTRY) on a fresh copy of its database: its URL."""
    target = tmp_path / "second.sqlite3"
    copy_database(second_template, target)
    monkeypatch.setenv("MEASURES_REGISTRY", str(SECOND_REGISTRY))
    yield sqlite_url(target)
