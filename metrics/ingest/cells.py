"""What a text cell means: dates, numbers and choices as officers type them, as polars expressions.

Each parser returns null for a cell it cannot read; validation reports those cells.
"""

from __future__ import annotations

import re

import polars as pl

from metrics import periods
from metrics.datasets import Column, ColumnType

# A time of day after a date ("05/02/2024 00:00", "2024-02-05T10:30:00") is ignored.
_TIME_SUFFIX = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)$"
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
# The shape of a date whatever the day and month: used to say "no such date" (31/02/2024)
# rather than "not a date".
DATE_SHAPE = r"^([0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})$"
# Digits, optionally grouped in thousands with commas (1,520) and with a decimal part.
_NUMBER = r"^-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$"
PERIOD_LABEL = "^(" + "|".join(p.pattern.strip("^$") for p in periods.PATTERNS.values()) + ")$"
YES_NO_SYNONYMS = {"y": "yes", "n": "no", "true": "yes", "false": "no"}


def date_part(raw: pl.Expr) -> pl.Expr:
    return raw.str.replace(_TIME_SUFFIX, "")


def parse_date(raw: pl.Expr) -> pl.Expr:
    """dd/mm/yyyy, yyyy-mm-dd (and dd-mm-yyyy, dd.mm.yyyy), with or without a time after."""
    text = date_part(raw)
    return pl.coalesce(text.str.to_date(f, strict=False) for f in DATE_FORMATS)


def looks_like_date(raw: pl.Expr) -> pl.Expr:
    """The cell has a date's shape (it may still be a day that does not exist)."""
    return date_part(raw).str.contains(DATE_SHAPE)


def parse_number(raw: pl.Expr) -> pl.Expr:
    """A number written with digits, optionally 1,520-style; spaces are ignored."""
    text = raw.str.replace_all(" ", "")
    ok = text.str.contains(_NUMBER)
    return pl.when(ok).then(text.str.replace_all(",", "").cast(pl.Float64, strict=False))


def parse_integer(raw: pl.Expr) -> pl.Expr:
    number = parse_number(raw)
    return pl.when(number == number.round(0)).then(number).cast(pl.Int64, strict=False)


def choice_key(text: str) -> str:
    """How a typed choice is compared: case, spaces, hyphens and apostrophes do not matter."""
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"['’]", "", text.lower())).strip("_")


def choice_key_expr(raw: pl.Expr) -> pl.Expr:
    return (
        raw.str.to_lowercase()
        .str.replace_all(r"['’]", "")
        .str.replace_all(r"[^a-z0-9]+", "_")
        .str.strip_chars("_")
    )


def parse_choice(col: Column, raw: pl.Expr) -> pl.Expr:
    """The allowed value a cell names ("Plan issued" -> plan_issued, "asd" -> ASD), else null."""
    mapping = {choice_key(v): v for v in col.allowed_values}
    if col.type is ColumnType.yes_no:
        mapping |= YES_NO_SYNONYMS
    return choice_key_expr(raw).replace_strict(mapping, default=None, return_dtype=pl.String)


def typed(col: Column, raw: pl.Expr) -> pl.Expr:
    """The value a column's cell stands for, in the column's stored type."""
    match col.type:
        case ColumnType.date:
            return parse_date(raw)
        case ColumnType.integer:
            return parse_integer(raw)
        case ColumnType.number:
            return parse_number(raw)
        case ColumnType.category | ColumnType.yes_no:
            return parse_choice(col, raw)
        case ColumnType.period:
            return pl.when(raw.str.contains(PERIOD_LABEL)).then(raw)
        case _:
            return raw
