"""Engine, migrations, and every read and write of stored data."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from metrics import datasets
from metrics.datasets import ColumnType
from metrics.db.tables import DATA_TABLES, batches, metadata

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
INSERT_CHUNK = 5_000  # rows per driver call: bounds the memory a large upload takes
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another's lock


@cache
def engine_for(url: str) -> Engine:
    """One engine per database URL; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            # Autocommit off in the driver: SQLAlchemy issues BEGIN itself (see _begin_write).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # BEGIN IMMEDIATE takes the write lock up front, so two uploads queue, never interleave.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


@cache
def head_revision() -> str | None:
    """The newest migration: the one no other migration follows (None if that is unclear)."""
    revisions, followed = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if found := re.search(r'^revision\s*=\s*"([^"]+)"', text, re.MULTILINE):
            revisions.add(found.group(1))
        if found := re.search(r'^down_revision\s*=\s*"([^"]+)"', text, re.MULTILINE):
            followed.add(found.group(1))
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """The database is migrated to the newest migration already."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            stamped = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
            return list(stamped) == [head]
    except sa.exc.DBAPIError:  # no alembic_version table yet: a new database
        return False


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creates it on first use). A database at the
    newest one already is left alone without loading Alembic, which a command's start would
    otherwise pay for."""
    if at_head(engine):
        return
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def ready_engine(url: str) -> Engine:
    """An engine whose database exists and is migrated."""
    engine = engine_for(url)
    migrate(engine)
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that no other writer can interleave with."""
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                yield conn
        finally:
            conn.info.pop("write", None)


_LOCK_KEY = zlib.crc32(b"measures-of-success-writes")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class BatchMeta:
    dataset: str
    uploaded_by: str
    file_name: str
    sha256: str
    note: str = ""
    stored_with: int | None = None  # the first batch of the same import: rolled back together


@dataclass(frozen=True)
class WriteResult:
    batch_id: int
    rows_added: int
    rows_superseded: int
    periods: list[str]
    superseded_batches: list[int]


def _period_list(frame: pl.DataFrame) -> list[str]:
    return sorted(frame.get_column("period_key").unique().to_list())


def write_batch(
    conn: Connection, meta: BatchMeta, frame: pl.DataFrame, *, fail_after_rows: int | None = None
) -> WriteResult:
    """Store validated rows as a new batch; earlier rows in the same periods are superseded.

    `frame` has the dataset's columns (typed), `row_number` and `period_key`. Run inside
    `write_transaction`. `fail_after_rows` exists only so tests can prove a crash mid-write
    leaves nothing behind.
    """
    table = DATA_TABLES[meta.dataset]
    periods = _period_list(frame)
    stamp = now_utc()
    batch_id = conn.execute(
        batches.insert().values(
            dataset=meta.dataset,
            uploaded_by=meta.uploaded_by,
            uploaded_at=stamp,
            file_name=meta.file_name,
            sha256=meta.sha256,
            row_count=frame.height,
            periods=json.dumps(periods),
            status="active",
            status_changed_at=stamp,
            status_changed_by=meta.uploaded_by,
            note=meta.note,
            stored_with=meta.stored_with,
        )
    ).inserted_primary_key[0]

    active_batch_ids = sa.select(batches.c.id).where(batches.c.status == "active")
    superseded_from = conn.execute(
        sa.select(table.c.batch_id)
        .where(table.c.period_key.in_(periods), table.c.superseded_by.is_(None))
        .where(table.c.batch_id.in_(active_batch_ids), table.c.batch_id != batch_id)
        .distinct()
    ).scalars()
    superseded_from = sorted(superseded_from)
    rows_superseded = conn.execute(
        table.update()
        .where(table.c.period_key.in_(periods), table.c.superseded_by.is_(None))
        .where(table.c.batch_id.in_(superseded_from))
        .values(superseded_by=batch_id)
    ).rowcount

    columns = [c.name for c in table.columns if c.name not in ("id", "superseded_by")]
    rows = frame.with_columns(batch_id=pl.lit(batch_id, dtype=pl.Int64)).select(columns)
    _insert_rows(conn, table, rows, fail_after_rows)

    _refresh_statuses(conn, meta.dataset, superseded_from, meta.uploaded_by)
    return WriteResult(batch_id, rows.height, rows_superseded, periods, superseded_from)


def _insert_rows(
    conn: Connection, table: sa.Table, rows: pl.DataFrame, fail_after_rows: int | None
) -> None:
    """Insert a frame's rows, a chunk at a time, straight through the database driver.

    SQLAlchemy's per-row parameter handling costs far more than the database's own work for a
    large upload, so the rows go to the driver as plain tuples (SQLite: dates as the ISO text
    SQLAlchemy itself stores) or, for PostgreSQL, as CSV through COPY.
    """
    prep = conn.dialect.identifier_preparer
    names = ", ".join(prep.quote(c) for c in rows.columns)
    if conn.dialect.name == "postgresql":
        copy_sql = f"COPY {prep.format_table(table)} ({names}) FROM STDIN (FORMAT csv)"
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    else:
        marks = ", ".join("?" if conn.dialect.paramstyle == "qmark" else "%s" for _ in rows.columns)
        insert_sql = f"INSERT INTO {prep.format_table(table)} ({names}) VALUES ({marks})"
        rows = rows.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    for start in range(0, rows.height, INSERT_CHUNK):
        if fail_after_rows is not None and start >= fail_after_rows:
            raise RuntimeError("injected failure during write (test only)")
        chunk = rows.slice(start, INSERT_CHUNK)
        if conn.dialect.name == "postgresql":
            with cursor.copy(copy_sql) as copy:
                copy.write(chunk.write_csv(include_header=False, null_value=""))
        else:
            conn.exec_driver_sql(insert_sql, chunk.rows())
    if fail_after_rows is not None:
        raise RuntimeError("injected failure during write (test only)")


def _refresh_statuses(conn: Connection, dataset: str, batch_ids: list[int], by: str) -> None:
    """A batch none of whose rows is current any more is 'superseded'; otherwise 'active'."""
    if not batch_ids:
        return
    table = DATA_TABLES[dataset]
    live = (
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.batch_id == batches.c.id, table.c.superseded_by.is_(None))
        .scalar_subquery()
    )
    stamp = now_utc()
    for status, cond in (("superseded", live == 0), ("active", live > 0)):
        conn.execute(
            batches.update()
            .where(batches.c.id.in_(batch_ids), batches.c.status != "rolled_back")
            .where(batches.c.status != status, cond)
            .values(status=status, status_changed_at=stamp, status_changed_by=by)
        )


class RollbackError(ValueError):
    """A roll back that cannot be done, with the reason in plain English."""


def rolled_back_with(conn: Connection, batch_id: int) -> dict[int, str]:
    """The batches one import stored with this one (a SEN2 return's requests and plans) that
    still count, each with its dataset: rolling this one back rolls them back too."""
    first = conn.execute(
        sa.select(sa.func.coalesce(batches.c.stored_with, batches.c.id)).where(
            batches.c.id == batch_id
        )
    ).scalar()
    if first is None:
        return {}
    return dict(
        conn.execute(
            sa.select(batches.c.id, batches.c.dataset)
            .where((batches.c.id == first) | (batches.c.stored_with == first))
            .where(batches.c.id != batch_id, batches.c.status != "rolled_back")
            .order_by(batches.c.id)
        ).all()
    )


def rollback(conn: Connection, batch_id: int, by: str) -> list[int]:
    """Undo a batch, with the batches stored with it (`rolled_back_with`): their rows stop
    counting, and what they superseded comes back.

    Rows that a batch superseded return to the state they would have had without it: current
    again, or superseded by whichever later batch replaced the rolled-back rows.
    Returns the ids of batches whose rows came back.
    """
    row = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).mappings().first()
    if row is None:
        raise RollbackError(f"There is no batch {batch_id}.")
    if row["status"] == "rolled_back":
        raise RollbackError(f"Batch {batch_id} has already been rolled back.")
    members = {batch_id: row["dataset"], **rolled_back_with(conn, batch_id)}
    restored = [b for member, ds in members.items() for b in _rollback_one(conn, member, ds, by)]
    return sorted(set(restored))


def _rollback_one(conn: Connection, batch_id: int, dataset: str, by: str) -> list[int]:
    table = DATA_TABLES[dataset]
    # For each period, who (if anyone) replaced this batch's rows there.
    successors = dict(
        conn.execute(
            sa.select(table.c.period_key, sa.func.max(table.c.superseded_by))
            .where(table.c.batch_id == batch_id)
            .group_by(table.c.period_key)
        ).all()
    )
    restored = sorted(
        conn.execute(
            sa.select(table.c.batch_id).where(table.c.superseded_by == batch_id).distinct()
        ).scalars()
    )
    for period, successor in successors.items():
        conn.execute(
            table.update()
            .where(table.c.superseded_by == batch_id, table.c.period_key == period)
            .values(superseded_by=successor)
        )
    conn.execute(
        batches.update()
        .where(batches.c.id == batch_id)
        .values(status="rolled_back", status_changed_at=now_utc(), status_changed_by=by)
    )
    _refresh_statuses(conn, dataset, restored, by)
    return restored


@dataclass(frozen=True)
class RollbackEffect:
    """What rolling back a batch would do, read before anything is written."""

    batch_id: int
    dataset: str
    status: str
    rows_removed: int  # the rows that count now and would stop counting (`together`'s too)
    restored: pl.DataFrame  # batch_id, rows: earlier rows that would count again, per batch
    together: tuple[int, ...] = ()  # the batches stored with it, rolled back with it


def rollback_effect(conn: Connection, batch_id: int) -> RollbackEffect:
    """The rows a roll back takes away and the earlier rows it brings back, as `rollback` does,
    for the batch and the batches stored with it.

    Rows a batch superseded come back only in periods where the batch's own rows are still
    current; where a later batch replaced them, that later batch keeps its place.
    """
    row = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).mappings().first()
    if row is None:
        raise RollbackError(f"There is no batch {batch_id}.")
    schema = {"batch_id": pl.Int64(), "rows": pl.Int64()}
    if row["status"] == "rolled_back":
        return RollbackEffect(
            batch_id, row["dataset"], row["status"], 0, pl.DataFrame(schema=schema)
        )
    together = rolled_back_with(conn, batch_id)
    removed, restored = 0, []
    for member, dataset in {batch_id: row["dataset"], **together}.items():
        table = DATA_TABLES[dataset]
        current = (table.c.batch_id == member) & table.c.superseded_by.is_(None)
        removed += (
            conn.execute(sa.select(sa.func.count()).select_from(table).where(current)).scalar() or 0
        )
        live_periods = sa.select(table.c.period_key).where(current).distinct()
        restored += conn.execute(
            sa.select(table.c.batch_id, sa.func.count())
            .join(batches, batches.c.id == table.c.batch_id)
            .where(table.c.superseded_by == member, table.c.period_key.in_(live_periods))
            .where(batches.c.status != "rolled_back")
            .group_by(table.c.batch_id)
        ).all()
    return RollbackEffect(
        batch_id=batch_id,
        dataset=row["dataset"],
        status=row["status"],
        rows_removed=int(removed),
        restored=pl.DataFrame(restored, schema=schema, orient="row").sort("batch_id"),
        together=tuple(together),
    )


def _polars_type(col: datasets.Column) -> pl.DataType:
    match col.type:
        case ColumnType.date:
            return pl.Date()
        case ColumnType.integer:
            return pl.Int64()
        case ColumnType.number:
            return pl.Float64()
        case _:
            return pl.String()


def polars_schema(dataset: str) -> dict[str, pl.DataType]:
    ds = datasets.get(dataset)
    return {c.name: _polars_type(c) for c in ds.columns}


def current_at(table: sa.Table, at: dt.datetime) -> sa.ColumnElement[bool]:
    """Which rows of a dataset table counted at a moment in the past (UTC).

    Nothing is ever deleted, so this follows from what is stored. A batch counted at `at` when
    it had been uploaded by then and not yet rolled back (a rolled-back batch keeps the time of
    its roll back, and is never changed again). `write_batch` supersedes every current row in
    the periods a new batch covers, and `rollback` brings back what a batch superseded, so in
    each period the rows that counted are those of the newest batch that counted and holds
    rows in that period. (`superseded_by` cannot be used: a roll back rewrites it.)
    """
    counted = sa.select(batches.c.id).where(
        batches.c.uploaded_at <= at,
        sa.or_(batches.c.status != "rolled_back", batches.c.status_changed_at > at),
    )
    newest = (
        sa.select(table.c.period_key, sa.func.max(table.c.batch_id))
        .where(table.c.batch_id.in_(counted))
        .group_by(table.c.period_key)
    )
    return sa.tuple_(table.c.period_key, table.c.batch_id).in_(newest)


def read_active(
    conn: Connection,
    dataset: str,
    columns: list[str] | None = None,
    *,
    as_of: dt.datetime | None = None,
) -> pl.DataFrame:
    """The current rows of a dataset: in an active batch and not superseded, in upload order.

    `columns` picks the columns to read (dataset columns, and batch_id, row_number or
    period_key when asked for); reading only the columns a calculation needs is much quicker
    for a large dataset. `as_of` (UTC) reads the rows that were current at that moment instead
    (`current_at`).
    """
    table = DATA_TABLES[dataset]
    schema = {"batch_id": pl.Int64(), "row_number": pl.Int64(), "period_key": pl.String()}
    schema |= polars_schema(dataset)
    wanted = list(schema) if columns is None else list(columns)
    wanted_schema = {c: schema[c] for c in wanted}
    current = sa.and_(
        table.c.superseded_by.is_(None),
        table.c.batch_id.in_(sa.select(batches.c.id).where(batches.c.status != "rolled_back")),
    )
    if as_of is not None:
        current = current_at(table, as_of)
    if conn.dialect.name == "sqlite":
        return _read_sqlite(conn, table, current, wanted_schema)
    if conn.dialect.name == "postgresql":
        return _read_postgresql(conn, table, current, wanted_schema)
    rows = conn.execute(
        sa.select(*(table.c[c] for c in wanted)).where(current).order_by(table.c.id)
    ).all()
    return pl.DataFrame(rows, schema=wanted_schema, orient="row")


# Reading a large dataset row by row costs a Python object per cell, many times the database's
# own work; these two read whole columns at once instead, and polars parses them.


READ_CHUNK = 200_000  # rows read at once from SQLite: bounds the memory a large read takes


def _read_sqlite(
    conn: Connection, table: sa.Table, current: sa.ColumnElement[bool], schema: dict
) -> pl.DataFrame:
    """SQLite writes each column as one JSON array (in C), which polars decodes.

    The rows are read in ranges of their ids, so that only one range's text is held at a
    time. Numbers are written as text with 17 significant digits, so they come back exactly.
    """
    arrays = []
    for c in ["id", *schema]:
        col = table.c[c]
        if schema.get(c) == pl.Float64():
            col = sa.case((col.is_(None), None), else_=sa.func.printf("%!.17g", col))
        arrays.append(sa.func.json_group_array(col))

    def column(name: str, dtype: pl.DataType) -> pl.Expr:
        as_json = dtype if dtype in (pl.Int64(), pl.String()) else pl.String()
        cells = pl.col(name).str.json_decode(pl.List(as_json)).explode()
        if dtype == pl.Date():
            # SQLAlchemy stores a date in SQLite as ISO text, yyyy-mm-dd
            return cells.str.to_date("%Y-%m-%d")
        return cells.cast(dtype)

    names = {"id": pl.Int64(), **schema}
    first, last = conn.execute(sa.select(sa.func.min(table.c.id), sa.func.max(table.c.id))).one()
    parts = []
    for start in range(first or 0, (last or -1) + 1, READ_CHUNK):
        in_range = (table.c.id >= start) & (table.c.id < start + READ_CHUNK)
        found = conn.execute(sa.select(sa.func.count(), *arrays).where(in_range, current)).one()
        if found[0]:
            joined = pl.DataFrame([[text] for text in found[1:]], schema=list(names), orient="col")
            parts.append(joined.select(column(c, t).alias(c) for c, t in names.items()))
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).sort("id").drop("id")


def _read_postgresql(
    conn: Connection, table: sa.Table, current: sa.ColumnElement[bool], schema: dict
) -> pl.DataFrame:
    """PostgreSQL writes the rows as CSV through COPY, which polars reads."""
    query = sa.select(*(table.c[c] for c in schema)).where(current).order_by(table.c.id)
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    buffer = bytearray()
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buffer += block
    if not buffer:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(bytes(buffer), has_header=False, new_columns=list(schema), schema=schema)


def active_row_counts(conn: Connection) -> dict[str, int]:
    """Rows stored in the batches that count, per dataset (superseded rows included): a cheap
    guide to how large each dataset is."""
    rows = conn.execute(
        sa.select(batches.c.dataset, sa.func.sum(batches.c.row_count))
        .where(batches.c.status == "active")
        .group_by(batches.c.dataset)
    ).all()
    return {dataset: int(total or 0) for dataset, total in rows}


def read_batches(conn: Connection) -> pl.DataFrame:
    rows = conn.execute(sa.select(batches).order_by(batches.c.id)).mappings().all()
    schema = {
        "id": pl.Int64(),
        "dataset": pl.String(),
        "uploaded_by": pl.String(),
        "uploaded_at": pl.Datetime(time_zone="UTC"),
        "file_name": pl.String(),
        "sha256": pl.String(),
        "row_count": pl.Int64(),
        "periods": pl.String(),
        "status": pl.String(),
        "status_changed_at": pl.Datetime(time_zone="UTC"),
        "status_changed_by": pl.String(),
        "note": pl.String(),
        "stored_with": pl.Int64(),
    }
    data = [
        {
            k: (v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v)
            for k, v in r.items()
        }
        for r in rows
    ]
    return pl.DataFrame(data, schema=schema, orient="row")


def active_batch_with_hash(conn: Connection, dataset: str, sha256: str) -> int | None:
    return conn.execute(
        sa.select(batches.c.id).where(
            batches.c.dataset == dataset, batches.c.sha256 == sha256, batches.c.status == "active"
        )
    ).scalar()


def data_version(conn: Connection) -> str:
    """Changes whenever stored data changes (an upload, a roll back)."""
    count, last_id, last_change = conn.execute(
        sa.select(
            sa.func.count(batches.c.id),
            sa.func.max(batches.c.id),
            sa.func.max(batches.c.status_changed_at),
        )
    ).one()
    return f"{count}:{last_id}:{last_change}"


def table_digest(conn: Connection) -> dict[str, list[tuple]]:
    """Every row of every table, for tests that prove nothing changed (the stored results are
    left out: a cache, which any page view may fill)."""
    out: dict[str, list[tuple]] = {}
    for table in metadata.sorted_tables:
        if table.name == "computed_results":
            continue
        out[table.name] = [
            tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
    return out


def latest_value(conn: Connection, dataset: str, column: str) -> object:
    """The largest value of a column among a dataset's current rows (e.g. its latest date)."""
    table = DATA_TABLES[dataset]
    return conn.execute(
        sa.select(sa.func.max(table.c[column]))
        .join(batches, batches.c.id == table.c.batch_id)
        .where(batches.c.status != "rolled_back", table.c.superseded_by.is_(None))
    ).scalar()
