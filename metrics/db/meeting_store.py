"""Reads and writes of the Board's meeting dates: rows are appended, never updated or deleted."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from metrics.db.tables import meeting_dates

SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "meeting_date": pl.Date(),
    "kind": pl.String(),  # "held", or "withdrawn": a date recorded by mistake
    "recorded_by": pl.String(),
    "recorded_at": pl.Datetime(time_zone="UTC"),
}
_COLUMNS = [meeting_dates.c[name] for name in SCHEMA]


def append(conn: Connection, day: dt.date, *, kind: str, recorded_by: str, at: dt.datetime) -> None:
    """Add one row; run inside `store.write_transaction` (with its audit event)."""
    conn.execute(
        meeting_dates.insert().values(
            meeting_date=day, kind=kind, recorded_by=recorded_by, recorded_at=at
        )
    )


def read(conn: Connection) -> pl.DataFrame:
    """Every row, in the order they were recorded."""
    rows = [
        tuple(
            # SQLite hands back naive datetimes; they were written in UTC
            v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v
            for v in row
        )
        for row in conn.execute(sa.select(*_COLUMNS).order_by(meeting_dates.c.id)).all()
    ]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
