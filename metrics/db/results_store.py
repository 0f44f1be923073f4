"""Reads and writes of the stored results (`metrics.results_cache`): a cache, so rows are
replaced and deleted freely, and a write that cannot happen at once is simply not made."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from metrics.db.store import BUSY_TIMEOUT_MS
from metrics.db.tables import computed_results

KEEP = 20  # stored result sets kept: today's and recent meetings', with room for a few versions
WAIT_MS = 200  # how long a page waits for SQLite's write lock before giving up storing


def read(conn: Connection, data_key: str, judged_on: dt.date) -> pl.DataFrame | None:
    """The results stored for this data and day, or None."""
    blob = conn.execute(
        sa.select(computed_results.c.results).where(
            computed_results.c.data_key == data_key, computed_results.c.judged_on == judged_on
        )
    ).scalar()
    return None if blob is None else pl.read_ipc(io.BytesIO(blob))


def write(
    engine: Engine, data_key: str, judged_on: dt.date, results: pl.DataFrame, seconds: float
) -> bool:
    """Store a result set unless one is stored already or the database is busy; keep the newest
    `KEEP`. True when it was stored.

    An upload holds the write lock for as long as it takes to store its rows, and a page must not
    wait that long to save something it can work out again: on SQLite the wait is cut short, and
    on PostgreSQL no lock is taken. Two processes storing the same key at once is not an error.
    """
    buffer = io.BytesIO()
    results.write_ipc(buffer, compression="zstd")
    row = {
        "data_key": data_key,
        "judged_on": judged_on,
        "computed_at": dt.datetime.now(dt.UTC),
        "seconds": seconds,
        "row_count": results.height,
        "results": buffer.getvalue(),
    }
    with engine.connect() as conn:
        # set on the driver's connection: a statement through SQLAlchemy would begin a transaction
        driver = conn.connection.driver_connection
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            driver.execute(f"PRAGMA busy_timeout={WAIT_MS}")  # type: ignore[union-attr]
        try:
            with conn.begin():
                exists = conn.execute(
                    sa.select(computed_results.c.id).where(
                        computed_results.c.data_key == data_key,
                        computed_results.c.judged_on == judged_on,
                    )
                ).first()
                if exists:
                    return False
                conn.execute(computed_results.insert().values(**row))
                _prune(conn)
            return True
        except (sa.exc.OperationalError, sa.exc.IntegrityError):
            # busy (SQLite), or the same key stored by another process in the meantime
            return False
        finally:
            if sqlite:
                driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # type: ignore[union-attr]


def _prune(conn: Connection) -> None:
    newest = sa.select(computed_results.c.id).order_by(computed_results.c.id.desc()).limit(KEEP)
    conn.execute(computed_results.delete().where(computed_results.c.id.not_in(newest)))


def count(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(computed_results)).scalar_one()
