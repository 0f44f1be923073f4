"""Moving an area between databases: `export-db` writes every table to one archive and
`import-db` loads it into an empty database of either kind, losing nothing; a damaged archive,
a newer schema or a database that already holds data is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from app_support import copy_database, seeded_template_fixture  # noqa: F401 (fixture)
from cli_support import run_fixture  # noqa: F401 (fixture, by its short name)
from conftest import POSTGRES_URL, SEED_DIR, _reset_postgres, missing
from sqlalchemy.engine import Engine

from metrics import api, audit, cli, uploads
from metrics.db import archive, store
from metrics.db.tables import commentary, meeting_dates, metadata, target_changes

Run = Callable[..., tuple[int, str, str]]
WHEN = dt.datetime(2026, 11, 27, 14, 30, 5, 123456, tzinfo=dt.UTC)


def normalised(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the cache, times in UTC (SQLite hands them back naive)."""

    def value(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.replace(tzinfo=dt.UTC) if v.tzinfo is None else v.astimezone(dt.UTC)
        return v

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            digest = store.table_digest(conn)
    finally:
        engine.dispose()
    return {name: [tuple(value(v) for v in row) for row in rows] for name, rows in digest.items()}


def cli_on(url: str, *args: str, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = cli.main(["--database", url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(name="postgres_url")
def postgres_url_fixture() -> Iterator[str]:
    """The test PostgreSQL database, with no tables at all."""
    if not POSTGRES_URL:
        missing("MEASURES_TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL is not None
    _reset_postgres(POSTGRES_URL)
    store.engine_for.cache_clear()
    yield POSTGRES_URL
    store.engine_for(POSTGRES_URL).dispose()
    store.engine_for.cache_clear()
    _reset_postgres(POSTGRES_URL)


@pytest.fixture(name="area")
def area_fixture(seeded_template: Path, tmp_path: Path) -> str:
    """The demo area with a history: uploads, one rolled back, commentary, a target change, a
    Board meeting date and audit events."""
    path = tmp_path / "area.sqlite3"
    copy_database(seeded_template, path)
    url = f"sqlite:///{path}"
    engine = api.engine(url)
    uploads.roll_back(engine, 2, user="ada@council.example", role="admin")
    with store.write_transaction(engine) as conn:
        conn.execute(
            commentary.insert().values(
                indicator_id="ehc_20wk_excl_exceptions", period="2024", version=1,
                text="Every plan had an exception — see the note.", author="ada", created_at=WHEN,
            )
        )  # fmt: skip
        conn.execute(
            target_changes.insert().values(
                indicator_id="ehc_20wk_excl_exceptions", version=1, kind="change", value=90.0,
                target_date=dt.date(2027, 3, 31), trajectory='[["2026", 85.0]]',
                reason="The Board agreed it", changed_by="ada", changed_at=WHEN,
            )
        )  # fmt: skip
        conn.execute(
            meeting_dates.insert().values(
                meeting_date=dt.date(2026, 10, 14), kind="held", recorded_by="ada",
                recorded_at=WHEN,
            )
        )  # fmt: skip
    audit.record(engine, audit.SIGN_IN, "ada@council.example", "Signed in.", role="admin")
    engine.dispose()
    store.engine_for.cache_clear()
    return url


def test_sqlite_to_postgresql_and_back_loses_nothing(
    area: str, postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    before = normalised(area)
    # what the area holds, as set up above: 12 uploads (one rolled back), one of each of the rest
    assert len(before["batches"]) == 12
    status = [c.name for c in metadata.tables["batches"].columns].index("status")
    assert [r[status] for r in before["batches"]].count("rolled_back") == 1
    assert len(before["commentary"]) == len(before["target_changes"]) == 1
    assert len(before["meeting_dates"]) == 1
    assert {e[2] for e in before["audit_events"]} == {"roll_back", "sign_in"}
    assert set(before) == {t.name for t in metadata.sorted_tables} - {"computed_results"}

    first, second = tmp_path / "from-sqlite.zip", tmp_path / "from-postgresql.zip"
    assert cli_on(area, "export-db", "--out", str(first), capsys=capsys)[0] == 0
    code, out, err = cli_on(postgres_url, "import-db", str(first), capsys=capsys)
    assert (code, err) == (0, "")
    assert out.startswith(
        f"Imported {sum(map(len, before.values()))} rows into {len(before)} tables"
    )
    assert normalised(postgres_url) == before

    assert cli_on(postgres_url, "export-db", "--out", str(second), capsys=capsys)[0] == 0
    back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
    assert cli_on(back, "import-db", str(second), capsys=capsys)[0] == 0
    assert normalised(back) == before

    # the same results, and the roll back history carries on: undo the same upload on each
    def results(url: str) -> pl.DataFrame:
        return api.compute(store.engine_for(url), on=dt.date(2026, 11, 27))

    assert results(postgres_url).equals(results(area))
    for url in (area, postgres_url, back):
        uploads.roll_back(store.engine_for(url), 5, user="ada@council.example")
    assert results(back).equals(results(area))
    assert results(postgres_url).equals(results(area))

    # PostgreSQL hands out new ids after the imported ones: a new upload is stored as batch 13
    code, out, _ = cli_on(
        postgres_url, "ingest", "ehc_requests", str(SEED_DIR / "ehc_requests.csv"),
        "--who", "ada", capsys=capsys,
    )  # fmt: skip
    assert code == 0 and "as batch 13" in out


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change(item.filename, zin.read(item.filename)))


@pytest.fixture(name="exported")
def exported_fixture(area: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    out = tmp_path / "area.zip"
    assert cli_on(area, "export-db", "--out", str(out), capsys=capsys)[0] == 0
    return out


def _one_changed_value(name: str, data: bytes) -> bytes:
    # one digit of one stored value changed, as a bad copy might: the checksum no longer agrees
    if name != "tables/data_ehc_requests.jsonl":
        return data
    return data.replace(b'"2024', b'"2023', 1)


def test_a_damaged_archive_is_refused_with_nothing_written(
    exported: Path, tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture
) -> None:
    altered, truncated = tmp_path / "altered.zip", tmp_path / "truncated.zip"
    _rewrite(exported, altered, _one_changed_value)
    truncated.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])

    for archive_file, why in (
        (altered, "the table data_ehc_requests does not match its checksum (51 rows read, 51 "
                  "expected)"),
        (truncated, "it cannot be opened as a ZIP file"),
    ):  # fmt: skip
        code, out, err = cli_on(db_url, "import-db", str(archive_file), capsys=capsys)
        assert code == 2 and out == ""
        text = " ".join(err.split())
        assert text.startswith(f"The archive is damaged or is not a database archive: {why}")
        assert "nothing was written" in text
    # refused before the database was even opened: not one table was created
    with sa.create_engine(db_url).connect() as conn:
        assert not set(sa.inspect(conn).get_table_names()) & {
            t.name for t in metadata.tables.values()
        }


def test_an_archive_from_a_newer_version_is_refused(
    exported: Path, tmp_path: Path, run: Run, engine: Engine
) -> None:
    newer = tmp_path / "newer.zip"

    def ahead(name: str, data: bytes) -> bytes:
        if name != archive.MANIFEST:
            return data
        return json.dumps(json.loads(data) | {"schema_revision": "0999"}).encode()

    _rewrite(exported, newer, ahead)
    code, _, err = run("import-db", str(newer))

    assert code == 2
    text = " ".join(err.split())
    assert text.startswith(
        "The archive was exported by a newer version of the dashboard (schema revision '0999'; "
        f"this version knows up to '{archive.head_revision()}')."
    )
    with engine.connect() as conn:
        assert all(rows == [] for rows in store.table_digest(conn).values())


def test_a_database_that_holds_data_is_refused(
    exported: Path, area: str, capsys: pytest.CaptureFixture
) -> None:
    before = normalised(area)
    code, _, err = cli_on(area, "import-db", str(exported), capsys=capsys)

    assert code == 2
    text = " ".join(err.split())
    assert text.startswith(
        "The database to import into already holds data: audit_events (2 rows), batches (12 "
        "rows), commentary (1 row), meeting_dates (1 row), target_changes (1 row), "
    )
    assert normalised(area) == before


def test_every_column_of_the_schema_is_carried_faithfully() -> None:
    # a table added later (by any issue) is archived without a change to archive.py, as long
    # as its columns are of a type the archive carries exactly
    columns = [c for t in archive.archived_tables() for c in t.columns]
    assert len(columns) > 100
    assert [f"{c.table.name}.{c.name}" for c in columns if not archive.carried(c)] == []
    assert {t.name for t in archive.archived_tables()} == (
        {t.name for t in metadata.sorted_tables} - {"computed_results"}
    )
