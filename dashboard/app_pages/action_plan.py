"""Action Plan: the milestones under the strategy, by priority, with a timeline."""

from __future__ import annotations

import streamlit as st

from dashboard import action_plan_block, data
from dashboard import components as ui

view = data.view()

ui.page_title(
    "Action Plan",
    "The Action Plan under the strategy sets out key actions for each priority, each with a "
    "lead and a due date. This page shows every milestone at its latest review: its status "
    "against the due date, its progress and the evidence recorded.",
)
action_plan_block.milestone_status_key()

if view.action_plan.height == 0:
    ui.empty_state(
        "No Action Plan milestones have been uploaded yet.",
        "An officer can upload the Action Plan milestones file; each milestone then appears "
        "here with its lead, due date and status.",
    )
    st.stop()

st.header("Timeline", anchor="timeline")
action_plan_block.milestone_timeline(view)

st.header("Milestones by priority", anchor="milestones")
for priority in view.registry.priorities:
    st.subheader(ui.priority_heading(priority), anchor=f"priority-{priority.id}")
    action_plan_block.milestone_table(view.action_plan, priority.id)
