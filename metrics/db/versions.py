"""Tables whose rows are versions, never updated: appending the next version, and reading the
newest version of each key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection


def append_next(conn: Connection, table: sa.Table, key: Mapping[str, Any], **values: Any) -> int:
    """Insert `values` as the next version for `key` (column name to value): one more than the
    highest version stored for it, or 1 if there is none. Returns the version.

    Run it inside `store.write_transaction`: its write lock gives two people saving at once
    consecutive versions, and the table's unique constraint on the key and version is the
    backstop.
    """
    latest = conn.execute(
        sa.select(sa.func.max(table.c.version)).where(
            *(table.c[name] == value for name, value in key.items())
        )
    ).scalar()
    version = (latest or 0) + 1
    conn.execute(table.insert().values(**key, version=version, **values))
    return version


def newest(table: sa.Table, key: Sequence[str], columns: Sequence[sa.Column]) -> sa.Select:
    """A query of `columns` from the newest version of each `key` (column names), ordered by
    the key: the rows in force."""
    versions = (
        sa.select(*(table.c[name] for name in key), sa.func.max(table.c.version).label("version"))
        .group_by(*(table.c[name] for name in key))
        .subquery()
    )
    same = [table.c[name] == versions.c[name] for name in [*key, "version"]]
    return (
        sa.select(*columns)
        .join(versions, sa.and_(*same))
        .order_by(*(table.c[name] for name in key))
    )


def utc_frame(rows: Sequence[sa.Row], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Rows of a versioned table as a frame; SQLite hands back naive datetimes, written in UTC."""
    data = [
        tuple(
            v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v
            for v in row
        )
        for row in rows
    ]
    return pl.DataFrame(data, schema=dict(schema), orient="row")
