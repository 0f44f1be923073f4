"""Appending the next version of a row to a table whose rows are versions, never updated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
