"""Monthly or quarterly counted values, compared before and after a dated event.

The Local Offer measure asks whether website hits rise after the Local Offer review: the
months after the review are set against the same number of months before it. The month of
the event itself belongs to neither window.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.compute.frames import aggregate_rows, dataset_frame, months_in
from metrics.registry import Indicator

PERIOD_KEYS = ["period", "period_start", "period_end"]
COMPARISON_BREAKDOWN = "Before and after"


def event_frame(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """One row, `_event`: the event's date, null while it has not happened."""
    src = indicator.source
    if src.event_date is not None:
        return pl.LazyFrame({"_event": [src.event_date]}, schema={"_event": pl.Date})
    if src.event_milestone is None:
        return pl.LazyFrame({"_event": [None]}, schema={"_event": pl.Date})
    # the latest status of the milestone says whether (and when) it was completed
    return (
        dataset_frame(frames, "milestones")
        .filter(pl.col("milestone_id") == src.event_milestone)
        .select(_event=pl.col("completed_date").sort_by("status_date", maintain_order=True).last())
    )


def _windows(event: pl.LazyFrame, months: int) -> pl.LazyFrame:
    month = pl.col("_event").dt.month_start()
    return event.with_columns(
        _before_start=month.dt.offset_by(f"-{months}mo"),
        _before_end=month.dt.offset_by("-1d"),
        _after_start=month.dt.offset_by("1mo"),
        _after_end=month.dt.offset_by(f"{months + 1}mo").dt.offset_by("-1d"),
    )


def _inside(window: str) -> pl.Expr:
    return (
        (pl.col("period_start") >= pl.col(f"_{window}_start"))
        & (pl.col("period_end") <= pl.col(f"_{window}_end"))
        & pl.col("value").is_not_null()
    ).fill_null(False)


def _comparison(headline: pl.LazyFrame, window: str, group: str, months: int) -> pl.LazyFrame:
    """The window's total as one row, dated by the last period with data in it."""
    start, end = pl.col(f"_{window}_start"), pl.col(f"_{window}_end")
    span = pl.format("{} to {}", start.dt.strftime("%B %Y"), end.dt.strftime("%B %Y"))
    complete = pl.format("{}: {} of {} months have data.", span, pl.col("denominator"), months)
    not_yet = pl.format(
        "Not complete yet: {} of the {} months ({}) so far.",
        pl.col("denominator"),
        months,
        span,
    )
    return (
        headline.filter(pl.col(f"_in_{window}"))
        .select(
            pl.col(*PERIOD_KEYS).last(),
            start.first(),
            end.first(),
            numerator=pl.col("value").sum(),
            denominator=pl.col("_months").sum(),
        )
        .filter(pl.col("denominator") > 0)
        .with_columns(
            value=pl.col("numerator"),
            breakdown=pl.lit(COMPARISON_BREAKDOWN),
            breakdown_group=pl.lit(group),
            note=pl.when(pl.col("period_end") < end).then(not_yet).otherwise(complete),
        )
    )


def series(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """One headline row per period, plus the before and after windows around the event.

    Headline rows carry working columns for `status.assess`: the before window's mean per
    month, the after window's mean per month using data up to that row, and whether the
    after window is complete by then.
    """
    src = indicator.source
    months = src.window_months
    event_words = src.event_label or "the review"
    value = pl.col("value")
    headline = (
        aggregate_rows(frames, indicator)
        .filter(pl.col("breakdown").is_null())
        .select(*PERIOD_KEYS, value=pl.col("count"))
        .with_columns(
            _months=pl.when(value.is_not_null())
            .then(months_in(pl.col("period_start"), pl.col("period_end")))
            .otherwise(0)
        )
        .join(_windows(event_frame(indicator, frames), months), how="cross")
        .with_columns(_in_before=_inside("before"), _in_after=_inside("after"))
        .sort("period_start")
    )
    before_months = pl.col("_months").filter(pl.col("_in_before")).sum()
    after_months = pl.when(pl.col("_in_after")).then(pl.col("_months")).otherwise(0).cum_sum()
    after_total = pl.when(pl.col("_in_after")).then(value).otherwise(0).cum_sum()
    headline = headline.with_columns(
        _event_known=pl.col("_event").is_not_null(),
        _before_mean=pl.when(before_months > 0).then(
            value.filter(pl.col("_in_before")).sum() / before_months
        ),
        _after_months=after_months,
        _after_mean=pl.when(after_months > 0).then(after_total / after_months),
        _after_complete=(pl.col("period_end") >= pl.col("_after_end")).fill_null(False),
    )
    return pl.concat(
        [
            headline,
            _comparison(headline, "before", f"{months} months before {event_words}", months),
            _comparison(headline, "after", f"{months} months after {event_words}", months),
        ],
        how="diagonal_relaxed",
    )
