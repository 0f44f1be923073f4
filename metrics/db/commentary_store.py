"""Reads and writes of the commentary table: appended versions, never updated or deleted."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from metrics.db import versions
from metrics.db.tables import commentary

SCHEMA: dict[str, pl.DataType] = {
    "indicator_id": pl.String(),
    "period": pl.String(),
    "version": pl.Int64(),
    "text": pl.String(),
    "author": pl.String(),
    "created_at": pl.Datetime(time_zone="UTC"),
}
_COLUMNS = [commentary.c[name] for name in SCHEMA]


def _frame(rows: list[sa.Row]) -> pl.DataFrame:
    return versions.utc_frame(rows, SCHEMA)


def append(
    conn: Connection, indicator_id: str, period: str, text: str, author: str, at: dt.datetime
) -> int:
    """Add the next version for an indicator and period; run it inside
    `store.write_transaction` (see `versions.append_next`). Returns the version."""
    return versions.append_next(
        conn,
        commentary,
        {"indicator_id": indicator_id, "period": period},
        text=text,
        author=author,
        created_at=at,
    )


def latest(conn: Connection, indicator_id: str | None = None) -> pl.DataFrame:
    """The newest version for each indicator and period (one indicator's, if given)."""
    query = versions.newest(commentary, ["indicator_id", "period"], _COLUMNS)
    if indicator_id is not None:
        query = query.where(commentary.c.indicator_id == indicator_id)
    return _frame(list(conn.execute(query).all()))


def history(conn: Connection, indicator_id: str, period: str) -> pl.DataFrame:
    """Every version for an indicator and period, newest first."""
    query = (
        sa.select(*_COLUMNS)
        .where(commentary.c.indicator_id == indicator_id, commentary.c.period == period)
        .order_by(commentary.c.version.desc())
    )
    return _frame(list(conn.execute(query).all()))
