"""The Upload page's branch for web analytics exports (GA4, Universal Analytics), recognised by
their content: the month's Local Offer visits, checked, previewed (the month's figure before
and after) and stored through the same steps as any upload."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard import data, officers
from metrics import uploads, web_analytics
from metrics.ingest import analytics

_CHECKED = "analytics_checked"


def is_export(file: UploadedFile) -> bool:
    return analytics.detect(file.getvalue()) is not None


def _month(file: UploadedFile, view: data.View) -> str | None:
    """The month the officer chooses, when the export does not give its dates."""
    if not web_analytics.needs_month(file.getvalue()):
        return None
    return st.selectbox(
        "The file does not say which dates it covers: which month are the figures for?",
        web_analytics.recent_months(view.snap.today),
        index=None,
        format_func=analytics.month_words,
        placeholder="Choose the month",
        key=f"analytics_month_{file.file_id}",
    )


def _checked(
    file: UploadedFile, month: str | None, view: data.View
) -> web_analytics.AnalyticsCheck:
    key = (file.file_id, month)
    saved = st.session_state.get(_CHECKED)
    if saved is None or saved[0] != key:
        result = web_analytics.check(
            file.getvalue(), file.name, view.registry, today=view.snap.today, period=month
        )
        saved = (key, result)
        st.session_state[_CHECKED] = saved
    return saved[1]


def upload_export(file: UploadedFile, view: data.View, pressed: uploads.Basis | None) -> None:
    """Check the export, show its month and total, preview and store it."""
    source = analytics.detect(file.getvalue())
    st.info(
        f"ℹ This is a {source} export of page views: it gives one month of visits to the "
        "Local Offer website. (Which data you chose above does not matter for it.)",
        icon=":material/query_stats:",
    )
    month = _month(file, view)
    if month is None and web_analytics.needs_month(file.getvalue()):
        st.markdown("Choose the month above: nothing is stored yet.")
        return
    result = _checked(file, month, view)
    checked = web_analytics.as_checked(result)
    if not result.ok:
        officers.problems_block(checked)
        return
    st.success(f"✔ {web_analytics.summary(result)}", icon=":material/check_circle:")
    dataset = web_analytics.DATASET
    st.header("4. Check what will change", anchor="preview")
    officers.out_of_date_notice(dataset, checked)
    officers.already_stored_warning(dataset, checked)
    preview, basis = officers.previewed(dataset, checked, view)
    officers.preview_block(preview, view.registry)
    st.header("5. Store the upload", anchor="confirm")
    officers.confirm_upload(dataset, checked, basis, view, pressed)
