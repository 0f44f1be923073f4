"""Reporting periods: labels, their date ranges, and polars expressions that assign them.

Labels follow the conventions of English local government:

| period type      | label      | covers                     |
|------------------|------------|----------------------------|
| `calendar_year`  | `2024`     | 1 January - 31 December    |
| `academic_year`  | `2024/25`  | 1 September - 31 August    |
| `financial_year` | `2024-25`  | 1 April - 31 March         |
| `quarter`        | `2024-Q1`  | calendar quarter           |
| `month`          | `2024-03`  | calendar month             |
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum

import polars as pl


class PeriodType(StrEnum):
    calendar_year = "calendar_year"
    academic_year = "academic_year"
    financial_year = "financial_year"
    quarter = "quarter"
    month = "month"


PERIOD_TYPE_WORDS: dict[PeriodType, str] = {
    PeriodType.calendar_year: "calendar year",
    PeriodType.academic_year: "academic year (September to August)",
    PeriodType.financial_year: "financial year (April to March)",
    PeriodType.quarter: "quarter",
    PeriodType.month: "month",
}

PATTERNS: dict[PeriodType, re.Pattern[str]] = {
    PeriodType.calendar_year: re.compile(r"^(\d{4})$"),
    PeriodType.academic_year: re.compile(r"^(\d{4})/(\d{2})$"),
    PeriodType.financial_year: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodType.quarter: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodType.month: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}

EXAMPLES: dict[PeriodType, str] = {
    PeriodType.calendar_year: "2024",
    PeriodType.academic_year: "2024/25",
    PeriodType.financial_year: "2024-25",
    PeriodType.quarter: "2024-Q1",
    PeriodType.month: "2024-03",
}


class PeriodError(ValueError):
    """A period label that does not match its period type."""


def _two_digit_follows(start: int, end2: str) -> bool:
    return (start + 1) % 100 == int(end2)


def parse(label: str, period_type: PeriodType | str) -> tuple[dt.date, dt.date]:
    """First and last day of the period a label names."""
    ptype = PeriodType(period_type)
    match = PATTERNS[ptype].match(label.strip())
    if not match:
        raise PeriodError(
            f"'{label}' is not a {PERIOD_TYPE_WORDS[ptype]} label; "
            f"write it like '{EXAMPLES[ptype]}'"
        )
    year = int(match.group(1))
    if ptype is PeriodType.calendar_year:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if ptype is PeriodType.academic_year:
        if not _two_digit_follows(year, match.group(2)):
            raise PeriodError(f"'{label}': the second year must follow the first, like '2024/25'")
        return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
    if ptype is PeriodType.financial_year:
        if not _two_digit_follows(year, match.group(2)):
            raise PeriodError(f"'{label}': the second year must follow the first, like '2024-25'")
        return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    if ptype is PeriodType.quarter:
        q = int(match.group(2))
        first_month = 3 * (q - 1) + 1
        last_month = first_month + 2
        return (
            dt.date(year, first_month, 1),
            dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    month = int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def is_valid(label: str, period_type: PeriodType | str) -> bool:
    try:
        parse(label, period_type)
    except PeriodError:
        return False
    return True


def label_for(day: dt.date, period_type: PeriodType | str) -> str:
    """The label of the period that contains a date."""
    ptype = PeriodType(period_type)
    y, m = day.year, day.month
    if ptype is PeriodType.calendar_year:
        return f"{y}"
    if ptype is PeriodType.academic_year:
        start = y if m >= 9 else y - 1
        return f"{start}/{(start + 1) % 100:02d}"
    if ptype is PeriodType.financial_year:
        start = y if m >= 4 else y - 1
        return f"{start}-{(start + 1) % 100:02d}"
    if ptype is PeriodType.quarter:
        return f"{y}-Q{(m - 1) // 3 + 1}"
    return f"{y}-{m:02d}"


def label_expr(date: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """A polars expression giving the period label of each date (null stays null)."""
    ptype = PeriodType(period_type)
    y = date.dt.year()
    m = date.dt.month()
    if ptype is PeriodType.calendar_year:
        return y.cast(pl.String)
    if ptype is PeriodType.month:
        return date.dt.strftime("%Y-%m")
    if ptype is PeriodType.quarter:
        return pl.format("{}-Q{}", y, date.dt.quarter())
    boundary = 9 if ptype is PeriodType.academic_year else 4
    sep = "/" if ptype is PeriodType.academic_year else "-"
    start = pl.when(m >= boundary).then(y).otherwise(y - 1)
    end2 = ((start + 1) % 100).cast(pl.String).str.zfill(2)
    return pl.format("{}" + sep + "{}", start, end2)


def start_of(label: str, period_type: PeriodType | str) -> dt.date:
    return parse(label, period_type)[0]


def end_of(label: str, period_type: PeriodType | str) -> dt.date:
    return parse(label, period_type)[1]


def previous(label: str, period_type: PeriodType | str) -> str:
    """The label of the period just before this one."""
    start, _ = parse(label, period_type)
    return label_for(start - dt.timedelta(days=1), period_type)


def following(label: str, period_type: PeriodType | str) -> str:
    """The label of the period just after this one."""
    _, end = parse(label, period_type)
    return label_for(end + dt.timedelta(days=1), period_type)


def is_partial(label: str, period_type: PeriodType | str, today: dt.date | None) -> bool:
    """Whether the period has begun but not yet ended on `today` (its figures are so far)."""
    if today is None:
        return False
    start, end = parse(label, period_type)
    return start <= today < end


def so_far(label: str, period_type: PeriodType | str, today: dt.date | None) -> str:
    """' so far (to 27 November)' while the period is under way on `today`, else ''.

    The year is given when the period spans two calendar years: ' so far (to 27 November 2026)'.
    """
    if not is_partial(label, period_type, today):
        return ""
    assert today is not None
    start, end = parse(label, period_type)
    day = f"{today.day} {today:%B}" if start.year == end.year else f"{today.day} {today:%B %Y}"
    return f" so far (to {day})"


def describe(label: str, period_type: PeriodType | str, *, today: dt.date | None = None) -> str:
    """Plain-English name of a period, e.g. 'the 2024/25 academic year' or 'March 2024'.

    With `today`, a period still under way says so: '2026 so far (to 27 November)'.
    """
    ptype = PeriodType(period_type)
    start, end = parse(label, ptype)
    if ptype is PeriodType.month:
        words = start.strftime("%B %Y")
    elif ptype is PeriodType.quarter:
        words = f"{start.strftime('%B')} to {end.strftime('%B %Y')}"
    elif ptype is PeriodType.calendar_year:
        words = label
    elif ptype is PeriodType.academic_year:
        words = f"the {label} academic year"
    else:
        words = f"the {label} financial year"
    return words + so_far(label, ptype, today)
