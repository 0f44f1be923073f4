"""The one template every priority page uses: the strategy's words, then each measure in full."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import data


def show(priority_id: str) -> None:
    view = data.view()
    priority = view.registry.priority(priority_id)

    ui.page_title(ui.priority_heading(priority))
    ui.vision(priority)

    measures = view.registry.for_priority(priority_id)
    st.markdown(
        f"**{len(measures)} measures of success** below, each with its trend, what it means, a "
        "table of the figures and how it is measured."
    )
    if not view.has_data:
        ui.no_data_yet()
    for indicator in measures:
        st.divider()
        ui.trend_block(indicator, view)
