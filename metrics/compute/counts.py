"""Counts per period, and running totals against a dated target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from metrics import datasets
from metrics.breakdowns import BREAKDOWNS
from metrics.compute.conditions import compile_all
from metrics.compute.frames import (
    PERIOD,
    aggregate_rows,
    breakdown_column,
    dataset_frame,
    dataset_schema,
    group_expr,
    label_periods,
    period_indexes_between,
    periods_between,
    with_period_index,
)
from metrics.registry import Indicator

PERIOD_KEYS = ["period", "period_start", "period_end"]


def _spread_over_periods(
    rows: pl.LazyFrame, start: str, end: str, indicator: Indicator, today: dt.date
) -> pl.LazyFrame:
    """One row per record and period it is open in: from its start to its end or today."""
    open_until = pl.min_horizontal(pl.col(end).fill_null(today), pl.lit(today))
    # a record ending before it starts (or starting after today) still counts where it starts
    open_until = pl.max_horizontal(open_until, pl.col(start))
    spans = period_indexes_between(pl.col(start), open_until, indicator.period_type)
    return rows.with_columns(spans.alias(PERIOD)).explode(PERIOD)


def record_count(
    indicator: Indicator, frames: Mapping[str, pl.LazyFrame], today: dt.date
) -> pl.LazyFrame:
    """Rows (or distinct values) passing `where`, per period and per breakdown group.

    Every period with any dated row gets a headline, so a year with none counted shows 0.
    """
    src = indicator.source
    assert src.date_column is not None, "the registry check requires a date column"
    rows = (
        dataset_frame(frames, src.dataset)
        .filter(pl.col(src.date_column).is_not_null())
        .with_columns(_in=compile_all(src.where, dataset_schema(src.dataset)))
    )
    if src.end_column:
        rows = _spread_over_periods(rows, src.date_column, src.end_column, indicator, today)
    else:
        rows = with_period_index(rows, pl.col(src.date_column), indicator.period_type)

    def measure(counted: pl.Expr) -> pl.Expr:
        if src.distinct:
            return pl.col(src.distinct).filter(counted).drop_nulls().n_unique()
        return counted.sum()

    parts = [rows.group_by(PERIOD).agg(value=measure(pl.col("_in")))]
    counted = rows.filter(pl.col("_in"))
    for name in src.breakdowns:
        labelled = {
            "breakdown": pl.lit(BREAKDOWNS[name].title),
            "breakdown_group": group_expr(name, src.dataset),
        }
        if src.distinct:  # a distinct count cannot be added up across values: label each row
            per_group = counted.with_columns(**labelled).group_by(
                [PERIOD, "breakdown", "breakdown_group"]
            )
            parts.append(per_group.agg(value=measure(pl.col("_in"))))
            continue
        # count per value of the column, then label the few values and add up within groups
        parts.append(
            counted.group_by([PERIOD, breakdown_column(name, src.dataset)])
            .agg(value=pl.len())
            .with_columns(**labelled)
            .group_by([PERIOD, "breakdown", "breakdown_group"])
            .agg(pl.col("value").sum())
        )
    return pl.concat(parts, how="diagonal_relaxed").pipe(label_periods, indicator.period_type)


def aggregate_count(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    return aggregate_rows(frames, indicator).select(
        *PERIOD_KEYS, "breakdown", "breakdown_group", value=pl.col("count")
    )


def count(indicator: Indicator, frames: Mapping[str, pl.LazyFrame], today: dt.date) -> pl.LazyFrame:
    if datasets.get(indicator.source.dataset).shape == "aggregate":
        return aggregate_count(indicator, frames)
    return record_count(indicator, frames, today)


def cumulative_count(
    indicator: Indicator, frames: Mapping[str, pl.LazyFrame], today: dt.date
) -> pl.LazyFrame:
    """Rows passing `where` dated on or before each period's end.

    Periods run from the first with data to the one containing today, or the target date if
    that is earlier, and on to the last period with data if any is later still.
    """
    src = indicator.source
    assert src.date_column is not None, "the registry check requires a date column"
    date = pl.col(src.date_column)
    passing = (
        dataset_frame(frames, src.dataset)
        .filter(date.is_not_null() & compile_all(src.where, dataset_schema(src.dataset)))
        .select(src.date_column, *([src.distinct] if src.distinct else []))
    )
    if src.distinct:
        # each distinct thing counts once, from the first date it appears
        passing = (
            passing.filter(pl.col(src.distinct).is_not_null())
            .group_by(src.distinct)
            .agg(date.min())
        )
    target_date = indicator.target.date if indicator.target else None
    last_day = min(today, target_date) if target_date else today
    run = periods_between(
        passing.select(_first=date.min(), _last=pl.max_horizontal(date.max(), pl.lit(last_day))),
        indicator.period_type,
    )
    per_period = (
        passing.pipe(with_period_index, date, indicator.period_type)
        .group_by(PERIOD)
        .agg(_new=pl.len())
        .pipe(label_periods, indicator.period_type)
        .select("period", "_new")
    )
    return (
        run.join(per_period, on="period", how="left")
        .sort("period_start")
        .select(*PERIOD_KEYS, value=pl.col("_new").fill_null(0).cum_sum())
    )
