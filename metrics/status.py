"""Status against target: polarity-aware, honest about small numbers (DESIGN.md section 5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from metrics import periods
from metrics.registry import Indicator, IndicatorType, Polarity


class Status(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    complete = "complete"
    not_yet_due = "not_yet_due"
    too_few = "too_few"
    no_data = "no_data"


@dataclass(frozen=True)
class StatusStyle:
    words: str
    icon: str  # a text symbol, so status never rests on colour alone
    colour: str  # Okabe-Ito colour-blind-safe palette, dark enough for text on white
    meaning: str


STYLES: dict[Status, StatusStyle] = {
    Status.on_track: StatusStyle("On track", "✔", "#006B3D", "Meets its target or trajectory."),
    Status.at_risk: StatusStyle(
        "At risk", "▲", "#8A4B00",
        "Below target, but within the margin of uncertainty or the agreed tolerance.",
    ),
    Status.off_track: StatusStyle(
        "Off track", "✖", "#B3261E", "Below target by more than chance or tolerance explains."
    ),
    Status.complete: StatusStyle("Complete", "★", "#0B5394", "The milestone is complete."),
    Status.not_yet_due: StatusStyle(
        "Not yet due", "◷", "#4A4A4A", "Work has not started and is not yet due."
    ),
    Status.too_few: StatusStyle(
        "Too few to judge", "≈", "#4A4A4A",
        "The number of children or responses is too small to judge against the target.",
    ),
    Status.no_data: StatusStyle("No data", "○", "#4A4A4A", "No data has been uploaded yet."),
}  # fmt: skip


def words(status: Status | str) -> str:
    return STYLES[Status(status)].words


def label(status: Status | str) -> str:
    """Icon plus words, e.g. '✔ On track'."""
    style = STYLES[Status(status)]
    return f"{style.icon} {style.words}"


# ---------------------------------------------------------------------------------------------
# Judging a result against its target
# ---------------------------------------------------------------------------------------------

COUNT_TOLERANCE = 0.10  # a count within 10% of its reference is at risk, not off track
DUE_SOON_DAYS = 90  # a milestone not started and due within this many days is at risk
_EPS = 1e-9  # a value equal to its reference up to rounding has met it

_RATE_TYPES = {IndicatorType.rate, IndicatorType.survey}


def _lit(status: Status | None) -> pl.Expr:
    return pl.lit(None if status is None else status.value, dtype=pl.String)


def better_sign(indicator: Indicator) -> int | None:
    """+1 when higher is better, -1 when lower is better, None when neither is said.

    Polarity decides; an indicator without one takes the direction of its target.
    """
    if indicator.polarity == Polarity.higher_is_better:
        return 1
    if indicator.polarity == Polarity.lower_is_better:
        return -1
    direction = indicator.target.direction if indicator.target else None
    return {"increase": 1, "decrease": -1}.get(direction or "")


def _baseline_end(indicator: Indicator) -> dt.date | None:
    if indicator.baseline is None:
        return None
    return periods.end_of(indicator.baseline.period, indicator.period_type)


def _judgeable(indicator: Indicator) -> pl.Expr:
    """Headline rows with a value that can be judged (enough behind it, for a rate)."""
    mask = pl.col("breakdown").is_null() & pl.col("value").is_not_null()
    if indicator.type in _RATE_TYPES:
        mask &= pl.col("denominator") >= indicator.min_denominator
    return mask


def _first_judgeable_end(indicator: Indicator) -> pl.Expr:
    return pl.col("period_end").filter(_judgeable(indicator)).min()


def _first_judgeable_value(indicator: Indicator) -> pl.Expr:
    first = _judgeable(indicator) & (pl.col("period_end") == _first_judgeable_end(indicator))
    return pl.col("value").filter(first).first()


def reference_expr(indicator: Indicator) -> pl.Expr:
    """The value each period is judged against (null where there is none).

    A trajectory point for the period wins. Otherwise a dated target value is approached in a
    straight line from the baseline (at the end of its period) to the target (at its date),
    read at the end of the period; after the target date, or with no baseline, it is the
    target itself. A target with only a direction is judged against the baseline; with no
    baseline in the registry, the first period that can be judged is the baseline.

    Reads period and period_end, and for that last case the value, denominator and
    breakdown columns of all the indicator's result rows.
    """
    target, baseline = indicator.target, indicator.baseline
    if target is None:
        return pl.lit(None, dtype=pl.Float64)
    period_end = pl.col("period_end")
    base_end = _baseline_end(indicator)
    if target.value is not None:
        ref = pl.lit(target.value, dtype=pl.Float64)
        if baseline is not None and base_end is not None and target.date and target.date > base_end:
            span = (target.date - base_end).days
            progress = ((period_end - pl.lit(base_end)).dt.total_days() / span).clip(0.0, 1.0)
            line = baseline.value + (target.value - baseline.value) * progress
            ref = pl.when(period_end < pl.lit(target.date)).then(line).otherwise(ref)
    elif baseline is not None:
        ref = pl.lit(baseline.value, dtype=pl.Float64)
    elif target.direction is not None:
        ref = _first_judgeable_value(indicator)
    else:
        ref = pl.lit(None, dtype=pl.Float64)
    points = {p.period: p.value for p in indicator.trajectory}
    if points:
        ref = pl.col("period").replace_strict(points, default=ref, return_dtype=pl.Float64)
    return ref.cast(pl.Float64)


def reference(indicator: Indicator, period: str) -> float | None:
    """The reference value for one period label, e.g. for drawing the trajectory.

    None where there is none, or where it comes from the data (a direction with no baseline).
    """
    target = indicator.target
    if target is None or (target.value is None and indicator.baseline is None):
        return None
    _, end = periods.parse(period, indicator.period_type)
    frame = pl.DataFrame(
        {"period": [period], "period_end": [end]},
        schema={"period": pl.String, "period_end": pl.Date},
    )
    return frame.select(reference_expr(indicator)).item()


def _target_status(indicator: Indicator) -> pl.Expr:
    """Rates, surveys and counts against their target, trajectory or baseline."""
    target = indicator.target
    if target is None:
        return _lit(None)
    sign = better_sign(indicator)
    maintain = target.direction == "maintain" and target.value is None
    value, den = pl.col("value"), pl.col("denominator")
    ref = reference_expr(indicator)
    is_rate = indicator.type in _RATE_TYPES
    if is_rate:
        close = (pl.col("lower") <= ref + _EPS) & (ref - _EPS <= pl.col("upper"))
    else:
        close = (value - ref).abs() <= COUNT_TOLERANCE * ref.abs() + _EPS
    at_least_as_good = (sign * (value - ref) >= -_EPS) if sign is not None else pl.lit(False)

    status = pl.when(value.is_null()).then(
        pl.when(den.fill_null(-1) == 0).then(_lit(Status.too_few)).otherwise(_lit(Status.no_data))
    )
    if is_rate:
        status = status.when(den < indicator.min_denominator).then(_lit(Status.too_few))
    if target.value is None:
        # a direction is judged from the period after its baseline
        base_end = _baseline_end(indicator)
        since = pl.lit(base_end) if base_end else _first_judgeable_end(indicator)
        status = status.when(pl.col("period_end") <= since).then(_lit(Status.not_yet_due))
    status = status.when(ref.is_null()).then(_lit(None))
    if maintain:
        return (
            status.when(close | at_least_as_good)
            .then(_lit(Status.on_track))
            .otherwise(_lit(Status.off_track))
        )
    if sign is None:
        return status.otherwise(_lit(None))
    return (
        status.when(at_least_as_good)
        .then(_lit(Status.on_track))
        .when(close)
        .then(_lit(Status.at_risk))
        .otherwise(_lit(Status.off_track))
    )


def milestone_status_expr(status: pl.Expr, due: pl.Expr, status_date: pl.Expr) -> pl.Expr:
    """A milestone's status from its own progress and its due date at the status date."""
    past_due = (due < status_date).fill_null(False)
    due_soon = ((due - status_date).dt.total_days() <= DUE_SOON_DAYS).fill_null(False)
    return (
        pl.when(status == "complete").then(_lit(Status.complete))
        .when(status == "at_risk").then(_lit(Status.at_risk))
        .when(status == "delayed").then(_lit(Status.off_track))
        .when(status == "in_progress")
        .then(pl.when(past_due).then(_lit(Status.off_track)).otherwise(_lit(Status.on_track)))
        .when(status == "not_started")
        .then(
            pl.when(past_due).then(_lit(Status.off_track))
            .when(due_soon).then(_lit(Status.at_risk))
            .otherwise(_lit(Status.not_yet_due))
        )
        .otherwise(_lit(Status.no_data))
    )  # fmt: skip


def _series_status(indicator: Indicator) -> pl.Expr:
    """After the event against before it, by mean per month, with the data up to each row."""
    sign = better_sign(indicator)
    if sign is None:
        return _lit(None)
    better = sign * (pl.col("_after_mean") - pl.col("_before_mean")) > 0
    return (
        pl.when(~pl.col("_event_known") | (pl.col("_after_months") == 0))
        .then(_lit(Status.not_yet_due))
        .when(pl.col("_before_mean").is_null())
        .then(_lit(Status.no_data))
        .when(better)
        .then(_lit(Status.on_track))
        .when(pl.col("_after_complete"))
        .then(_lit(Status.off_track))
        .otherwise(_lit(Status.at_risk))
    )


def status_expr(indicator: Indicator) -> pl.Expr:
    """The status of a headline result row (see `assess` for the columns it reads)."""
    if indicator.type is IndicatorType.milestone:
        return milestone_status_expr(
            pl.col("_milestone_status"), pl.col("_due_date"), pl.col("_status_date")
        )
    if indicator.type is IndicatorType.series:
        return _series_status(indicator)
    return _target_status(indicator)


def assess(indicator: Indicator, results: pl.LazyFrame) -> pl.LazyFrame:
    """Set `status` on every headline row of a calculator's output; breakdown rows get none.

    Reads the result columns (period, period_end, value, lower, upper, denominator) and, for
    milestones and series, the working columns their calculators add: `_milestone_status`,
    `_due_date`, `_status_date`; `_event_known`, `_before_mean`, `_after_mean`,
    `_after_months`, `_after_complete`.
    """
    headline = pl.col("breakdown").is_null()
    return results.with_columns(
        status=pl.when(headline).then(status_expr(indicator)).otherwise(_lit(None))
    )
