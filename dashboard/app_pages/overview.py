"""Overview: every measure of success on one screen, grouped by priority."""

from __future__ import annotations

import streamlit as st

from dashboard import boardpack_ui, data
from dashboard import components as ui

view = data.view()
registry = view.registry

ui.page_title(
    "Overview",
    f"Every measure of success in the {registry.area.strategy_title}, grouped by the "
    "strategy's priorities: the latest figure, its status against the target, the change "
    "since the previous period and when its data was last updated.",
)

if not view.has_data:
    ui.no_data_yet()
    ui.priority_links(registry)
    st.stop()

ui.what_changed(view)

st.header("Measures of success by priority", anchor="measures")
left, right = st.columns(2)
chosen_priorities = left.multiselect(
    "Show priorities",
    [p.id for p in registry.priorities],
    format_func=lambda pid: ui.priority_heading(registry.priority(pid)),
    placeholder="All priorities",
)
chosen_statuses = right.multiselect(
    "Show statuses",
    ui.status_choices(),
    format_func=ui.status_choice_label,
    placeholder="All statuses",
)

shown_any = False
for priority in registry.priorities:
    if chosen_priorities and priority.id not in chosen_priorities:
        continue
    measures = ui.indicators_shown(view, priority.id, chosen_statuses)
    if not measures:
        continue
    shown_any = True
    st.subheader(ui.priority_heading(priority), anchor=f"priority-{priority.id}")
    ui.tile_grid(measures, view)

if not shown_any:
    ui.empty_state(
        "No measure matches the priorities and statuses chosen.",
        "Clear the filters above to see every measure.",
    )

boardpack_ui.section(view)
