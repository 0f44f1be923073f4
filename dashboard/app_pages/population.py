"""Our SEND population: the context behind the measures (no targets)."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import data, population_block

view = data.view()

ui.page_title(
    "Our SEND population",
    f"The children and young people with special educational needs and disabilities (SEND) in "
    f"the {view.registry.area.name}: how many have an Education, Health and Care (EHC) plan, "
    "their main needs, sex, ethnic group and age, short breaks, and how many get SEN Support. "
    "These figures are context for the strategy, not measures with targets.",
)

if not view.has_data:
    ui.no_data_yet()

for indicator in view.registry.for_priority("context"):
    st.divider()
    population_block.show(indicator, view)
