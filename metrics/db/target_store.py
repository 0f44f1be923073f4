"""Reads and writes of the target changes: appended versions, never updated or deleted."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from metrics.db import versions
from metrics.db.tables import target_changes

SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "indicator_id": pl.String(),
    "version": pl.Int64(),
    "kind": pl.String(),  # "change", or "strategy": back to the strategy's own target
    "value": pl.Float64(),
    "direction": pl.String(),
    "target_date": pl.Date(),
    "wording": pl.String(),
    "trajectory": pl.List(pl.Struct({"period": pl.String(), "value": pl.Float64()})),
    "reason": pl.String(),
    "changed_by": pl.String(),
    "changed_at": pl.Datetime(time_zone="UTC"),
}
_COLUMNS = [target_changes.c[name] for name in SCHEMA]


def _frame(rows: list[sa.Row]) -> pl.DataFrame:
    data = []
    for row in rows:
        record = dict(row._mapping)
        record["trajectory"] = [
            {"period": period, "value": value} for period, value in json.loads(record["trajectory"])
        ]
        # SQLite hands back naive datetimes; they were written in UTC
        if record["changed_at"].tzinfo is None:
            record["changed_at"] = record["changed_at"].replace(tzinfo=dt.UTC)
        data.append(record)
    return pl.DataFrame(data, schema=SCHEMA, orient="row")


def append(
    conn: Connection,
    indicator_id: str,
    *,
    kind: str,
    value: float | None,
    direction: str | None,
    target_date: dt.date | None,
    wording: str,
    trajectory: list[tuple[str, float]],
    reason: str,
    changed_by: str,
    at: dt.datetime,
) -> int:
    """Add the next version for an indicator; run it inside `store.write_transaction` (see
    `versions.append_next`). Returns the version."""
    return versions.append_next(
        conn,
        target_changes,
        {"indicator_id": indicator_id},
        kind=kind,
        value=value,
        direction=direction,
        target_date=target_date,
        wording=wording,
        trajectory=json.dumps([[period, point] for period, point in trajectory]),
        reason=reason,
        changed_by=changed_by,
        changed_at=at,
    )


def latest(conn: Connection) -> pl.DataFrame:
    """The newest version for each indicator that has any."""
    query = versions.newest(target_changes, ["indicator_id"], _COLUMNS)
    return _frame(list(conn.execute(query).all()))


def history(conn: Connection, indicator_id: str | None = None) -> pl.DataFrame:
    """Every version (of one indicator, if given), newest first."""
    query = sa.select(*_COLUMNS).order_by(target_changes.c.id.desc())
    if indicator_id is not None:
        query = query.where(target_changes.c.indicator_id == indicator_id)
    return _frame(list(conn.execute(query).all()))


def version(conn: Connection) -> str:
    """Changes whenever a target is changed: how many changes there are and the newest."""
    count, last_id = conn.execute(
        sa.select(sa.func.count(target_changes.c.id), sa.func.max(target_changes.c.id))
    ).one()
    return f"{count}:{last_id}"
