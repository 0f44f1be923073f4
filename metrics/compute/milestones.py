"""Action Plan milestones: the latest status in each period, as 0, 50 or 100 (% done)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.compute.frames import PERIOD, dataset_frame, label_periods, with_period_index
from metrics.registry import Indicator

PERIOD_KEYS = ["period", "period_start", "period_end"]

PROGRESS: dict[str, float] = {
    "not_started": 0.0,
    "in_progress": 50.0,
    "at_risk": 50.0,
    "delayed": 50.0,
    "complete": 100.0,
}


def milestone(indicator: Indicator, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """One headline row per period, from the row with the latest status date in it.

    Working columns for `status.assess`: the milestone's own status, its due date (the
    registry's target date, else the uploaded due date) and the status date.
    """
    src = indicator.source
    due = indicator.target.date if indicator.target else None
    latest = pl.col("status_date")
    return (
        dataset_frame(frames, "milestones")
        .filter((pl.col("milestone_id") == src.milestone_id) & latest.is_not_null())
        .pipe(with_period_index, latest, indicator.period_type)
        .group_by(PERIOD)
        .agg(
            # on the same status date, the row uploaded last wins
            pl.col("status", "evidence", "due_date", "status_date")
            .sort_by(latest, maintain_order=True)
            .last(),
        )
        .pipe(label_periods, indicator.period_type)
        .select(
            *PERIOD_KEYS,
            value=pl.col("status").replace_strict(PROGRESS, default=None, return_dtype=pl.Float64),
            note=pl.col("evidence"),
            _milestone_status=pl.col("status"),
            _due_date=pl.lit(due, dtype=pl.Date).fill_null(pl.col("due_date")),
            _status_date=pl.col("status_date"),
        )
    )
