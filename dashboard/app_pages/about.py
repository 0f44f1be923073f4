"""About: how the dashboard works, methodology from the registry, glossary, data, accessibility."""

from __future__ import annotations

import streamlit as st

from dashboard import about_block, data
from dashboard import components as ui
from metrics import disclosure, glossary, status

view = data.view()
registry = view.registry

area = registry.area
members = f"elected members on {area.committee}" if area.committee else "elected members"
ui.page_title(
    "About this dashboard",
    f"This dashboard tracks the measures of success of the {area.strategy_title}. "
    f"It is for {area.board}, {members}, parent carers and anyone who wants to know how the "
    "strategy is going. Every figure is worked out from the files officers upload, in the same "
    "way each time.",
)
st.markdown(
    "Every measure has a plain-English summary, a chart with a written description, a table "
    "of the same figures and its methodology. The demo version of the dashboard runs on "
    "synthetic data that describes no real child."
)

st.header("How status is decided", anchor="status")
st.markdown(
    "Each measure with a target gets a status. The status is always shown as a symbol and "
    "words, never by colour alone."
)
about_block.status_key_table()
st.markdown(
    f"""\
- **Rates and survey results** carry a 95% confidence interval (Wilson score method): the range
  the true figure could reasonably be in, given how few children or responses it rests on. A
  rate whose interval still includes its target is called *at risk*, never *off track*: the gap
  could be chance. A rate resting on fewer children or answers than the measure's minimum
  (usually 5) is called *too few to judge*.
- **Targets and trajectories.** A measure is judged against its trajectory for the period where
  one is set; otherwise against a straight line from its baseline to its target date, and after
  that date against the target itself.
- **Counts** within {status.COUNT_TOLERANCE:.0%} of where they should be are *at risk*; further
  away, *off track*.
- **Milestones** are *complete* once the lead records completion. A milestone in progress is
  *on track* until its due date passes; one not yet started is *not yet due*, *at risk* within
  {status.DUE_SOON_DAYS} days of its due date and *off track* after it.
- **Before and after** measures (Local Offer website hits) compare the average month in the
  12 months after an event with the 12 months before it.
- **Not judged** is said of a measure whose target is only a direction (for example, for the
  figure to go up) until a baseline or trajectory gives it a figure to be judged against;
  **No target set** of a measure of success the strategy sets no target for.
- **Context measures** describe the SEND population and have no target, so no status.
"""
)

st.header("Small numbers and privacy", anchor="disclosure")
st.markdown(disclosure.rules(disclosure.default_threshold()))

st.header("Methodology", anchor="methodology")
st.markdown(
    "What each measure counts, where the data comes from, how often it is updated and where "
    "its target and baseline come from. This text comes from the same registry of indicators "
    "the calculations use, so it always matches them."
)
for section, measures in about_block.indicators_by_section(registry):
    st.subheader(section, anchor=False)
    for indicator in measures:
        ui.methodology(indicator)

st.header("Glossary", anchor="glossary")
every_term = glossary.terms(registry.glossary)
if registry.glossary:
    st.markdown(
        "The first part is the strategy's own glossary, word for word. The second explains "
        "other words and abbreviations used on these pages."
    )
    about_block.glossary_list(
        "From the strategy", [t for t in every_term if t.source == "strategy"]
    )
about_block.glossary_list(
    "Also used on this dashboard", [t for t in every_term if t.source == "dashboard"]
)

st.header("Data sources", anchor="data-sources")
st.markdown(
    "Officers upload pseudonymised, record-level extracts (one row per request, plan, "
    "placement or survey answer, with no names, dates of birth or other direct identifiers) "
    "and a few figures that arrive already counted. The table shows each source, how many "
    "measures use it and when it was last updated."
)
if view.has_data:
    about_block.freshness_table(view.freshness)
else:
    ui.no_data_yet()
st.markdown(
    "National comparisons use official statistics from the Department for Education (DfE): "
    "'Education, health and care plans' (the SEN2 return), the SEND Tribunal appeal rate "
    "tables and the Local Authority Interactive Tool."
)

st.header("Accessibility statement", anchor="accessibility")
st.markdown(
    f"""\
We want as many people as possible to be able to use this dashboard. It aims to meet the Web
Content Accessibility Guidelines (WCAG) 2.2 at level AA. In particular:

- every chart has a written description beneath it and a table of the same figures;
- status is always shown as a symbol and words, never by colour alone, and the colours used
  are chosen to be told apart by people with colour-blindness;
- text colours meet the AA contrast ratio against their background;
- headings follow in order, so screen reader users can move around each page by heading;
- each page has its own title in the browser tab;
- the pages work with a keyboard alone, and the place of the keyboard focus is always marked.

**How we checked.** On 28 November 2026 we tested every page with axe-core 4.12.1, an automated
accessibility checker (run by axe-playwright-python in the Chromium browser), against the rules
of WCAG 2.0, 2.1 and 2.2 at levels A and AA: the Overview, also as published, each priority
page, a measure's detail page, the Action Plan, Our SEND population, meeting mode, this About
page, and the officers' and admins' pages (Upload data at each step, Commentary, Data and audit,
Targets, Audit log). Each page was checked once its charts were drawn, again with every section
that opens and closes opened, at 320 pixels wide and at 200% zoom. The checker found no
violations. Tables wider than a narrow screen wrap their text rather than scrolling sideways.
We also checked that a keyboard alone reaches a priority page and a measure's details from the
Overview, with the focus visible at every step, and that meeting mode's arrow keys work. These
checks run again with every change to the dashboard.

**Known limitations.** Charts are pictures to assistive technology: each one's description
beneath it and its table (under "Table: ...") give the same figures in words and numbers. The
details that appear when pointing at a chart with a mouse are also in those tables. Some menus
and drop-down lists come from Streamlit, and their behaviour with some screen readers is outside
our control.

**Feedback.** If you find something hard to use, or need the information in another format,
contact {area.contact_words} and tell us the page and what went wrong. We aim to reply
within 10 working days. If you are not happy with our reply, contact the Equality Advisory and
Support Service (EASS).
"""
)
