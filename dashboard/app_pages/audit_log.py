"""Audit log (admins): who signed in, who was refused what, and every change, with when."""

from __future__ import annotations

import streamlit as st

from dashboard import app_pages, data
from dashboard import components as ui
from metrics import audit

ui.require_role(app_pages.ADMINS, "The audit log")

ui.page_title(
    "Audit log",
    "Every sign-in, every refusal (someone opening a page or doing something their role does "
    "not allow) and every change: uploads, roll backs, commentary and target changes, with who "
    "and when. Newest first; times are UK time. Nothing in the log can be changed or deleted "
    "from the dashboard.",
)

kinds = st.multiselect(
    "Show only these kinds of event (leave empty for every kind)",
    list(audit.ACTIONS),
    format_func=lambda a: audit.ACTION_WORDS[a],
    key="audit_kinds",
)
engine = data.engine()
actions = kinds or None
events = audit.events(engine, limit=audit.SHOWN, actions=actions)
if not events.height:
    ui.empty_state("Nothing has been recorded yet.", "Events appear here as they happen.")
    st.stop()

exported = audit.events(engine, limit=audit.EXPORTED, actions=actions)
st.markdown(
    f"All {events.height:,} events recorded, newest first."
    if events.height < audit.SHOWN
    else f"The newest {audit.SHOWN:,} events; the download has the newest {exported.height:,}."
)
st.download_button(
    f"Download {exported.height:,} events as a CSV file",
    data=audit.events_csv(exported),
    file_name="audit_log.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
st.table(audit.event_rows(events))
