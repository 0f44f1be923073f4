"""Data and audit (officers): how up to date each dataset is, every upload ever stored, and
roll back (admins) with what it would bring back shown first."""

from __future__ import annotations

import streamlit as st

from dashboard import app_pages, data, officers
from dashboard import components as ui

ui.require_role(app_pages.OFFICERS, "The Data and audit page")
view = data.view()

ui.page_title(
    "Data and audit",
    "How up to date each kind of data is, every file ever uploaded (who, when, which file, "
    "how many rows, and whether its rows still count), and how to undo an upload.",
)
officers.rollback_outcome()
if not view.has_data:
    ui.no_data_yet()
    st.page_link(ui.UPLOAD_PAGE, label="Upload data", icon=":material/upload_file:")
    st.stop()

st.header("Data freshness", anchor="freshness")
st.markdown(
    "For each kind of data: the latest date it holds, when it was last uploaded and when the "
    "next update is due, going by how often the measures that use it are updated."
)
officers.freshness_list(view.freshness)

st.header("Every upload", anchor="uploads")
st.markdown(
    "Newest first. **Active**: its rows count in the figures. **Superseded**: a later upload "
    "for the same periods replaced all its rows; they are kept and come back if that upload is "
    "rolled back. **Rolled back**: undone; its rows no longer count. Times are UK time."
)
officers.batch_list(view.batches)

st.header("Roll back an upload", anchor="roll-back")
st.markdown(
    "Rolling back undoes an upload: its rows stop counting, and any rows it replaced count "
    "again. Nothing is deleted, and the upload stays in the list above, marked rolled back."
)
officers.rollback_control(view)
