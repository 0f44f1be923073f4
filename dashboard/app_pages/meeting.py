"""Meeting mode: the dashboard on the shared screen, one priority at a time, in large type.

The first screen is the strategy at a glance (the Overview's status counts and scorecard, in
large type), then what changed since the Board last met (`dashboard/meeting_block.py`:
`?since=YYYY-MM-DD`, or the last meeting date an officer recorded); then one screen per
priority: its scorecard rows, then each measure's chart, large enough to read across a room.
`?priority=<id>` says which is shown, so the agenda can link straight to it.
Previous and next are buttons (Tab, then Enter or Space) with the left and right arrow keys as
shortcuts.
"""

from __future__ import annotations

import html

import streamlit as st

from dashboard import components as ui
from dashboard import data, meeting_block, scorecard_block
from metrics import commentary, meetings, summaries

PARAM = "priority"
# Large type for the shared screen, only inside this page's own container.
STYLE = """<style>
.st-key-meeting p, .st-key-meeting li { font-size: 1.6rem; line-height: 1.5; }
.st-key-meeting h3 { font-size: 2rem; }
</style>"""

st.set_page_config(initial_sidebar_state="collapsed")
view = data.view()
registry = view.registry
screens: list[str | None] = [None, *(p.id for p in registry.priorities)]  # None: what changed


def _screen() -> int:
    wanted = st.query_params.get(PARAM)
    return screens.index(wanted) if wanted in screens else 0


def _go(step: int) -> None:
    target = screens[max(0, min(len(screens) - 1, _screen() + step))]
    if target is None:
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = target


at = _screen()
st.html(STYLE)
with st.container(key="meeting"):
    if not view.has_data:
        ui.no_data_yet()
    if screens[at] is None:
        ui.page_title("Meeting: the strategy at a glance")
        if view.has_data:
            scorecard_block.show(view, large=True)
        st.header("What changed since the last meeting", anchor="changes")
        recorded = meetings.dates(data.engine())
        since = meeting_block.meeting_from_address(recorded, view.snap.today)
        if since is None:
            meeting_block.since_previous_period(view)
        elif view.has_data:
            meeting_block.meeting_picker(recorded, since, view.snap.today)
            meeting_block.since_meeting(view, since)
        meeting_block.record_form(view, recorded)
    else:
        priority = registry.priority(screens[at])
        ui.page_title(f"Meeting: {ui.priority_heading(priority)}")
        if view.has_data:
            scorecard_block.show(view, large=True, priority=priority.id)
        notes = commentary.latest(data.engine())
        for indicator in registry.for_priority(priority.id):
            if not indicator.headline:
                continue
            st.markdown(f"### {html.escape(indicator.title)}")
            spec = view.trend(indicator.id, large=True)
            if spec is not None:  # the chart's text is 16 px or more
                st.vega_lite_chart(spec, width="stretch", theme=None)
            row = summaries.latest(view.results, indicator.id)
            ui.status_badge(None if row is None else row["status"], indicator)
            st.markdown(summaries.summary_sentence(indicator, row, today=view.snap.today))
            if row is not None:
                ui.footnotes(row)
            text = None if row is None else commentary.text_for(notes, indicator.id, row["period"])
            if text:
                st.markdown(f"**Commentary:** {commentary.to_text(text)}")

    back, where, forward = st.columns([1, 2, 1])
    back.button(
        "Previous", icon=":material/arrow_back:", on_click=_go, args=(-1,),
        disabled=at == 0, shortcut="Left", key="meeting-previous",
    )  # fmt: skip
    where.markdown(f"Screen {at + 1} of {len(screens)}")
    forward.button(
        "Next", icon=":material/arrow_forward:", on_click=_go, args=(1,),
        disabled=at == len(screens) - 1, shortcut="Right", key="meeting-next",
    )  # fmt: skip
st.page_link("app_pages/overview.py", label="Leave meeting mode", icon=":material/close:")
