"""Typed input frames and the period columns every calculator adds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from metrics import datasets, periods
from metrics.breakdowns import BREAKDOWNS
from metrics.datasets import ColumnType
from metrics.periods import PeriodType
from metrics.registry import Indicator, IndicatorType

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


_LENGTH_MONTHS = {
    PeriodType.month: 1,
    PeriodType.quarter: 3,
    PeriodType.calendar_year: 12,
    PeriodType.academic_year: 12,
    PeriodType.financial_year: 12,
}
_FIRST_MONTH = {PeriodType.academic_year: 9, PeriodType.financial_year: 4}

PERIOD = "_period"  # the period as a number: calculators group on it, then label it


def _month_index(date: pl.Expr) -> pl.Expr:
    """Months since January of year 0: consecutive months are consecutive numbers."""
    return date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1


def period_index(date: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """The period each date falls in, as a number; consecutive periods are consecutive.

    Every period type is a run of whole months, so a period is its first month's index
    divided by its length, once the year is shifted to start in the right month.
    """
    ptype = PeriodType(period_type)
    shift = _FIRST_MONTH.get(ptype, 1) - 1
    return (_month_index(date) - shift) // _LENGTH_MONTHS[ptype]


def _start_of_index(index: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    ptype = PeriodType(period_type)
    month = index * _LENGTH_MONTHS[ptype] + _FIRST_MONTH.get(ptype, 1) - 1
    return pl.date(month // 12, month % 12 + 1, 1)


def with_period_index(
    lf: pl.LazyFrame, date: pl.Expr, period_type: PeriodType | str
) -> pl.LazyFrame:
    """Add `_period`, the number of the period each date falls in (null for no date)."""
    return lf.with_columns(period_index(date, period_type).alias(PERIOD))


def label_periods(lf: pl.LazyFrame, period_type: PeriodType | str) -> pl.LazyFrame:
    """Turn `_period` into period, period_start and period_end.

    Done after grouping, so that labels are built once per period rather than once per row.
    """
    start = _start_of_index(pl.col(PERIOD), period_type)
    months = _LENGTH_MONTHS[PeriodType(period_type)]
    return lf.with_columns(
        period=periods.label_expr(start, period_type),
        period_start=start,
        period_end=start.dt.offset_by(f"{months - 1}mo").dt.month_end(),
    ).drop(PERIOD)


def with_period(lf: pl.LazyFrame, date: pl.Expr, period_type: PeriodType | str) -> pl.LazyFrame:
    """Add period, period_start and period_end for the period each date falls in."""
    return with_period_index(lf, date, period_type).pipe(label_periods, period_type)


def start_from_label_expr(label: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """First day of the period a label names; null for a label that is not of this type."""
    ptype = PeriodType(period_type)
    year = label.str.slice(0, 4).cast(pl.Int32, strict=False)
    if ptype is PeriodType.quarter:
        month = (label.str.slice(6, 1).cast(pl.Int32, strict=False) - 1) * 3 + 1
    elif ptype is PeriodType.month:
        month = label.str.slice(5, 2).cast(pl.Int32, strict=False)
    else:
        month = pl.lit(_FIRST_MONTH.get(ptype, 1))
    start = pl.date(year, month, 1)
    # a label is only trusted if it is exactly the label of the period it seems to name
    matches = label.str.strip_chars() == periods.label_expr(start, ptype)
    return pl.when(matches).then(start)


def with_period_from_label(
    lf: pl.LazyFrame, label: str, period_type: PeriodType | str
) -> pl.LazyFrame:
    """Period columns for rows that carry a period label; rows with a bad label are dropped."""
    start = start_from_label_expr(pl.col(label), period_type)
    return (
        lf.with_columns(period_index(start, period_type).alias(PERIOD))
        .filter(pl.col(PERIOD).is_not_null())
        .pipe(label_periods, period_type)
    )


def months_in(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Number of calendar months from the month of start to the month of end, inclusive."""
    return _month_index(end) - _month_index(start) + 1


def period_indexes_between(first: pl.Expr, last: pl.Expr, period_type: PeriodType | str) -> pl.Expr:
    """The numbers of every period from the one containing first to the one containing last,
    as one list per row."""
    return pl.int_ranges(
        period_index(first, period_type), period_index(last, period_type) + 1, dtype=pl.Int64
    )


def periods_between(bounds: pl.LazyFrame, period_type: PeriodType | str) -> pl.LazyFrame:
    """Every period from `_first` to `_last` of a one-row frame; none when either is null."""
    return (
        bounds.select(
            period_indexes_between(pl.col("_first"), pl.col("_last"), period_type).alias(PERIOD)
        )
        .explode(PERIOD)
        .drop_nulls(PERIOD)
        .pipe(label_periods, period_type)
    )


def breakdown_column(breakdown: str, dataset: str) -> str:
    """The dataset column a breakdown groups by."""
    column = BREAKDOWNS[breakdown].column_in(datasets.get(dataset))
    if column is None:
        raise ValueError(f"dataset {dataset} has no column for breakdown {breakdown}")
    return column


def group_expr(breakdown: str, dataset: str) -> pl.Expr:
    """A breakdown's group label for each row of a dataset; rows with no value are 'Not known'."""
    spec = BREAKDOWNS[breakdown]
    return spec.expr(breakdown_column(breakdown, dataset)).cast(pl.String).fill_null("Not known")


# Columns the calculators read by name, whatever the registry says.
_SURVEY_COLUMNS = ("question", "respondent_group", "response", "response_date")


def needed_columns(indicators: Iterable[Indicator], dataset: str) -> list[str]:
    """The columns of a record-level dataset that the indicators reading it use.

    Every column the registry names (dates, conditions, distinct, bands, breakdowns), and those
    the survey calculator always reads. Aggregate datasets and the milestones are small and
    read whole, so for them this is every column.
    """
    ds = datasets.get(dataset)
    if ds.shape == "aggregate" or dataset == "milestones":
        return ds.column_names
    used: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            used.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for ind in indicators:
        if ind.source.dataset != dataset:
            continue
        walk(ind.source.model_dump())
        used.update(breakdown_column(b, dataset) for b in ind.source.breakdowns)
        if ind.type is IndicatorType.survey:
            used.update(_SURVEY_COLUMNS)
    return [c for c in ds.column_names if c in used]


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
