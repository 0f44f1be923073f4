"""Typed input frames and the period columns every calculator adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from metrics import datasets, periods
from metrics.breakdowns import BREAKDOWNS
from metrics.datasets import ColumnType
from metrics.periods import PeriodType
from metrics.registry import Indicator

_DTYPES: dict[ColumnType, pl.DataType] = {
    ColumnType.date: pl.Date(),
    ColumnType.integer: pl.Int64(),
    ColumnType.number: pl.Float64(),
}


def dataset_schema(name: str) -> dict[str, pl.DataType]:
    """The polars types of a dataset's columns as stored rows arrive."""
    return {c.name: _DTYPES.get(c.type, pl.String()) for c in datasets.get(name).columns}


def dataset_frame(frames: Mapping[str, pl.LazyFrame], name: str) -> pl.LazyFrame:
    """A dataset's rows with every schema column present and typed; empty when not uploaded."""
    schema = dataset_schema(name)
    lf = frames.get(name)
    if lf is None:
        return pl.LazyFrame(schema=schema)
    have = lf.collect_schema()
    return lf.with_columns(
        (pl.col(c).cast(t) if c in have else pl.lit(None, dtype=t)).alias(c)
        for c, t in schema.items()
    )


def _month_index(date: pl.Expr) -> pl.Expr:
    return date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1


def start_expr(date: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """First day of the period that contains each date."""
    ptype = PeriodType(period_type)
    if ptype is PeriodType.month:
        return date.dt.month_start()
    if ptype is PeriodType.calendar_year:
        return pl.date(date.dt.year(), 1, 1)
    if ptype is PeriodType.quarter:
        return pl.date(date.dt.year(), (date.dt.quarter().cast(pl.Int64) - 1) * 3 + 1, 1)
    boundary = 9 if ptype is PeriodType.academic_year else 4
    y = date.dt.year()
    start_year = pl.when(date.dt.month() >= boundary).then(y).otherwise(y - 1)
    return pl.date(start_year, boundary, 1)


_LENGTH_MONTHS = {
    PeriodType.month: 1,
    PeriodType.quarter: 3,
    PeriodType.calendar_year: 12,
    PeriodType.academic_year: 12,
    PeriodType.financial_year: 12,
}


def end_expr(date: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """Last day of the period that contains each date."""
    ptype = PeriodType(period_type)
    months = _LENGTH_MONTHS[ptype]
    return start_expr(date, ptype).dt.offset_by(f"{months - 1}mo").dt.month_end()


def with_period(lf: pl.LazyFrame, date: pl.Expr, period_type: PeriodType | str) -> pl.LazyFrame:
    """Add period, period_start and period_end for the period each date falls in."""
    return lf.with_columns(
        period=periods.label_expr(date, period_type),
        period_start=start_expr(date, period_type),
        period_end=end_expr(date, period_type),
    )


def start_from_label_expr(label: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """First day of the period a label names; null for a label that is not of this type."""
    ptype = PeriodType(period_type)
    year = label.str.slice(0, 4).cast(pl.Int32, strict=False)
    if ptype is PeriodType.calendar_year:
        start = pl.date(year, 1, 1)
    elif ptype is PeriodType.academic_year:
        start = pl.date(year, 9, 1)
    elif ptype is PeriodType.financial_year:
        start = pl.date(year, 4, 1)
    elif ptype is PeriodType.quarter:
        q = label.str.slice(6, 1).cast(pl.Int32, strict=False)
        start = pl.date(year, (q - 1) * 3 + 1, 1)
    else:
        start = pl.date(year, label.str.slice(5, 2).cast(pl.Int32, strict=False), 1)
    # a label is only trusted if it is exactly the label of the period it seems to name
    matches = label.str.strip_chars() == periods.label_expr(start, ptype)
    return pl.when(matches).then(start)


def with_period_from_label(
    lf: pl.LazyFrame, label: str, period_type: PeriodType | str
) -> pl.LazyFrame:
    """Period columns for rows that carry a period label; rows with a bad label are dropped."""
    start = start_from_label_expr(pl.col(label), period_type)
    return (
        lf.with_columns(_start=start)
        .filter(pl.col("_start").is_not_null())
        .with_columns(
            period=periods.label_expr(pl.col("_start"), period_type),
            period_start=pl.col("_start"),
            period_end=end_expr(pl.col("_start"), period_type),
        )
        .drop("_start")
    )


def months_in(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Number of calendar months from the month of start to the month of end, inclusive."""
    return _month_index(end) - _month_index(start) + 1


def period_run(first: pl.Expr, last: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """Month starts from the month of first to the month of last, as one list per row."""
    return pl.date_ranges(first.dt.month_start(), last.dt.month_start(), "1mo")


def periods_between(bounds: pl.LazyFrame, period_type: PeriodType | str) -> pl.LazyFrame:
    """Every period from `_first` to `_last` of a one-row frame; none when either is null."""
    return (
        bounds.select(_day=period_run(pl.col("_first"), pl.col("_last"), period_type))
        .explode("_day")
        .drop_nulls("_day")
        .pipe(with_period, pl.col("_day"), period_type)
        .select("period", "period_start", "period_end")
        .unique("period")
    )


def group_expr(breakdown: str, dataset: str) -> pl.Expr:
    """A breakdown's group label for each row of a dataset; rows with no value are 'Not known'."""
    spec = BREAKDOWNS[breakdown]
    column = spec.column_in(datasets.get(dataset))
    if column is None:
        raise ValueError(f"dataset {dataset} has no column for breakdown {breakdown}")
    return spec.expr(column).cast(pl.String).fill_null("Not known")


def breakdown_title(name: str) -> str:
    return BREAKDOWNS[name].title


def today_period_end(today: dt.date, period_type: PeriodType | str) -> dt.date:
    return periods.end_of(periods.label_for(today, period_type), period_type)


def _text_or_null(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text != "").then(text)


def aggregate_rows(frames: Mapping[str, pl.LazyFrame], indicator: Indicator) -> pl.LazyFrame:
    """An indicator's rows of counted values, with period columns and breakdown titles.

    A breakdown named by its registry name (`ethnic_group`) gets the title record-level
    indicators use (`Ethnic group`), so both kinds of indicator read the same.
    """
    lf = dataset_frame(frames, indicator.source.dataset).filter(
        pl.col("indicator_id") == indicator.id
    )
    titles = {name: spec.title for name, spec in BREAKDOWNS.items()}
    breakdown = _text_or_null("breakdown")
    return with_period_from_label(lf, "period", indicator.period_type).with_columns(
        breakdown=breakdown.replace(titles),
        breakdown_group=pl.when(breakdown.is_not_null()).then(
            _text_or_null("breakdown_group").fill_null("Not known")
        ),
    )
