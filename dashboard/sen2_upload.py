"""The Upload page for a SEN2 return: recognised by its content (XML), checked, previewed (new,
changed and unchanged requests, the figures that change) and stored on one press, as two
batches (requests and the active plans snapshot) with their audit events."""

from __future__ import annotations

import polars as pl
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard import app_pages, data, officers
from dashboard.components import bullet_list, current_user, require_role
from metrics import sen2_import, uploads

_CHECKED = "sen2_checked"
_PREVIEWED = "sen2_previewed"
_PRESSED = "sen2_store_pressed"


def is_sen2(file: UploadedFile) -> bool:
    return sen2_import.looks_like_xml(file.getvalue())


def store_press() -> bool:
    """Whether this run answers a press of Store (taken first thing, like the CSV upload's)."""
    return bool(st.session_state.pop(_PRESSED, False))


def _press() -> None:
    st.session_state[_PRESSED] = True


def _checked(file: UploadedFile, view: data.View) -> sen2_import.Checked:
    saved = st.session_state.get(_CHECKED)
    if saved is not None and saved[0] == file.file_id:
        return saved[1]
    with st.status(f"Checking the SEN2 return “{file.name}”…", expanded=True) as progress:
        st.markdown("Reading every person and request; names and other identifiers are turned "
                    "into references straight away and never kept.")  # fmt: skip
        checked = sen2_import.check(
            data.engine(), file.getvalue(), file.name, today=view.snap.today
        )
        found = checked.problems.height
        progress.update(
            label=f"Checked “{file.name}”: "
            + (uploads.problem_count_words(found) if found else "no problems"),
            state="error" if found else "complete",
            expanded=False,
        )
    st.session_state[_CHECKED] = (file.file_id, checked)
    return checked


def _problems(checked: sen2_import.Checked) -> None:
    count = uploads.problem_count_words(checked.problems.height)
    st.header(f"Problems found: {count}", anchor="problems")
    st.error(
        f"✖ {count} found in the SEN2 return “{checked.file_name}”. Nothing has been stored. "
        "Correct them in the case management system, export the return again and upload it.",
        icon=":material/error:",
    )
    table = uploads.problem_rows(checked.problems).rename({"Row": "Person in the file"})
    st.table(table.with_columns(pl.col("Person in the file").replace(uploads.WHOLE_FILE, "–")))


def _previewed(checked: sen2_import.Checked, view: data.View) -> sen2_import.Preview:
    key = (checked.sha256, view.snap.version)
    saved = st.session_state.get(_PREVIEWED)
    if saved is not None and saved[0] == key:
        return saved[1]
    with st.status("Working out what the return would change…", expanded=True) as progress:
        st.markdown("Matching each request with those stored, and working out every measure "
                    "that reads them, before and after.")  # fmt: skip
        result = sen2_import.preview(data.engine(), view.registry, checked, today=view.snap.today)
        progress.update(label="Preview ready", state="complete", expanded=False)
    st.session_state[_PREVIEWED] = (key, result)
    return result


def flow(file: UploadedFile, view: data.View, pressed: bool) -> None:
    """Steps 3 to 5 of the Upload page for a SEN2 return."""
    st.info(
        "ℹ This file is XML, so it is read as a SEN2 return (the person-level return your "
        "case management system exports for the DfE), whichever data is chosen above.",
        icon=":material/info:",
    )
    checked = _checked(file, view)
    if not checked.ok or checked.ret is None:
        _problems(checked)
        return
    ret = checked.ret
    st.success(
        f"✔ No problems found in the SEN2 return “{checked.file_name}”: "
        f"{ret.persons:,} people, {ret.requests.height:,} requests with a received date, "
        f"{ret.plans.height:,} active plans.",
        icon=":material/check_circle:",
    )
    st.header("4. Check what will change", anchor="preview")
    batch = uploads.already_stored(data.engine(), sen2_import.REQUESTS, checked.sha256)
    if batch is not None:
        st.warning(
            f"⚠ This exact return is already stored (batch {batch}): storing it again changes "
            "no request.",
            icon=":material/warning:",
        )
    preview = _previewed(checked, view)
    bullet_list(sen2_import.preview_sentences(preview))
    changes = [uploads.change_rows(preview.requests, view.registry)]
    if preview.plans is not None:
        changes.append(uploads.change_rows(preview.plans, view.registry))
    table = pl.concat(changes)
    if table.height:
        st.subheader("Headline figures before and after", anchor=False)
        st.table(table)
    else:
        st.markdown("No headline figure changes.")

    st.header("5. Store the return", anchor="confirm")
    st.markdown(
        "Nothing has been stored yet. Storing writes the requests and the active plans in one "
        "go: if anything goes wrong part way, nothing is stored."
    )
    st.button(
        f"Store “{checked.file_name}”",
        type="primary",
        icon=":material/cloud_upload:",
        key=f"sen2_confirm_{view.snap.version}",
        on_click=_press,
    )
    if not pressed:
        return
    require_role(app_pages.OFFICERS, "Storing an upload")
    with st.status(f"Storing “{checked.file_name}”…", expanded=True) as progress:
        result = sen2_import.store_return(
            data.engine(), checked, user=current_user(), role=app_pages.current_role()
        )
        officers.upload_stored(sen2_import.stored_sentence(result, checked.file_name))
        for key in (_CHECKED, _PREVIEWED):
            st.session_state.pop(key, None)
        progress.update(label=f"Stored “{checked.file_name}”", state="complete", expanded=False)
    data.refresh()
    st.rerun()
