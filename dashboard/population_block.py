"""Our SEND population: one context measure in words, its trend and its breakdowns as shares."""

from __future__ import annotations

import streamlit as st

from dashboard import data, downloads
from dashboard.components import (
    breakdown_table,
    breakdowns_of,
    chart_with_table,
    comparison_words,
    detail_link,
    footnotes,
    freshness_line,
    methodology,
    no_figure_yet,
    trend,
)
from metrics import summaries
from metrics.registry import Indicator


def show(indicator: Indicator, view: data.View) -> None:
    """A context measure: latest figure in words, trend, and its breakdowns as shares."""
    results = view.results
    st.header(indicator.title, anchor=indicator.id)
    st.markdown(indicator.description)
    row = summaries.latest(results, indicator.id)
    if row is None:
        no_figure_yet(indicator, view)
        return
    today = view.snap.today
    st.markdown(summaries.summary_sentence(indicator, row, with_interval=True, today=today))
    footnotes(row)
    comparison_words(indicator, view)
    trend(indicator, view)
    downloads.under_trend(indicator, view)
    when = summaries.period_short(indicator, row["period"], today)
    for name in breakdowns_of(indicator, results, row["period"]):
        st.subheader(f"By {name.lower()}, {when}", anchor=False)
        chart_with_table(
            view.chart("population_chart", indicator.id, name),
            description=f"{indicator.title} by {name.lower()}, {when}.",
            table=breakdown_table(indicator, results, name, row["period"]),
            table_label=f"by {name.lower()}, {when}",
            empty=f"No breakdown by {name.lower()} for {when}.",
        )
        downloads.under_chart(
            indicator, view, kind="population", breakdown=name, period=row["period"],
            label=f"{indicator.title} by {name.lower()}, {when}",
        )  # fmt: skip
    methodology(indicator)
    freshness_line(indicator, view)
    detail_link(indicator)
