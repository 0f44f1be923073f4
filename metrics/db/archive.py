"""One portable archive of the whole database, to move an area between SQLite and PostgreSQL.

`export_archive` writes every table the schema has (`metadata.sorted_tables`, so a table added
later is included without a change here), except the results cache, to one ZIP file: a
manifest (format, schema revision, and per table its columns, row count and SHA-256) and one
JSON Lines file per table, each line one row as a JSON array in the manifest's column order.
Dates and times are written as ISO 8601 text (times in UTC), binary values as base64.

`import_archive` checks the whole archive first (every checksum and row), then the target
(migrated to this version, and empty), and only then writes every row in one transaction:
a damaged archive, a newer schema or a non-empty database is refused with nothing written.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from metrics.db import store
from metrics.db.tables import metadata

FORMAT = "measures-of-success database archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# A cache worked out again from the rest (metrics/results_cache.py): not worth moving.
LEFT_OUT = frozenset({"computed_results"})
CHUNK = 5_000  # rows per read and per insert: bounds the memory a large database takes


class ArchiveRefused(Exception):
    """The archive or the target database cannot be used; nothing was written."""

    def __init__(self, kind: str, message: str, fix: str) -> None:
        super().__init__(message)
        self.kind, self.message, self.fix = kind, message, fix


@dataclass(frozen=True)
class TableEntry:
    name: str
    columns: list[str]
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    schema_revision: str
    created_at: str
    source_dialect: str
    tables: list[TableEntry]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "source_dialect": self.source_dialect,
            "left_out": sorted(LEFT_OUT),
            "tables": [e.__dict__ for e in self.tables],
        }

    @property
    def total_rows(self) -> int:
        return sum(e.rows for e in self.tables)


def archived_tables() -> list[sa.Table]:
    """Every table of the schema except the cache, parents before children."""
    return [t for t in metadata.sorted_tables if t.name not in LEFT_OUT]


# ---------------------------------------------------------------------------------------------
# Schema revisions
# ---------------------------------------------------------------------------------------------


@cache
def _scripts() -> ScriptDirectory:
    cfg = store.alembic_config(sa.create_engine("sqlite://"))
    return ScriptDirectory.from_config(cfg)


def head_revision() -> str:
    """The newest schema revision this version of the code knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in _scripts().walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    """The database's schema revision; None when it has never been migrated."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


# ---------------------------------------------------------------------------------------------
# Values to JSON and back, by the column's type
# ---------------------------------------------------------------------------------------------


# The column types an archive carries faithfully; a table with any other type is refused at
# export (tests/test_archive.py checks the whole schema), rather than written approximately.
CARRIED = (sa.DateTime, sa.Date, sa.Time, sa.LargeBinary, sa.Float, sa.Numeric, sa.Integer,
           sa.Boolean, sa.String, sa.JSON, sa.Uuid)  # fmt: skip


def carried(column: sa.Column) -> bool:
    return isinstance(column.type, CARRIED)


def _encoder(column: sa.Column) -> Callable[[Any], Any]:
    kind = column.type
    if not carried(column):
        raise TypeError(f"{column.table.name}.{column.name}: the archive cannot carry {kind!r}")
    if isinstance(kind, sa.DateTime):

        def when(v: Any) -> Any:
            if v is None:
                return None
            # SQLite gives back naive times; the app only ever writes UTC
            moment = v if v.tzinfo else v.replace(tzinfo=dt.UTC)
            return moment.astimezone(dt.UTC).isoformat()

        return when
    if isinstance(kind, sa.Date | sa.Time):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(kind, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return lambda v: None if v is None else str(v)  # a Decimal, exactly
    if isinstance(kind, sa.Uuid):
        return lambda v: None if v is None else str(v)
    return _same


def _same(value: Any) -> Any:
    return value


def _decoder(column: sa.Column) -> Callable[[Any], Any]:
    """JSON value -> Python value; numbers, text, booleans and JSON come back as they are."""
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return lambda v: None if v is None else dt.datetime.fromisoformat(v)
    if isinstance(kind, sa.Date):
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if isinstance(kind, sa.Time):
        return lambda v: None if v is None else dt.time.fromisoformat(v)
    if isinstance(kind, sa.LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v, validate=True)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return lambda v: None if v is None else Decimal(v)
    if isinstance(kind, sa.Uuid):
        return lambda v: None if v is None else uuid.UUID(v)
    return _same


def _member(name: str) -> str:
    return f"tables/{name}.jsonl"


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def _write_table(conn: Connection, table: sa.Table, out: IO[bytes]) -> tuple[int, str]:
    encoders = [(i, _encoder(c)) for i, c in enumerate(table.columns)]
    encoders = [(i, enc) for i, enc in encoders if enc is not _same]  # only the columns to convert
    digest = hashlib.sha256()
    rows = 0
    query = sa.select(*table.columns).order_by(*table.primary_key.columns)
    result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(query)
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def encoded(row: Sequence[Any]) -> str:
        values = list(row)
        for i, enc in encoders:
            values[i] = enc(values[i])
        return dumps(values)

    for part in result.partitions(CHUNK):
        lines = "".join(encoded(row) + "\n" for row in part).encode("utf-8")
        digest.update(lines)
        out.write(lines)
        rows += len(part)
    return rows, digest.hexdigest()


def _export(engine: Engine, out: Path) -> Manifest:
    partial = out.with_name(out.name + ".partial")
    entries: list[TableEntry] = []
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        revision = current_revision(conn)
        if revision is None:
            raise ArchiveRefused(
                "not_migrated",
                "The database to export has no tables yet.",
                "export from the database that holds the area's data.",
            )
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for table in archived_tables():
                with zf.open(_member(table.name), "w", force_zip64=True) as member:
                    rows, sha = _write_table(conn, table, member)
                entries.append(TableEntry(table.name, [c.name for c in table.columns], rows, sha))
            manifest = Manifest(
                schema_revision=revision,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                source_dialect=engine.dialect.name,
                tables=entries,
            )
            zf.writestr(MANIFEST, json.dumps(manifest.to_dict(), indent=2))
    os.replace(partial, out)  # a reader never sees half an archive
    return manifest


def export_archive(engine: Engine, out: Path) -> Manifest:
    """Write every table (but the cache) to `out`, from one consistent view of the database;
    if it fails, no file is left behind."""
    try:
        return _export(engine, out)
    except BaseException:
        out.with_name(out.name + ".partial").unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _damaged(why: str) -> ArchiveRefused:
    return ArchiveRefused(
        "archive_damaged",
        f"The archive is damaged or is not a database archive: {why}.",
        "export it again from the source database (`python -m metrics export-db --out FILE`) "
        "and copy it whole (in binary mode); nothing was written.",
    )


def _read_manifest(zf: zipfile.ZipFile) -> Manifest:
    try:
        raw = json.loads(zf.read(MANIFEST))
    except KeyError as err:
        raise _damaged(f"it has no {MANIFEST}") from err
    except (ValueError, zipfile.BadZipFile) as err:
        raise _damaged(f"its {MANIFEST} cannot be read ({err})") from err
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _damaged("its manifest is not one this program writes")
    if raw.get("format_version") != FORMAT_VERSION:
        raise ArchiveRefused(
            "archive_newer",
            f"The archive was written in format {raw.get('format_version')!r}, which this "
            f"version of the dashboard (format {FORMAT_VERSION}) cannot read.",
            "import it with the version of the dashboard that wrote it, or a newer one.",
        )
    try:
        tables = [TableEntry(**t) for t in raw["tables"]]
        return Manifest(
            str(raw["schema_revision"]), str(raw["created_at"]), str(raw["source_dialect"]), tables
        )
    except (KeyError, TypeError) as err:
        raise _damaged(f"its manifest is incomplete ({err})") from err


def _lines(zf: zipfile.ZipFile, entry: TableEntry) -> Iterator[bytes]:
    with zf.open(_member(entry.name)) as member:
        yield from member


def _check_schema(manifest: Manifest) -> None:
    here = head_revision()
    if manifest.schema_revision == here:
        return
    if manifest.schema_revision not in known_revisions():
        raise ArchiveRefused(
            "archive_newer",
            f"The archive was exported by a newer version of the dashboard (schema revision "
            f"{manifest.schema_revision!r}; this version knows up to {here!r}).",
            "install that newer version here first, then import the archive; nothing was written.",
        )
    raise ArchiveRefused(
        "archive_older",
        f"The archive was exported by an older version of the dashboard (schema revision "
        f"{manifest.schema_revision!r}; this version is at {here!r}).",
        "upgrade the source database first (run `python -m metrics batches` against it with "
        "this version, which applies the migrations), export it again and import that; "
        "nothing was written.",
    )


def verify(path: Path) -> Manifest:
    """Check the whole archive without touching any database: the manifest, the schema
    revision, and every table's rows against its row count and checksum."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise _damaged(f"it cannot be opened as a ZIP file ({err})") from err
    with zf:
        manifest = _read_manifest(zf)
        _check_schema(manifest)
        expected = {t.name: [c.name for c in t.columns] for t in archived_tables()}
        listed = {e.name: e for e in manifest.tables}
        if set(listed) != set(expected):
            gone = sorted(set(expected) - set(listed)) + sorted(set(listed) - set(expected))
            raise _damaged(f"its tables do not match its schema revision ({', '.join(gone)})")
        for entry in manifest.tables:
            if entry.columns != expected[entry.name]:
                raise _damaged(f"the columns of {entry.name} do not match its schema revision")
            digest, rows = hashlib.sha256(), 0
            try:
                for line in _lines(zf, entry):
                    digest.update(line)
                    values = json.loads(line)
                    if not isinstance(values, list) or len(values) != len(entry.columns):
                        raise _damaged(f"row {rows + 1} of {entry.name} is malformed")
                    rows += 1
            except KeyError as err:
                raise _damaged(f"the table {entry.name} is missing") from err
            except (zipfile.BadZipFile, ValueError, EOFError, OSError) as err:
                raise _damaged(f"the table {entry.name} cannot be read ({err})") from err
            if rows != entry.rows or digest.hexdigest() != entry.sha256:
                raise _damaged(
                    f"the table {entry.name} does not match its checksum "
                    f"({rows} rows read, {entry.rows} expected)"
                )
    return manifest


def _check_empty(conn: Connection) -> None:
    held = {}
    for table in archived_tables():
        count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if count:
            held[table.name] = count
    if held:
        listed = ", ".join(
            f"{name} ({count:,} row{'' if count == 1 else 's'})" for name, count in held.items()
        )
        raise ArchiveRefused(
            "target_not_empty",
            f"The database to import into already holds data: {listed}.",
            "import into a new, empty database (create one and point MEASURES_DATABASE_URL or "
            "--database at it); an import never mixes with or replaces data. Nothing was "
            "written.",
        )


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids imported, so new rows get new ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in archived_tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        name, column = table.name, pk[0].name
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence(:t, :c), "
                f"COALESCE((SELECT MAX({column}) FROM {name}), 1), "
                f"(SELECT MAX({column}) FROM {name}) IS NOT NULL)"
            ),
            {"t": name, "c": column},
        )


def _to_driver(column: sa.Column, dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    """JSON value -> what the driver is handed for this column: decoded, then through the
    column type's own bind processing, exactly as SQLAlchemy would store it; None when the
    JSON value is already that."""
    decode = _decoder(column)
    bind = column.type.dialect_impl(dialect).bind_processor(dialect)
    if bind is None:
        return None if decode is _same else decode
    return lambda v: bind(decode(v))


def _insert_table(
    conn: Connection, table: sa.Table, entry: TableEntry, lines: Iterator[bytes]
) -> None:
    """Insert an archived table's rows, a chunk at a time, straight through the driver
    (SQLAlchemy's per-row parameter handling costs more than the database's own work)."""
    dialect = conn.dialect
    convert = [(i, _to_driver(table.c[c], dialect)) for i, c in enumerate(entry.columns)]
    convert = [(i, f) for i, f in convert if f is not None]
    prep = dialect.identifier_preparer
    names = ", ".join(prep.quote(c) for c in entry.columns)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {prep.format_table(table)} ({names}) "
        f"VALUES ({', '.join(mark for _ in entry.columns)})"
    )
    loads = json.JSONDecoder().decode
    if dialect.name == "postgresql":  # COPY: the fastest way in, inside the same transaction
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {prep.format_table(table)} ({names}) FROM STDIN") as copy:
            for line in lines:
                values = loads(line.decode("utf-8"))
                for i, f in convert:
                    values[i] = f(values[i])
                copy.write_row(values)
        return
    chunk: list[list[Any]] = []
    for line in lines:
        values = loads(line.decode("utf-8"))
        for i, f in convert:
            values[i] = f(values[i])
        chunk.append(values)
        if len(chunk) >= CHUNK:
            conn.exec_driver_sql(sql, [tuple(v) for v in chunk])
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, [tuple(v) for v in chunk])


def import_archive(engine: Engine, path: Path, verified: Manifest | None = None) -> Manifest:
    """Load an archive into an empty database (SQLite or PostgreSQL) migrated to this version.

    Everything is checked before anything is written (`verified`: `verify` has already read the
    archive), and every row is written in one transaction, so a refusal or a failure leaves the
    database as it was.
    """
    manifest = verified or verify(path)
    by_name = {t.name: t for t in archived_tables()}
    with zipfile.ZipFile(path) as zf, store.write_transaction(engine) as conn:
        revision = current_revision(conn)
        if revision != manifest.schema_revision:
            raise ArchiveRefused(
                "target_schema",
                f"The database to import into is at schema revision {revision!r}, the archive "
                f"at {manifest.schema_revision!r}.",
                "import into a new, empty database used by this same version; nothing was written.",
            )
        _check_empty(conn)
        for name in LEFT_OUT:
            conn.execute(metadata.tables[name].delete())  # a cache of the empty database
        for entry in manifest.tables:  # in the order written: parents before children
            _insert_table(conn, by_name[entry.name], entry, _lines(zf, entry))
        _reset_sequences(conn)
    return manifest
