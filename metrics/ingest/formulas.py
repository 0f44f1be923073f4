"""Keep text from running as a spreadsheet formula when we write it out (CSV or XLSX).

Uploaded text is stored as text, so `=HYPERLINK(...)` in a case note is harmless in the
database. It becomes dangerous when written back to a file someone opens in Excel, which runs a
cell starting with =, +, -, @ (or a tab or carriage return before one) as a formula: "CSV
injection". Every writer passes its text through `neutralise`, which puts an apostrophe in front,
as the OWASP guidance recommends. Plain numbers such as -5 or +44 are left alone.
"""

from __future__ import annotations

import re

import polars as pl

# What a formula can start with, after any spaces; the full-width forms are accepted as
# formula starters by some spreadsheet programs.
_START_PATTERN = r"^ *[=+\-@\t\r＝＋－＠]"
_START = re.compile(_START_PATTERN)
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"


def neutralise(value: str) -> str:
    """The text, made safe to write into a spreadsheet cell."""
    if _START.match(value) and not re.fullmatch(_PLAIN_NUMBER, value):
        return "'" + value
    return value


def neutralise_expr(text: pl.Expr) -> pl.Expr:
    """`neutralise` for a polars String expression (null stays null)."""
    risky = text.str.contains(_START_PATTERN) & ~text.str.contains(_PLAIN_NUMBER)
    # replace "^" (the start) rather than concatenate, so the result keeps the column's name
    return pl.when(risky).then(text.str.replace("^", "'")).otherwise(text)


def neutralise_frame(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Every String column neutralised; other columns (numbers, dates) untouched."""
    schema = frame.collect_schema()
    return frame.with_columns(
        neutralise_expr(pl.col(name)).alias(name)
        for name, dtype in schema.items()
        if dtype == pl.String
    )
