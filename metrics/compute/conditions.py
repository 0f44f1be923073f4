"""Registry conditions compiled to polars expressions. A row with a null where a test needs a
value fails that test (except `blank`, which asks exactly that)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from metrics.registry import Condition


def _is_blank(col: pl.Expr, dtype: pl.DataType | None) -> pl.Expr:
    if dtype is not None and dtype != pl.String():
        return col.is_null()  # only text can be blank without being null
    return col.is_null() | (col.cast(pl.String).str.strip_chars() == "")


def _days_between(cond: Condition) -> pl.Expr:
    assert cond.days_from is not None and cond.days_to is not None
    return (pl.col(cond.days_to) - pl.col(cond.days_from)).dt.total_days()


def compile_condition(cond: Condition, dtypes: Mapping[str, pl.DataType] | None = None) -> pl.Expr:
    """True where a row passes the condition, never null.

    `dtypes`, the column types when known, saves turning dates or numbers into text.
    """
    tests: list[pl.Expr] = []
    if cond.column is not None:
        dtype = (dtypes or {}).get(cond.column)
        col = pl.col(cond.column)
        text = col if dtype == pl.String() else col.cast(pl.String)
        if cond.in_ is not None:
            tests.append(text.is_in(list(cond.in_)))
        if cond.not_in is not None:
            tests.append(col.is_not_null() & ~text.is_in(list(cond.not_in)))
        if cond.blank is not None:
            blank = _is_blank(col, dtype)
            tests.append(blank if cond.blank else ~blank)
        if cond.at_least is not None:
            tests.append(col.cast(pl.Float64) >= cond.at_least)
        if cond.below is not None:
            tests.append(col.cast(pl.Float64) < cond.below)
    else:
        days = _days_between(cond)
        if cond.at_most is not None:
            tests.append(days <= cond.at_most)
        if cond.more_than is not None:
            tests.append(days > cond.more_than)
    return pl.all_horizontal(tests).fill_null(False)


def compile_all(
    conditions: Iterable[Condition], dtypes: Mapping[str, pl.DataType] | None = None
) -> pl.Expr:
    """All conditions ANDed; no conditions at all lets every row through."""
    exprs = [compile_condition(c, dtypes) for c in conditions]
    return pl.all_horizontal(exprs) if exprs else pl.lit(True)
