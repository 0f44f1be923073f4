"""Fixtures for the command line tests: `python -m metrics ...` run against the test database.

A test module brings a fixture in by importing its function, e.g.
`from cli_support import run_fixture  # noqa: F401`, and asks for it by its short name (`run`),
as with `app_support`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine

from metrics import api, cli


@pytest.fixture(name="run")
def run_fixture(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """Run the command line against the test database (migrated by `engine`); returns (exit
    code, stdout, stderr)."""
    monkeypatch.setenv("MEASURES_DATABASE_URL", db_url)
    api.get_settings.cache_clear()

    def _run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--database", db_url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    yield _run
    api.get_settings.cache_clear()
