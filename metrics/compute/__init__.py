"""The calculators: the active stored rows of each dataset in, one result table out.

Pure functions over polars LazyFrames, no I/O. Each indicator is one lazy pipeline; the
pipelines are collected together once, at the edge, in `compute_all`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import polars as pl

from metrics import results, status
from metrics.compute import counts, milestones, rates, series
from metrics.registry import Indicator, IndicatorType, Registry

Frames = Mapping[str, pl.LazyFrame]

_CALCULATORS: dict[IndicatorType, Callable[[Indicator, Frames, dt.date], pl.LazyFrame]] = {
    IndicatorType.rate: lambda ind, frames, today: rates.rate(ind, frames),
    IndicatorType.survey: lambda ind, frames, today: rates.survey(ind, frames),
    IndicatorType.count: counts.count,
    IndicatorType.cumulative_count: counts.cumulative_count,
    IndicatorType.series: lambda ind, frames, today: series.series(ind, frames),
    IndicatorType.milestone: lambda ind, frames, today: milestones.milestone(ind, frames),
}


def _with_result_columns(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Every result column present (typed nulls where a calculator has none), others kept."""
    have = lf.collect_schema()
    return lf.with_columns(
        (pl.col(c) if c in have else pl.lit(None)).cast(t).alias(c)
        for c, t in results.RESULT_SCHEMA.items()
    )


def compute_indicator(
    indicator: Indicator, frames: Frames, registry: Registry, *, today: dt.date
) -> pl.LazyFrame:
    """One indicator's results, with status, in the result schema (not yet collected).

    `today` places open records and running totals; `registry` is the registry the
    indicator belongs to (every calculator today reads only its own definition).
    """
    calculated = (
        _CALCULATORS[indicator.type](indicator, frames, today)
        .pipe(_with_result_columns)
        .with_columns(indicator_id=pl.lit(indicator.id))
    )
    return (
        status.assess(indicator, calculated)
        .pipe(results.conform)
        .sort("period_start", "breakdown", "breakdown_group", nulls_last=False)
    )


def compute_all(frames: Frames, registry: Registry, *, today: dt.date) -> pl.DataFrame:
    """Every indicator's results, in registry order, then by period, breakdown and group."""
    pipelines = [
        compute_indicator(ind, frames, registry, today=today) for ind in registry.indicators
    ]
    if not pipelines:
        return results.empty()
    return pl.concat(pipelines, how="vertical").collect()
