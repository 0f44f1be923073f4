"""Commentary (officers): what is behind a number and what is being done about it.

`?indicator=<id>&period=<label>` picks what to write about, so the link under each chart opens
the right one. Every save is a new version, with who and when; nothing is overwritten.
"""

from __future__ import annotations

import streamlit as st

from dashboard import app_pages, commentary_block, data, indicator_detail
from dashboard import components as ui
from metrics import commentary, disclosure, summaries

ui.require_role(app_pages.OFFICERS, "Writing commentary")
view = data.view()

ui.page_title(
    "Commentary",
    "Say what is behind a number and what is being done about it, for one measure and period. "
    "The latest version shows under the measure's chart on its priority page and its detail "
    "page, and in every export and board pack; earlier versions can still be read.",
)

if not view.has_data:
    ui.no_data_yet()
    st.stop()

indicator, problem = indicator_detail.indicator_from_address(view.registry)
if problem:
    st.warning(problem, icon=":material/warning:")
indicator_detail.indicator_picker(view.registry, indicator)
period, problem = indicator_detail.period_from_address(indicator, view.results)
if problem:
    st.warning(problem, icon=":material/warning:")
if period is None:
    ui.empty_state(
        f"There are no figures for {indicator.title} yet, so there is nothing to comment on.",
        ui.uploaded_next(indicator),
    )
    st.stop()
indicator_detail.period_picker(indicator, view.results, period)
when = summaries.period_short(indicator, period)

engine = data.engine()
history = commentary.history(engine, indicator.id, period)
current = history.sort("version", descending=True).get_column("text")
st.header(f"Write the commentary for {when}", anchor="write")
threshold = disclosure.default_threshold()
st.markdown(
    "Plain text or Markdown: **bold**, *italic*, lists and links. Headings, pictures and "
    f"scripts are removed. At most {commentary.MAX_CHARS:,} characters. Commentary is "
    f"published, so numbers of people below {threshold} are not allowed: write “fewer than "
    f"{threshold} children” instead of the number."
)
with st.form(f"commentary-{indicator.id}-{period}"):
    text = st.text_area(
        f"Commentary on {indicator.title}, {when}",
        value=current[0] if current.len() else "",
        max_chars=commentary.MAX_CHARS,
        height=220,
    )
    preview = st.form_submit_button("Preview", icon=":material/visibility:")
    save = st.form_submit_button("Save as a new version", type="primary", icon=":material/save:")

if preview:
    st.subheader("Preview", anchor="preview")
    st.markdown(commentary.to_html(text), unsafe_allow_html=True)
    if problem := commentary.small_numbers_problem(text):
        st.warning(f"{problem} It cannot be saved as it is.", icon=":material/warning:")
if save:
    who = ui.current_user()
    try:
        role = app_pages.current_role()
        version = commentary.save(
            engine, indicator.id, period, text, who, registry=view.registry, role=role
        )
    except commentary.CommentaryError as err:
        st.error(str(err), icon=":material/error:")
    else:
        st.success(f"Saved as version {version}.", icon=":material/check_circle:")
        history = commentary.history(engine, indicator.id, period)

st.header("Version history", anchor="history")
if not history.height:
    st.markdown(f"No commentary has been written for {indicator.title}, {when}, yet.")
for row in history.sort("version", descending=True).to_dicts():
    with st.container(border=True):
        st.markdown(f"**{commentary_block.byline(row)}**")
        st.markdown(commentary.to_html(str(row["text"])), unsafe_allow_html=True)
ui.detail_link(indicator, label=f"See it under the chart: {indicator.title}", period=period)
