"""Rates: numerator / denominator per period, with a Wilson interval, breakdowns and bands."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics import datasets, stats
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
    with_period_index,
)
from metrics.registry import Condition, Indicator

PERIOD_KEYS = ["period", "period_start", "period_end"]
POSITIVE = ("strongly_agree", "agree")
BAND_BREAKDOWN = "Band"


def with_rate(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Add value, lower and upper (percent) from numerator and denominator."""
    num, den = pl.col("numerator"), pl.col("denominator")
    lower, upper = stats.wilson_exprs(num, den)
    return lf.with_columns(value=stats.percent_expr(num, den), lower=lower, upper=upper)


def _fill_period(template: str) -> pl.Expr:
    """The note template with {period} replaced by each row's period label."""
    pieces = template.split("{period}")
    parts: list[pl.Expr] = [pl.lit(pieces[0])]
    for piece in pieces[1:]:
        parts += [pl.col("period"), pl.lit(piece)]
    return pl.concat_str(parts)


def record_rate(
    indicator: Indicator,
    rows: pl.LazyFrame,
    *,
    date_column: str,
    where: tuple[Condition, ...],
    numerator: tuple[Condition, ...],
) -> pl.LazyFrame:
    """A rate over record-level rows: headline, one set per breakdown, and the bands."""
    src = indicator.source
    dtypes = dataset_schema(src.dataset)
    dated = (
        rows.filter(pl.col(date_column).is_not_null())
        .pipe(with_period_index, pl.col(date_column), indicator.period_type)
        .with_columns(_den=compile_all(where, dtypes))
        .with_columns(_num=pl.col("_den") & compile_all(numerator, dtypes))
    )
    # every period with dated rows gets a headline, even when none are in the denominator,
    # so that "no plans counted this year" shows rather than silently vanishing
    headline = dated.group_by(PERIOD).agg(
        numerator=pl.col("_num").sum(), denominator=pl.col("_den").sum()
    )
    parts = [headline]

    counted = dated.filter(pl.col("_den"))
    for name in src.breakdowns:
        # count per value of the column first, then label the (few) values and add up
        # those sharing a group: labelling a million rows one by one is much slower
        column = breakdown_column(name, src.dataset)
        parts.append(
            counted.group_by([PERIOD, column])
            .agg(numerator=pl.col("_num").sum(), denominator=pl.len())
            .with_columns(
                breakdown=pl.lit(BREAKDOWNS[name].title),
                breakdown_group=group_expr(name, src.dataset),
            )
            .group_by([PERIOD, "breakdown", "breakdown_group"])
            .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        )
    if src.bands:
        labels = [band.label for band in src.bands]
        parts.append(
            counted.group_by(PERIOD)
            .agg(
                pl.len().alias("denominator"),
                *(compile_all(band.where, dtypes).sum().alias(band.label) for band in src.bands),
            )
            .unpivot(
                index=[PERIOD, "denominator"],
                on=labels,
                variable_name="breakdown_group",
                value_name="numerator",
            )
            .with_columns(breakdown=pl.lit(BAND_BREAKDOWN))
        )
    out = pl.concat(parts, how="diagonal_relaxed").pipe(label_periods, indicator.period_type)
    if len(parts) == 1:  # the headline alone (the upload preview asks for no more)
        out = out.with_columns(
            breakdown=pl.lit(None, dtype=pl.String), breakdown_group=pl.lit(None, dtype=pl.String)
        )
    if src.empty_note:
        headline_empty = pl.col("denominator") == 0
        if len(parts) > 1:  # only then is there a breakdown column
            headline_empty = pl.col("breakdown").is_null() & headline_empty
        out = out.with_columns(note=pl.when(headline_empty).then(_fill_period(src.empty_note)))
    return out.pipe(with_rate)


def _record_rate_from_source(
    indicator: Indicator, frames: Mapping[str, pl.LazyFrame]
) -> pl.LazyFrame:
    src = indicator.source
    assert src.date_column is not None, "the registry check requires a date column"
    return record_rate(
        indicator,
        dataset_frame(frames, src.dataset),
        date_column=src.date_column,
        where=src.where,
        numerator=src.numerator,
    )


def aggregate_rate(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """A rate whose numerator and denominator arrive already counted."""
    return (
        aggregate_rows(frames, indicator)
        .select(*PERIOD_KEYS, "breakdown", "breakdown_group", "numerator", "denominator")
        .pipe(with_rate)
    )


def rate(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    if datasets.get(indicator.source.dataset).shape == "aggregate":
        return aggregate_rate(indicator, frames)
    return _record_rate_from_source(indicator, frames)


def survey(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """% positive: strongly agree or agree, out of every answer except "don't know"."""
    src = indicator.source
    # only this question, asked of these groups, makes a period: answers to other questions
    # must not conjure up an empty year
    asked = compile_all(
        (
            Condition(column="question", in_=(src.question or "",)),
            Condition(column="respondent_group", in_=src.respondent_groups),
        )
    )
    return record_rate(
        indicator,
        dataset_frame(frames, src.dataset).filter(asked),
        date_column=src.date_column or "response_date",
        where=(Condition(column="response", not_in=("dont_know",)), *src.where),
        numerator=(Condition(column="response", in_=POSITIVE), *src.numerator),
    )
