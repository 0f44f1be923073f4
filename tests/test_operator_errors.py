"""Failures an operator can act on, made for real, at the command line: each gives one short
paragraph (what failed, why, what fixes it), exit status 2, no traceback, and no password."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_support import run_fixture  # noqa: F401 (fixtures, by their short names)
from conftest import ROOT, SEED_DIR
from failure_support import (
    SECRET,
    broken_registry,
    migrate_ahead,
    missing_database_url,
    nothing_listening_url,
    read_only,
    refusing_postgres,
)
from sqlalchemy.engine import Engine

from metrics import api, cli, operator_errors
from metrics.db import store

Run = Callable[..., tuple[int, str, str]]


def cli_on(url: str, *args: str, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = cli.main(["--database", url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_paragraph(err: str) -> str:
    """The message as one line of text (the command line wraps it at 100 characters)."""
    assert "Traceback" not in err
    return " ".join(err.split())


def test_a_database_that_does_not_exist(capsys: pytest.CaptureFixture) -> None:
    url = missing_database_url()
    code, out, err = cli_on(url, "batches", capsys=capsys)

    assert code == 2 and out == ""
    text = one_paragraph(err)
    assert text.startswith("The database 'test_i17_no_such_database' does not exist on the server")
    assert "createdb --owner postgres test_i17_no_such_database" in text
    assert SECRET not in err and ":***@" in text


def test_a_server_that_is_not_running_as_the_operator_sees_it() -> None:
    # the real command, as an operator types it: no traceback, status 2, password masked
    url = nothing_listening_url()
    port = url.rsplit(":", 1)[1].split("/")[0]
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "--database", url, "batches"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode == 2 and done.stdout == ""
    text = one_paragraph(done.stderr)
    assert text.startswith(f"The database server at 127.0.0.1:{port} could not be reached")
    assert f"pg_isready -h 127.0.0.1 -p {port}" in text
    assert "Connection refused" in text
    assert SECRET not in done.stderr


def test_debug_shows_the_traceback() -> None:
    url = nothing_listening_url()
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "--debug", "--database", url, "batches"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode == 1  # Python's own status for an uncaught exception
    assert "Traceback (most recent call last)" in done.stderr
    assert "sqlalchemy.exc.OperationalError" in done.stderr


def test_a_wrong_password(capsys: pytest.CaptureFixture) -> None:
    with refusing_postgres(user="measures") as url:
        code, out, err = cli_on(url, "batches", capsys=capsys)

    assert code == 2 and out == ""
    text = one_paragraph(err)
    assert text.startswith("The database server refused the user 'measures'")
    assert "percent-encoded" in text and "ALTER ROLE measures PASSWORD" in text
    assert 'password authentication failed for user "measures"' in text
    assert SECRET not in err


def test_a_read_only_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "measures.sqlite3"
    url = f"sqlite:///{path}"
    api.engine(url).dispose()
    with read_only(path):
        # reading still works; storing an upload is refused with the reason
        assert cli_on(url, "batches", capsys=capsys)[0] == 0
        code, _, err = cli_on(
            url, "ingest", "ehc_requests", str(SEED_DIR / "ehc_requests.csv"), capsys=capsys
        )
    assert code == 2
    text = one_paragraph(err)
    assert text.startswith(f"The database ({url}) could not be written to.")
    assert f"make {path} and its folder {tmp_path} writable" in text
    with store.engine_for(url).connect() as conn:
        assert store.read_batches(conn).height == 0  # nothing stored


def test_a_full_disk_stores_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'measures.sqlite3'}"
    engine = api.engine(url)
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    engine.dispose()

    # SQLite's own limit on the file's size: its real "disk is full" error, no page to spare
    @sa.event.listens_for(engine, "connect")
    def _small_disk(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    code, _, err = cli_on(
        url, "ingest", "ehc_requests", str(SEED_DIR / "ehc_requests.csv"), capsys=capsys
    )
    sa.event.remove(engine, "connect", _small_disk)
    engine.dispose()

    assert code == 2
    text = one_paragraph(err)
    assert "could not store the change: the disk is full" in text
    assert f"df -h {tmp_path}" in text and "Nothing was stored." in text
    with engine.connect() as conn:
        assert store.read_batches(conn).height == 0


def test_a_registry_with_an_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_REGISTRY", str(broken_registry(tmp_path)))
    code, out, err = run("compute")

    assert code == 2 and out == ""
    text = one_paragraph(err)
    # the misspelt polarity, and the other indicator that refers to the one that no longer loads
    assert text.startswith("The indicator registry (indicators.toml) has 2 problem(s)")
    assert "p1_support_offer_codesigned.polarity: Input should be 'higher_is_better'" in text
    assert "run `python -m metrics check` to list every problem" in text


def test_a_database_migrated_by_a_newer_version(run: Run, engine: Engine, db_url: str) -> None:
    migrate_ahead(db_url, "0999")
    store.engine_for.cache_clear()

    code, out, err = run("batches")

    assert code == 2 and out == ""
    text = one_paragraph(err)
    assert "was upgraded by a newer version of the dashboard" in text
    assert "schema revision '0999' is unknown to this version" in text
    with sa.create_engine(db_url).connect() as conn:  # left exactly as it was
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0999"


def test_a_fault_in_the_software_is_not_passed_off_as_a_setting() -> None:
    assert operator_errors.classify(ZeroDivisionError("division by zero")) is None
    assert operator_errors.classify(KeyError("no indicator 'x'")) is None


def test_passwords_are_masked_in_text_and_in_logs() -> None:
    text = (
        "postgresql+psycopg://measures:" + SECRET + "@db:5432/m and "
        "host=db password=" + SECRET + " user=measures"
    )
    assert operator_errors.mask(text) == (
        "postgresql+psycopg://measures:***@db:5432/m and host=db password=*** user=measures"
    )
    assert operator_errors.mask_url(f"postgresql://u:{SECRET}@h/d") == "postgresql://u:***@h/d"

    logger = logging.getLogger("test_operator_errors.masking")
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    logger.addHandler(handler)
    operator_errors.mask_logs(logger)
    try:
        logger.warning("could not connect to %s", f"postgresql://u:{SECRET}@h/d")
        try:
            raise RuntimeError(f"failed on postgresql://u:{SECRET}@h/d")
        except RuntimeError:
            logger.exception("with a traceback")
    finally:
        logger.removeHandler(handler)
    assert SECRET not in written.getvalue()
    assert "could not connect to postgresql://u:***@h/d" in written.getvalue()
    assert "RuntimeError: failed on postgresql://u:***@h/d" in written.getvalue()


def test_a_database_whose_tables_were_never_created(tmp_path: Path) -> None:
    # a real SQLite file with no tables, read as if it had them
    url = f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"
    engine = sa.create_engine(url)
    with pytest.raises(sa.exc.OperationalError) as raised, engine.connect() as conn:
        store.read_batches(conn)
    engine.dispose()
    found = operator_errors.classify(raised.value, url)

    assert found is not None and found.kind == "not_migrated"
    assert found.paragraph().startswith(
        f"The database ({url}) has not been set up for this version of the dashboard."
    )
    assert "run `python -m metrics batches` once with the same MEASURES_DATABASE_URL" in (
        found.paragraph()
    )
    assert "(It said: no such table: batches)" in found.paragraph()
