"""Overview: the strategy's position on one screen (status counts by priority, then the
scorecard), then what changed, every measure's tile with filters, and the board pack."""

from __future__ import annotations

import streamlit as st

from dashboard import boardpack_ui, data, scorecard_block
from dashboard import components as ui

view = data.view()
registry = view.registry

ui.page_title("Overview", f"Where the {registry.area.strategy_title} stands.")

if not view.has_data:
    ui.no_data_yet()
    ui.priority_links(registry)
    st.stop()

# the strategy's position on one screen first; the detail follows
scorecard_block.show(view)
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
