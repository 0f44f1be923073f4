"""Reads and writes of the audit log: events are appended, never updated or deleted."""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from metrics.db.tables import audit_events

SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "at": pl.Datetime(time_zone="UTC"),
    "action": pl.String(),
    "who": pl.String(),
    "role": pl.String(),
    "detail": pl.String(),
    "ref": pl.String(),
}
_COLUMNS = [audit_events.c[name] for name in SCHEMA]


def append(
    conn: Connection,
    *,
    at: dt.datetime,
    action: str,
    who: str,
    role: str | None,
    detail: str,
    ref: str | None,
) -> None:
    conn.execute(
        audit_events.insert().values(
            at=at, action=action, who=who, role=role, detail=detail, ref=ref
        )
    )


def exists(conn: Connection, action: str, who: str, ref: str) -> bool:
    """Whether this person already has an event of this kind about `ref`."""
    query = sa.select(audit_events.c.id).where(
        audit_events.c.action == action, audit_events.c.who == who, audit_events.c.ref == ref
    )
    return conn.execute(query.limit(1)).first() is not None


def read(conn: Connection, *, limit: int, actions: list[str] | None = None) -> pl.DataFrame:
    """The newest `limit` events (of the given kinds), newest first."""
    query = sa.select(*_COLUMNS).order_by(audit_events.c.id.desc()).limit(limit)
    if actions:
        query = query.where(audit_events.c.action.in_(actions))
    # SQLite hands back naive datetimes; they were written in UTC
    rows = [
        tuple(
            v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v
            for v in row
        )
        for row in conn.execute(query).all()
    ]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def count(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count(audit_events.c.id))).scalar() or 0)
