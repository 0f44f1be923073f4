"""Meeting mode's first screen: what changed since the Board last met, and its meeting dates.

Which meeting: `?since=YYYY-MM-DD` in the address (a link in an agenda), else the last meeting
date an officer recorded before today. Without either, what changed since the previous period.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import app_pages, data
from dashboard import components as ui
from metrics import meetings, summaries
from metrics.summaries import uk_date

SHOWN = 12  # changes listed on the shared screen; the rest are counted
_CHOICE_KEY = "meeting_since"
_DONE_KEY = "meeting_date_done"  # the message to show after the run that saved a date


def _chosen() -> None:
    """The address follows the choice of meeting, so copying it shares the view."""
    st.query_params[meetings.PARAM] = st.session_state[_CHOICE_KEY].isoformat()


def meeting_from_address(recorded: list[dt.date], today: dt.date) -> dt.date | None:
    """The meeting the address names, else the last one recorded before today; a warning says
    why an address's date cannot be used."""
    wanted = st.query_params.get(meetings.PARAM)
    if wanted is not None:
        try:
            return meetings.parse_since(wanted, today)
        except meetings.MeetingError as err:
            st.warning(str(err), icon=":material/warning:")
            st.query_params.pop(meetings.PARAM, None)
    return meetings.last_before(recorded, today)


def meeting_picker(recorded: list[dt.date], day: dt.date, today: dt.date) -> None:
    """A choice among the recorded meetings (and the address's date), newest first."""
    choices = sorted({*(d for d in recorded if d < today), day}, reverse=True)
    if len(choices) < 2:
        return
    st.session_state[_CHOICE_KEY] = day
    st.selectbox(
        "Compare with the meeting on",
        choices,
        format_func=uk_date,
        key=_CHOICE_KEY,
        on_change=_chosen,
    )


def since_meeting(view: data.View, day: dt.date) -> None:
    """What changed since the meeting on `day`: figures and statuses, then uploads."""
    st.markdown(
        f"Since the Board met on **{uk_date(day)}**: the figures as they stood at the end of "
        "that day, set against the figures now. A link to this view: add "
        f"`?{meetings.PARAM}={day.isoformat()}` to the address."
    )
    found = meetings.changes(view.registry, view.results_at(day), view.results, view.snap.today)
    st.markdown(f"### Figures and statuses that changed ({len(found)})")
    if not found:
        st.markdown("No figure or status has changed since then.")
    else:
        ui.bullet_list(change.words for change in found[:SHOWN])
        if len(found) > SHOWN:
            st.markdown(
                f"…and {len(found) - SHOWN} more: each measure's page shows its figures, and "
                "the uploads below say where they came from."
            )
    st.markdown("### Uploads since the meeting")
    since = meetings.uploads_since(view.batches, meetings.cutoff(day), published=view.published)
    if since.height:
        st.table(since)
    else:
        st.markdown("No file has been uploaded or rolled back since then.")


def since_previous_period(view: data.View) -> None:
    """The fallback without a meeting date: what changed since each measure's previous period."""
    st.markdown(
        "No Board meeting date has been recorded yet, so this shows what changed since each "
        "measure's previous period. An officer can record the Board's meeting dates below, or "
        f"a link can name one: `?{meetings.PARAM}=2026-10-14`."
    )
    lines = summaries.what_changed(view.registry, view.results, limit=8) if view.has_data else []
    if lines:
        ui.bullet_list(lines)
    else:
        st.markdown("Nothing has changed since the previous period.")


def record_form(view: data.View, recorded: list[dt.date]) -> None:
    """For officers (the role checked here, on the server): record a date the Board met, or
    withdraw one recorded by mistake. Not part of the publication view."""
    if view.published or not ui.has_role(app_pages.OFFICERS):
        return
    today = view.snap.today
    done = st.session_state.pop(_DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    with st.expander("For officers: the Board's meeting dates", expanded=bool(done)):
        if recorded:
            st.markdown("Recorded: " + ", ".join(uk_date(d) for d in recorded) + ".")
        else:
            st.markdown("No meeting date has been recorded yet.")
        with st.form("meeting-date"):
            day = st.date_input(
                "Date the Board met", value=today, max_value=today, format="DD/MM/YYYY"
            )
            record = st.form_submit_button("Record this meeting", icon=":material/event:")
            withdraw = st.form_submit_button(
                "Withdraw this date (recorded by mistake)", icon=":material/event_busy:"
            )
    if not (record or withdraw):
        return
    if day is None:
        st.error("Choose the date the Board met first.", icon=":material/error:")
        return
    who, role = ui.current_user(), app_pages.current_role()
    try:
        if record:
            meetings.record(data.engine(), day, who, today=today, role=role)
        else:
            meetings.withdraw(data.engine(), day, who, role=role)
    except meetings.MeetingError as err:
        st.error(str(err), icon=":material/error:")
        return
    # run the page again, so that what changed is worked out from the dates as they are now
    st.session_state[_DONE_KEY] = (
        f"The meeting on {uk_date(day)} is {'recorded' if record else 'withdrawn'}."
    )
    st.rerun()
