"""The stored fingerprint of the pseudonym key (`metrics.pseudonym`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from metrics.db.store import now_utc
from metrics.db.tables import pseudonym_key


def fingerprint(conn: Connection) -> str | None:
    """The fingerprint stored by the first SEN2 import, if there has been one."""
    return conn.execute(
        sa.select(pseudonym_key.c.fingerprint).order_by(pseudonym_key.c.id).limit(1)
    ).scalar()


def record(conn: Connection, value: str, who: str) -> None:
    conn.execute(
        pseudonym_key.insert().values(fingerprint=value, created_at=now_utc(), created_by=who)
    )
