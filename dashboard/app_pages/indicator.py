"""Indicator detail: everything about one indicator, at a shareable address.

`?indicator=<id>` picks the indicator and `&period=<label>` the period; choosing either on the
page updates the address, so copying it shares exactly this view.
"""

from __future__ import annotations

import streamlit as st

from dashboard import commentary_block, data, downloads, indicator_detail
from dashboard import components as ui
from metrics import summaries

view = data.view()

indicator, problem = indicator_detail.indicator_from_address(view.registry)
if problem:
    st.warning(problem, icon=":material/warning:")

ui.browser_tab(f"{indicator.title} – Indicator detail", view.registry)
ui.page_title(indicator.title, indicator.description)
indicator_detail.indicator_picker(view.registry, indicator)
indicator_detail.priority_context(view.registry, indicator)

period, problem = indicator_detail.period_from_address(indicator, view.results)
if problem:
    st.warning(problem, icon=":material/warning:")

if period is None:
    ui.status_badge("no_data")
    ui.empty_state(
        summaries.summary_sentence(indicator, None),
        ui.uploaded_next(indicator),
    )
    # a new area has no data of its own yet, but the official figures are there from the start
    ui.comparison_section(indicator, view)
    ui.methodology(indicator)
    st.stop()

row = indicator_detail.period_picker(indicator, view.results, period)
today = view.snap.today
st.header(f"{summaries.period_short(indicator, period, today)} at a glance", anchor="at-a-glance")
ui.status_badge(row["status"], indicator)
st.markdown(summaries.summary_sentence(indicator, row, with_interval=True, today=today))
ui.footnotes(row)
ui.target_change_notice(indicator)
indicator_detail.note(row)
ui.freshness_line(indicator, view)

st.header("Trend", anchor="trend")
ui.trend(indicator, view)  # how we compare, in words, is under its own heading below
downloads.under_trend(indicator, view)
commentary_block.show(indicator, view, period)

ui.spc_section(indicator, view)
ui.comparison_section(indicator, view)

st.header("Breakdowns and distribution", anchor="breakdowns")
ui.breakdown_views(indicator, view, period, level=3, none_message=True)

st.header("Methodology", anchor="methodology")
ui.methodology(indicator, expanded=True)
indicator_detail.related(view.registry, indicator)
indicator_detail.share_link(indicator, period)
