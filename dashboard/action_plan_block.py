"""The Action Plan's milestones: how their status is worked out, their table and timeline."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.components import chart_with_table
from metrics import status, summaries

PROGRESS_WORDS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "at_risk": "At risk",
    "delayed": "Delayed",
    "complete": "Complete",
}


def milestone_status_key() -> None:
    with st.expander("How a milestone's status is worked out"):
        st.markdown(
            f"""- **{status.label("complete")}**: the lead has recorded it as complete.
- **{status.label("on_track")}**: in progress and not yet past its due date.
- **{status.label("at_risk")}**: the lead says it is at risk, or it has not started and is due
  within {status.DUE_SOON_DAYS} days.
- **{status.label("off_track")}**: the lead says it is delayed, or its due date has passed.
- **{status.label("not_yet_due")}**: not started and not due for a while yet.
"""
        )


def milestone_rows(plan: pl.DataFrame, priority: str | None = None) -> pl.DataFrame:
    """Milestones as a readable table: action, lead, due, status, progress, evidence."""
    rows = plan.lazy()
    if priority is not None:
        rows = rows.filter(pl.col("priority") == priority)
    return rows.select(
        pl.col("action").alias("Action"),
        pl.col("lead").alias("Lead"),
        summaries.uk_date_expr(pl.col("due_date")).alias("Due"),
        summaries.status_text_expr(column="status").alias("Status"),
        pl.col("progress")
        .replace_strict(PROGRESS_WORDS, default=pl.col("progress"), return_dtype=pl.String)
        .alias("Progress reported"),
        summaries.uk_date_expr(pl.col("status_date")).alias("Reviewed"),
        pl.col("evidence").fill_null("").alias("Evidence"),
    ).collect()


def milestone_table(plan: pl.DataFrame, priority: str) -> None:
    table = milestone_rows(plan, priority)
    if table.height == 0:
        st.markdown("No milestones uploaded for this priority yet.")
        return
    st.table(table)


def milestone_timeline(view: data.View) -> None:
    plan = view.action_plan
    counts = plan.group_by("status").len().sort("len", descending=True)
    described = ", ".join(
        f"{n} {status.words(s).lower()}" for s, n in counts.iter_rows() if s is not None
    )
    chart_with_table(
        view.milestone_timeline(),
        description=(
            f"Timeline of the {plan.height} Action Plan milestones by due date, one row per "
            f"milestone, marked by status: {described}."
        ),
        table=milestone_rows(plan),
        table_label="every milestone",
        empty="No milestone has a due date to place on a timeline yet.",
    )
