"""Registry conditions compiled to polars expressions. A row with a null where a test needs a
value fails that test (except `blank`, which asks exactly that)."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from metrics.registry import Condition


def _is_blank(col: pl.Expr) -> pl.Expr:
    return col.is_null() | (col.cast(pl.String).str.strip_chars() == "")


def _days_between(cond: Condition) -> pl.Expr:
    assert cond.days_from is not None and cond.days_to is not None
    return (pl.col(cond.days_to) - pl.col(cond.days_from)).dt.total_days()


def compile_condition(cond: Condition) -> pl.Expr:
    """True where a row passes the condition, never null."""
    tests: list[pl.Expr] = []
    if cond.column is not None:
        col = pl.col(cond.column)
        if cond.in_ is not None:
            tests.append(col.cast(pl.String).is_in(list(cond.in_)))
        if cond.not_in is not None:
            tests.append(col.is_not_null() & ~col.cast(pl.String).is_in(list(cond.not_in)))
        if cond.blank is not None:
            tests.append(_is_blank(col) if cond.blank else ~_is_blank(col))
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


def compile_all(conditions: Iterable[Condition]) -> pl.Expr:
    """All conditions ANDed; no conditions at all lets every row through."""
    exprs = [compile_condition(c) for c in conditions]
    return pl.all_horizontal(exprs) if exprs else pl.lit(True)
