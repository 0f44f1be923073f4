"""Reads and writes of saved column mappings: appended versions, never updated or deleted."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from metrics.db import versions
from metrics.db.tables import mappings

SCHEMA: dict[str, pl.DataType] = {
    "name": pl.String(),
    "version": pl.Int64(),
    "dataset": pl.String(),
    "header_key": pl.String(),
    "body": pl.String(),
    "saved_by": pl.String(),
    "saved_at": pl.Datetime(time_zone="UTC"),
}
_COLUMNS = [mappings.c[name] for name in SCHEMA]


def _frame(rows: list[sa.Row]) -> pl.DataFrame:
    return versions.utc_frame(rows, SCHEMA)


def append(
    conn: Connection, name: str, *, dataset: str, header_key: str, body: str, saved_by: str,
    at: dt.datetime,
) -> int:  # fmt: skip
    """Add the next version of a mapping; run inside `store.write_transaction`. Returns it."""
    return versions.append_next(
        conn, mappings, {"name": name}, dataset=dataset, header_key=header_key, body=body,
        saved_by=saved_by, saved_at=at,
    )  # fmt: skip


def latest(conn: Connection) -> pl.DataFrame:
    """The newest version of each mapping, by name."""
    return _frame(list(conn.execute(versions.newest(mappings, ["name"], _COLUMNS)).all()))


def history(conn: Connection, name: str) -> pl.DataFrame:
    """Every version of one mapping, newest first."""
    query = sa.select(*_COLUMNS).where(mappings.c.name == name).order_by(mappings.c.version.desc())
    return _frame(list(conn.execute(query).all()))
