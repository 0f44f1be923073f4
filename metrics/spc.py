"""Statistical process control (SPC) for monthly and quarterly series: is a change real or noise?

The NHS 'Making Data Count' approach. An XmR chart sets each value (X) against the mean and the
process limits, mean ± 2.66 × the mean moving range (the average absolute change from one
point to the next). 2.66 is 3 / 1.128, the constant for ranges of two points, so the limits
sit about three sigma from the mean. A point is special-cause variation when:

1. it lies outside the process limits;
2. it is one of 7 or more consecutive points on the same side of the mean (a shift; a point
   exactly on the mean breaks the run);
3. it is one of 6 or more consecutive points each higher, or each lower, than the one before
   (a trend; an equal value breaks it);
4. it is one of 2 out of 3 consecutive points beyond two sigma (mean ± 2 × moving range /
   1.128) on the same side (close to a limit).

Everything else is common-cause variation: the noise any process has. Whether special cause is
an improvement or a concern comes from the indicator's polarity. Assurance compares the limits
with a target: a process whose limits both lie on the right side of the target consistently
passes it; both on the wrong side, it consistently fails; a target between them is hit and
miss. Limits can be worked out afresh from a chosen period (after a change such as the Local
Offer review), each part from its own points. With fewer than 12 points the limits are
provisional, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from metrics import periods, summaries
from metrics.registry import Frequency, Indicator, IndicatorType
from metrics.status import better_sign

LIMIT_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
D2 = 1.128
SHIFT_POINTS = 7
TREND_POINTS = 6
MIN_POINTS = 12

RULE_WORDS = {
    "outside": "outside the process limits",
    "shift": f"{SHIFT_POINTS} or more in a row on one side of the mean",
    "trend": f"{TREND_POINTS} or more in a row rising or falling",
    "two_of_three": "2 of 3 in a row close to a limit, beyond two sigma",
}


class Variation(StrEnum):
    common_cause = "common_cause"
    improvement_high = "improvement_high"
    improvement_low = "improvement_low"
    concern_high = "concern_high"
    concern_low = "concern_low"
    neither_high = "neither_high"
    neither_low = "neither_low"


class Assurance(StrEnum):
    passing = "passing"
    failing = "failing"
    hit_and_miss = "hit_and_miss"


@dataclass(frozen=True)
class Style:
    icon: str  # a text symbol, so the judgement never rests on colour alone
    words: str
    colour: str  # dark enough for text on white
    meaning: str


VARIATION_STYLES: dict[Variation, Style] = {
    Variation.common_cause: Style(
        "↔", "Common cause variation", "#4A4A4A",
        "No significant change: the latest figure is within the usual ups and downs.",
    ),
    Variation.improvement_high: Style(
        "⬆", "Special cause: improvement (higher)", "#0B5394",
        "A real change for the better, bigger than the usual ups and downs explain.",
    ),
    Variation.improvement_low: Style(
        "⬇", "Special cause: improvement (lower)", "#0B5394",
        "A real change for the better, bigger than the usual ups and downs explain.",
    ),
    Variation.concern_high: Style(
        "⬆", "Special cause: concern (higher)", "#8A4B00",
        "A real change for the worse, bigger than the usual ups and downs explain.",
    ),
    Variation.concern_low: Style(
        "⬇", "Special cause: concern (lower)", "#8A4B00",
        "A real change for the worse, bigger than the usual ups and downs explain.",
    ),
    Variation.neither_high: Style(
        "⬆", "Special cause variation (higher)", "#4A4A4A",
        "A real change, bigger than the usual ups and downs; neither higher nor lower is better.",
    ),
    Variation.neither_low: Style(
        "⬇", "Special cause variation (lower)", "#4A4A4A",
        "A real change, bigger than the usual ups and downs; neither higher nor lower is better.",
    ),
}  # fmt: skip

ASSURANCE_STYLES: dict[Assurance, Style] = {
    Assurance.passing: Style(
        "✔", "Consistently passing the target", "#006B3D",
        "Both process limits are on the right side of the target: it will be met most months "
        "unless something changes.",
    ),
    Assurance.failing: Style(
        "✖", "Consistently failing the target", "#B3261E",
        "Both process limits are on the wrong side of the target: it will not be met unless "
        "something changes.",
    ),
    Assurance.hit_and_miss: Style(
        "↕", "Hit and miss", "#8A4B00",
        "The target lies between the process limits: it will be met in some periods and missed "
        "in others by chance alone.",
    ),
}  # fmt: skip


def label(judgement: Variation | Assurance) -> str:
    """Icon plus words, e.g. '⬆ Special cause: improvement (higher)'."""
    style = (
        VARIATION_STYLES[judgement]
        if isinstance(judgement, Variation)
        else ASSURANCE_STYLES[judgement]
    )
    return f"{style.icon} {style.words}"


def applies(indicator: Indicator) -> bool:
    """SPC suits counts reported every month or quarter (a series, or a monthly count)."""
    return (
        indicator.type in (IndicatorType.series, IndicatorType.count)
        and indicator.period_type in (periods.PeriodType.month, periods.PeriodType.quarter)
        and indicator.update_frequency in (Frequency.monthly, Frequency.quarterly)
    )


# ---------------------------------------------------------------------------------------------
# The XmR chart and its rules, as one lazy pipeline
# ---------------------------------------------------------------------------------------------


def xmr(
    frame: pl.DataFrame | pl.LazyFrame, *, recalculate_from: dt.date | None = None
) -> pl.DataFrame:
    """The XmR chart of a series: reads period, period_start and value (rows without a value
    are left out); adds segment, moving_range, mean, mr_mean, ucl, lcl, upper_2s, lower_2s,
    the four rules (outside, shift, trend, two_of_three), special and direction (high/low).

    From `recalculate_from` on, the mean and limits are worked out from those points alone (and
    the moving range across the break is left out)."""
    seg = "segment"
    value = pl.col("value").cast(pl.Float64)
    lf = (
        frame.lazy()
        .filter(pl.col("value").is_not_null())
        .sort("period_start")
        .with_columns(
            (pl.col("period_start") >= recalculate_from).cast(pl.Int32).alias(seg)
            if recalculate_from
            else pl.lit(0, dtype=pl.Int32).alias(seg)
        )
        .with_columns(moving_range=value.diff().abs().over(seg))
        .with_columns(mean=value.mean().over(seg), mr_mean=pl.col("moving_range").mean().over(seg))
        .with_columns(
            ucl=pl.col("mean") + LIMIT_FACTOR * pl.col("mr_mean"),
            lcl=pl.col("mean") - LIMIT_FACTOR * pl.col("mr_mean"),
            upper_2s=pl.col("mean") + 2 * pl.col("mr_mean") / D2,
            lower_2s=pl.col("mean") - 2 * pl.col("mr_mean") / D2,
            _side=(value - pl.col("mean")).sign(),
            _step=value.diff().sign().over(seg),
        )
    )
    # a shift: the run of points on one side of the mean is long enough
    side_run = pl.len().over(seg, pl.col("_side").rle_id().over(seg))
    # a trend: runs of steps in one direction; a point belongs to a trend if the step into it,
    # or the step out of it, is part of a long enough run (6 points are 5 steps)
    step_run = pl.len().over(seg, pl.col("_step").rle_id().over(seg))
    long_step = (pl.col("_step") != 0) & (step_run >= TREND_POINTS - 1)
    hi, lo = (value > pl.col("upper_2s")), (value < pl.col("lower_2s"))

    def close_run(beyond: pl.Expr) -> pl.Expr:
        """Beyond two sigma, in some window of three consecutive points with two beyond."""
        window = beyond.cast(pl.Int32).rolling_sum(window_size=3).over(seg) >= 2
        later = [window.shift(-k).over(seg) for k in (0, 1, 2)]
        return beyond & pl.any_horizontal(w.fill_null(False) for w in later)

    lf = lf.with_columns(
        _long_step=long_step.fill_null(False),
        _hi_close=close_run(hi),
        _lo_close=close_run(lo),
        outside=((value > pl.col("ucl")) | (value < pl.col("lcl"))).fill_null(False),
        shift=((pl.col("_side") != 0) & (side_run >= SHIFT_POINTS)).fill_null(False),
    ).with_columns(
        _trend_step=pl.when(pl.col("_long_step"))
        .then(pl.col("_step"))
        .when(pl.col("_long_step").shift(-1).over(seg).fill_null(False))
        .then(pl.col("_step").shift(-1).over(seg)),
    )
    lf = lf.with_columns(
        trend=pl.col("_trend_step").is_not_null(),
        two_of_three=pl.col("_hi_close") | pl.col("_lo_close"),
    ).with_columns(
        special=pl.any_horizontal("outside", "shift", "trend", "two_of_three"),
        direction=pl.when(pl.col("outside"))
        .then(pl.when(value > pl.col("ucl")).then(pl.lit("high")).otherwise(pl.lit("low")))
        .when(pl.col("two_of_three"))
        .then(pl.when(pl.col("_hi_close")).then(pl.lit("high")).otherwise(pl.lit("low")))
        .when(pl.col("shift"))
        .then(pl.when(pl.col("_side") > 0).then(pl.lit("high")).otherwise(pl.lit("low")))
        .when(pl.col("trend"))
        .then(pl.when(pl.col("_trend_step") > 0).then(pl.lit("high")).otherwise(pl.lit("low"))),
        rules=pl.concat_list(
            pl.when(pl.col(rule)).then(pl.lit(words)).otherwise(pl.lit(None, dtype=pl.String))
            for rule, words in RULE_WORDS.items()
        )
        .list.drop_nulls()
        .list.join("; "),
    )
    return lf.drop(
        "_side", "_step", "_long_step", "_hi_close", "_lo_close", "_trend_step"
    ).collect()


# ---------------------------------------------------------------------------------------------
# Judgements
# ---------------------------------------------------------------------------------------------


def variation_of(points: pl.DataFrame, sign: int | None) -> Variation:
    """The latest point's variation: common cause, or special cause judged by polarity."""
    if points.height == 0:
        return Variation.common_cause
    last = points.row(-1, named=True)
    if not last["special"] or last["direction"] is None:
        return Variation.common_cause
    high = last["direction"] == "high"
    if sign is None:
        return Variation.neither_high if high else Variation.neither_low
    if (sign > 0) == high:
        return Variation.improvement_high if high else Variation.improvement_low
    return Variation.concern_high if high else Variation.concern_low


def assurance_of(points: pl.DataFrame, target: float | None, sign: int | None) -> Assurance | None:
    """Whether the current process limits (the latest part's) pass the target every time."""
    if target is None or sign is None or points.height == 0:
        return None
    last = points.row(-1, named=True)
    lcl, ucl = last["lcl"], last["ucl"]
    good_limit, bad_limit = (lcl, ucl) if sign > 0 else (ucl, lcl)
    if sign * (good_limit - target) >= 0:
        return Assurance.passing
    if sign * (bad_limit - target) < 0:
        return Assurance.failing
    return Assurance.hit_and_miss


@dataclass(frozen=True)
class SpcResult:
    """An indicator's XmR chart, its judgements and any caution."""

    indicator_id: str
    points: pl.DataFrame  # xmr() output
    variation: Variation
    assurance: Assurance | None
    target: float | None
    warning: str | None
    recalculated_from: str | None  # the period the latest limits start from


def _target(indicator: Indicator) -> float | None:
    target = indicator.target
    return target.value if target is not None else None


def analyse(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    recalculate_from: str | None = None,
) -> SpcResult | None:
    """SPC of an indicator's headline values; None with fewer than two values to chart."""
    rows = (
        results.lazy()
        .filter(
            (pl.col("indicator_id") == indicator.id)
            & pl.col("breakdown").is_null()
            & pl.col("value").is_not_null()
        )
        .select("period", "period_start", "period_end", "value")
    )
    start = periods.start_of(recalculate_from, indicator.period_type) if recalculate_from else None
    points = xmr(rows, recalculate_from=start)
    if points.height < 2:
        return None
    if start is not None and points.get_column("segment").n_unique() < 2:
        start, recalculate_from = None, None  # no points on one side: nothing to recalculate
        points = xmr(rows)
    sign = better_sign(indicator)
    latest = points.filter(pl.col("segment") == points.get_column("segment").max()).height
    warning = None
    per = "months" if indicator.period_type is periods.PeriodType.month else "quarters"
    if latest < MIN_POINTS:
        since = (
            f" since {periods.describe(recalculate_from, indicator.period_type)}"
            if recalculate_from
            else ""
        )
        warning = (
            f"Only {latest} {per}{since}: the limits are provisional. They need at least "
            f"{MIN_POINTS} points to tell a real change from noise with confidence."
        )
    return SpcResult(
        indicator_id=indicator.id,
        points=points,
        variation=variation_of(points, sign),
        assurance=assurance_of(points, _target(indicator), sign),
        target=_target(indicator),
        warning=warning,
        recalculated_from=recalculate_from,
    )


def sentence(indicator: Indicator, result: SpcResult) -> str:
    """The variation and assurance in one or two plain-English sentences."""
    last = result.points.row(-1, named=True)
    when = periods.describe(last["period"], indicator.period_type)
    value = summaries.number_text(last["value"])
    mean = summaries.number_text(round(last["mean"], 1))
    low = summaries.number_text(round(max(last["lcl"], 0.0), 1))
    high = summaries.number_text(round(last["ucl"], 1))
    style = VARIATION_STYLES[result.variation]
    if result.variation is Variation.common_cause:
        text = (
            f"{when}: {value}, within the usual range ({low} to {high} around an average of "
            f"{mean}): common cause variation, no significant change."
        )
    else:
        text = (
            f"{when}: {value}. {style.words} — a real change, not noise: {last['rules']}. The "
            f"average is {mean} and the usual range {low} to {high}."
        )
    if result.assurance is not None and result.target is not None:
        target = summaries.plain_number(indicator, result.target)
        words = ASSURANCE_STYLES[result.assurance].words.lower()
        text += f" Against the target of {target}: {words}."
    return summaries.upper_first(text)


def table(indicator: Indicator, result: SpcResult) -> pl.DataFrame:
    """The SPC chart as a readable table, one row per period."""
    rounded = [pl.col(c).round(1) for c in ("mean", "lcl", "ucl")]
    return result.points.select(
        pl.col("period").alias("Period"),
        summaries.number_expr(pl.col("value")).alias("Value"),
        summaries.number_expr(rounded[0]).alias("Mean"),
        summaries.number_expr(rounded[1].clip(lower_bound=0)).alias("Lower limit"),
        summaries.number_expr(rounded[2]).alias("Upper limit"),
        pl.when(pl.col("special"))
        .then(pl.concat_str(pl.lit("Special cause: "), pl.col("rules")))
        .otherwise(pl.lit("Common cause"))
        .alias("Variation"),
    )


POINT_KINDS = (
    "Common cause",
    "Special cause: improvement",
    "Special cause: concern",
    "Special cause: neither better nor worse",
)


def point_kind_expr(sign: int | None) -> pl.Expr:
    """Each point's variation in words, judged by polarity (`sign`: +1 higher is better)."""
    high = pl.col("direction") == "high"
    special = pl.col("special")
    if sign is None:
        return pl.when(special).then(pl.lit(POINT_KINDS[3])).otherwise(pl.lit(POINT_KINDS[0]))
    better = high if sign > 0 else ~high
    return (
        pl.when(~special)
        .then(pl.lit(POINT_KINDS[0]))
        .when(better)
        .then(pl.lit(POINT_KINDS[1]))
        .otherwise(pl.lit(POINT_KINDS[2]))
    )
