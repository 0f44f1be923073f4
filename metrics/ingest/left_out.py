"""A column a file leaves out never blanks what is stored: its values come from the stored rows.

A dataset may let a file leave a column out (`Column.may_be_left_out`), e.g. an officer's EHC
request file without `waiting_support_offered`. The upload still replaces the rows of its
periods, so each of its rows takes the left-out column's value from the current stored row with
the same key (`Dataset.key`); rows with no stored match leave it unknown.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Connection

from metrics import datasets
from metrics.db import store


def fill(stored: pl.DataFrame, rows: pl.DataFrame, dataset: str, left_out: tuple[str, ...]) -> (
    pl.DataFrame
):  # fmt: skip
    """`rows` with each left-out column taken from `stored` (the dataset's current rows) by key."""
    ds = datasets.get(dataset)
    key = list(ds.key)
    wanted = [c for c in left_out if c not in key]
    if not wanted or not key or stored.height == 0:
        return rows
    known = stored.select(*key, *wanted).unique(subset=key, keep="last", maintain_order=True)
    joined = rows.join(
        known.rename({c: f"{c}__stored" for c in wanted}),
        on=key,
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    return joined.with_columns(pl.coalesce(c, f"{c}__stored").alias(c) for c in wanted).select(
        rows.columns
    )


def fill_from_database(
    conn: Connection, rows: pl.DataFrame, dataset: str, left_out: tuple[str, ...]
) -> pl.DataFrame:
    """`fill`, reading the stored rows' key and left-out columns."""
    ds = datasets.get(dataset)
    wanted = [c for c in left_out if c not in ds.key]
    if not wanted or not ds.key:
        return rows
    stored = store.read_active(conn, dataset, [*ds.key, *wanted])
    return fill(stored, rows, dataset, left_out)
