"""The officer pages' pieces: upload (choose, template, check, problems, preview, confirm) and
data and audit (freshness, every batch, roll back).

Each piece is a few Streamlit calls around a `metrics.uploads` function, which shapes every
table. State that must survive a rerun (the checked file, its preview, the last outcome) lives
in `st.session_state` under keys named here.
"""

from __future__ import annotations

import polars as pl
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard import app_pages, data
from dashboard.components import (
    AUDIT_PAGE,
    bullet_list,
    current_user,
    has_role,
    require_role,
)
from metrics import uploads
from metrics.ingest import Preview
from metrics.mappings import Mapping
from metrics.registry import Registry


def _round(name: str) -> int:
    """How many times a widget has been reset: part of its key, so a new key starts it empty."""
    return int(st.session_state.get(f"{name}_round", 0))


def _reset(name: str) -> None:
    st.session_state[f"{name}_round"] = _round(name) + 1


def _remember_outcome(name: str, message: str) -> None:
    st.session_state[f"{name}_outcome"] = message


def _outcome(name: str) -> str | None:
    return st.session_state.get(f"{name}_outcome")


def _forget_outcome(name: str) -> None:
    st.session_state.pop(f"{name}_outcome", None)


# ---------------------------------------------------------------------------------------------
# Upload: choose the data, get the template, check the file, preview, confirm
# ---------------------------------------------------------------------------------------------

_UPLOAD = "upload"
_CHECKED = "upload_checked"
_PREVIEWED = "upload_previewed"
_STORE_PRESSED = "upload_store_pressed"  # the basis of the preview on screen when Store was pressed
_OUT_OF_DATE = "upload_out_of_date"  # ((dataset, sha256), why the last press stored nothing)
_SHEETS = "upload_sheets"
TABLE_ROWS = 500  # more problems than this show in a scrolling table (and the CSV download)
# pixels: the upload list's header and a typical row (rows wrap to two to five lines); at most
# about ten rows' worth shows at once, the rest scrolls
BATCH_HEADER_HEIGHT, BATCH_ROW_HEIGHT = 45, 75
BATCH_TABLE_MAX_HEIGHT = BATCH_HEADER_HEIGHT + 10 * BATCH_ROW_HEIGHT


def _uploader_key() -> str:
    return f"upload_file_{_round(_UPLOAD)}"


@st.cache_data(show_spinner=False, max_entries=32)
def _xlsx_template(dataset_name: str) -> bytes:
    # building a workbook takes a moment; the template only changes with the code
    return uploads.xlsx_template(dataset_name)


def upload_outcome() -> None:
    """The result of the last upload in this session: batch, rows, and where to see it."""
    if st.session_state.get(_uploader_key()) is not None:
        _forget_outcome(_UPLOAD)  # a new file is being checked: the last result is old news
    message = _outcome(_UPLOAD)
    if message is None:
        return
    st.success(message, icon=":material/check_circle:")
    st.page_link(
        AUDIT_PAGE,
        label="See every upload on the Data and audit page",
        icon=":material/history:",
    )


def dataset_chooser() -> str:
    """Which upload type: its title in the list, its description beneath."""
    name = st.selectbox(
        "Which data are you uploading?",
        uploads.dataset_names(),
        format_func=lambda n: uploads.dataset(n).title,
        key="upload_dataset",
    )
    ds = uploads.dataset(name)
    st.markdown(f"**{ds.title}.** {ds.description}")
    return name


def template_downloads(dataset_name: str) -> None:
    """The blank templates and what each column holds."""
    ds = uploads.dataset(dataset_name)
    left, right = st.columns(2)
    left.download_button(
        f"Download the CSV template: {ds.title}",
        data=uploads.csv_template(dataset_name),
        file_name=uploads.template_file_name(dataset_name, "csv"),
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        f"Download the Excel template, with a data dictionary: {ds.title}",
        data=_xlsx_template(dataset_name),
        file_name=uploads.template_file_name(dataset_name, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )
    columns = uploads.column_table(dataset_name)
    with st.expander(f"What each of the {columns.height} columns holds", expanded=True):
        st.table(columns)


def file_chooser() -> UploadedFile | None:
    """The file uploader, limited to the configured size."""
    limit = uploads.max_upload_mb()
    file = st.file_uploader(
        f"Choose the file to upload: CSV or Excel (.xlsx), or a SEN2 return (.xml), up to "
        f"{limit} MB",
        type=["csv", "xlsx", "xls", "txt", "xml"],
        key=_uploader_key(),
        max_upload_size=limit,
        help="Fill in the template (one row per record under the header row) and save it as "
        "CSV or .xlsx. Nothing is stored until you have seen the preview and confirmed.",
    )
    return file


def sheet_chooser(file: UploadedFile) -> str | None:
    """For a workbook with several sheets, which one holds the data (the template's 'data'
    sheet, or the first that is not the data dictionary, unless chosen)."""
    saved = st.session_state.get(_SHEETS)
    if saved is None or saved[0] != file.file_id:
        saved = (file.file_id, uploads.workbook_sheets(file.getvalue()))
        st.session_state[_SHEETS] = saved
    sheets: list[str] = saved[1]
    if len(sheets) <= 1:
        return None
    default = uploads.default_sheet(sheets)
    return st.selectbox(
        "Which sheet of the workbook holds the data?",
        sheets,
        index=sheets.index(default) if default in sheets else 0,
        key=f"upload_sheet_{file.file_id}",
    )


def checked_file(
    dataset_name: str, file: UploadedFile, sheet: str | None, view: data.View,
    mapping: Mapping | None = None,
) -> uploads.Checked:  # fmt: skip
    """Read and validate the file (through a saved mapping, if given), once per file, dataset,
    sheet and mapping, showing progress."""
    key = (dataset_name, file.file_id, sheet, mapping)
    saved = st.session_state.get(_CHECKED)
    if saved is not None and saved[0] == key:
        return saved[1]
    with st.status(f"Checking “{file.name}”…", expanded=True) as progress:
        st.markdown("Reading every row and checking every cell against the template.")
        checked = uploads.check(
            dataset_name, file.getvalue(), file.name, view.registry, today=view.snap.today,
            sheet=sheet, mapping=mapping,
        )  # fmt: skip
        found = checked.report.problems.height
        progress.update(
            label=f"Checked “{file.name}”: "
            + (uploads.problem_count_words(found) if found else "no problems"),
            state="error" if found else "complete",
            expanded=False,
        )
    st.session_state[_CHECKED] = (key, checked)
    return checked


def problems_block(checked: uploads.Checked) -> None:
    """Every problem in one table, with a count and a CSV download of the list."""
    report = checked.report
    count = uploads.problem_count_words(report.problems.height)
    st.header(f"Problems found: {count}", anchor="problems")
    st.error(
        f"✖ {count} found in “{report.file_name}”. Nothing has been stored. Fix every problem "
        "listed below (the row numbers are the spreadsheet's own), then upload the file again.",
        icon=":material/error:",
    )
    st.download_button(
        f"Download the list of {count} as a CSV file",
        data=uploads.problems_csv(report.problems),
        file_name=uploads.problems_file_name(report.file_name),
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    table = uploads.problem_rows(report.problems)
    if table.height <= TABLE_ROWS:
        st.table(table)
    else:
        st.markdown(
            f"The {count} are in the scrolling table below and, all together, in the CSV "
            "download above."
        )
        st.dataframe(table, hide_index=True)


def no_problems(checked: uploads.Checked) -> None:
    report = checked.report
    st.success(
        f"✔ No problems found in “{report.file_name}”: {uploads.rows_words(report.rows_read)}, "
        f"read as {report.read_as}.",
        icon=":material/check_circle:",
    )


def previewed(
    dataset_name: str, checked: uploads.Checked, view: data.View
) -> tuple[Preview, uploads.Basis]:
    """What the upload would change against the data stored now, showing progress, and the
    data it was worked out from (which Store checks is still so)."""
    key = (dataset_name, checked.report.sha256, view.snap.version)
    saved = st.session_state.get(_PREVIEWED)
    if saved is not None and saved[0] == key and saved[1] is checked:
        return saved[2], saved[3]
    with st.status("Working out what the upload would change…", expanded=True) as progress:
        st.markdown("Working out every measure that reads this data, before and after.")
        engine = data.engine()
        basis = uploads.basis(engine, view.registry, dataset_name, checked)
        result = uploads.preview(
            engine, view.registry, dataset_name, checked, today=view.snap.today
        )
        progress.update(label="Preview ready", state="complete", expanded=False)
    st.session_state[_PREVIEWED] = (key, checked, result, basis)
    return result, basis


def preview_block(result: Preview, registry: Registry) -> None:
    """Rows added, periods, what is replaced and from which uploads, figures before and after."""
    bullet_list(uploads.preview_sentences(result))
    if result.superseded.height:
        st.subheader("Earlier uploads it replaces", anchor=False)
        st.table(uploads.superseded_rows(result))
    changes = uploads.change_rows(result, registry)
    if changes.height:
        st.subheader("Headline figures before and after", anchor=False)
        st.table(changes)


def _file_key(dataset_name: str, checked: uploads.Checked) -> tuple[str, str]:
    return dataset_name, checked.report.sha256


def _out_of_date(dataset_name: str, checked: uploads.Checked) -> str | None:
    """Why the last Store press of this file stored nothing, if that is what happened."""
    saved = st.session_state.get(_OUT_OF_DATE)
    return saved[1] if saved is not None and saved[0] == _file_key(dataset_name, checked) else None


def out_of_date_notice(dataset_name: str, checked: uploads.Checked) -> None:
    """Why the last Store press stored nothing: the data changed after the preview was made."""
    why = _out_of_date(dataset_name, checked)
    if why is None:
        # no notice, or one about another file, which this file's preview makes old news
        st.session_state.pop(_OUT_OF_DATE, None)
        return
    st.warning(f"⚠ {why}", icon=":material/sync_problem:")


def already_stored_warning(dataset_name: str, checked: uploads.Checked) -> None:
    batch = uploads.already_stored(data.engine(), dataset_name, checked.report.sha256)
    if batch is not None:
        st.warning(
            f"⚠ This exact file is already stored, as batch {batch}. Storing it again replaces "
            "that upload's rows with the same rows.",
            icon=":material/warning:",
        )


def upload_stored(message: str) -> None:
    """After another kind of upload (a SEN2 return) is stored: say so on the next run, as for a
    template upload, and empty the uploader for the next file."""
    _remember_outcome(_UPLOAD, message)
    _reset(_UPLOAD)


def _press_store(basis: uploads.Basis) -> None:
    # A button's callback runs before the page does, with the arguments it was drawn with, even
    # when this run draws the button anew: it keeps the basis of the preview the officer saw.
    st.session_state[_STORE_PRESSED] = basis


def store_press() -> uploads.Basis | None:
    """The Store press this run answers, if Store was pressed: the basis of the preview that was
    on screen. Taken first thing, so a press is answered in the run it starts or never."""
    return st.session_state.pop(_STORE_PRESSED, None)


def confirm_upload(
    dataset_name: str,
    checked: uploads.Checked,
    basis: uploads.Basis,
    view: data.View,
    pressed: uploads.Basis | None,
) -> None:
    """The one button that writes; nothing is stored before it is pressed, and nothing is stored
    if the data changed after the preview on screen was worked out (the officer is told).
    `pressed`: `store_press()`, taken at the top of the page."""
    file_name = checked.report.file_name
    if _out_of_date(dataset_name, checked) is not None:
        st.warning(
            "⚠ Not stored yet: the data changed while you were checking this file. Step 4 "
            "above says what changed and shows the preview worked out again: check it, then "
            "press Store again.",
            icon=":material/sync_problem:",
        )
    st.markdown(
        "Nothing has been stored yet. Storing writes every row in one go: if anything goes "
        "wrong part way, nothing is stored and the data stays as it was."
    )
    # The key carries the data version, so the button is drawn anew with each new preview
    # (benchmarks/load.py watches for that); a press of the one drawn before still counts.
    st.button(
        f"Store “{file_name}”",
        type="primary",
        icon=":material/cloud_upload:",
        key=f"upload_confirm_{view.snap.version}",
        on_click=_press_store,
        args=(basis,),
    )
    if pressed is None:
        return
    require_role(app_pages.OFFICERS, "Storing an upload")
    try:
        with st.status(f"Storing “{file_name}”…", expanded=True) as progress:
            st.markdown("Writing the rows and recording the upload.")
            result = uploads.store_upload(
                data.engine(), dataset_name, checked, user=current_user(),
                role=app_pages.current_role(), basis=pressed,
            )  # fmt: skip
            # Before any other Streamlit call: a request from the browser (a reconnection, a
            # click) stops a run at its next one, and the next run must still say the file is
            # stored and never offer it for storing again.
            _remember_outcome(_UPLOAD, uploads.stored_sentence(result, file_name, dataset_name))
            for key in (_CHECKED, _PREVIEWED, _OUT_OF_DATE):
                st.session_state.pop(key, None)
            _reset(_UPLOAD)
            progress.update(label=f"Stored “{file_name}”", state="complete", expanded=False)
    except uploads.PreviewOutOfDate as err:
        # Keep the checked file; forget the old preview, so the page works out a fresh one
        # and says why above it.
        st.session_state[_OUT_OF_DATE] = (_file_key(dataset_name, checked), str(err))
        st.session_state.pop(_PREVIEWED, None)
        st.rerun()
    data.refresh()
    st.rerun()


# ---------------------------------------------------------------------------------------------
# Data and audit: freshness, every batch, roll back
# ---------------------------------------------------------------------------------------------

_ROLLBACK = "rollback"


def freshness_list(freshness: pl.DataFrame) -> None:
    """Per dataset: the latest data held and whether its next update is overdue."""
    overdue = uploads.overdue_titles(freshness)
    if overdue:
        st.warning(f"⚠ Overdue for an update: {', '.join(overdue)}.", icon=":material/schedule:")
    else:
        st.markdown("✔ No dataset is overdue for an update.")
    st.table(uploads.freshness_rows(freshness))


def batch_list(batches: pl.DataFrame) -> None:
    """Every upload, newest first, and the full fingerprint of each file."""
    # The list grows with every upload and is wider than the page beside the menu: a table of
    # fixed height is a scrolling region that Tab reaches (Streamlit gives a table with a height
    # tabindex, a region role and a name), with its header row kept in view.
    height = min(BATCH_TABLE_MAX_HEIGHT, BATCH_HEADER_HEIGHT + BATCH_ROW_HEIGHT * batches.height)
    st.table(uploads.batch_rows(batches), height=height)
    with st.expander("Full SHA-256 fingerprint of each uploaded file"):
        st.markdown(
            "A file's SHA-256 fingerprint changes if even one character of it changes, so it "
            "shows whether a file on your computer is exactly the one stored."
        )
        st.table(uploads.fingerprint_rows(batches))


def rollback_outcome() -> None:
    message = _outcome(_ROLLBACK)
    if message is not None:
        st.success(message, icon=":material/check_circle:")


def rollback_control(view: data.View) -> None:
    """Choose an upload, see what rolling it back would do, confirm, roll back (admins only)."""
    if not has_role(app_pages.ADMINS):
        st.markdown(
            "Only an admin can roll back an upload. Ask an admin if an upload needs undoing."
        )
        return
    batches = view.batches
    choices = uploads.rollback_choices(batches)
    if not choices:
        st.markdown("Every upload has been rolled back already: there is nothing to roll back.")
        return
    chosen = st.selectbox(
        "Choose the upload to roll back",
        choices,
        index=None,
        format_func=lambda b: uploads.batch_label(batches, b),
        placeholder="Choose an upload",
        key=f"rollback_batch_{_round(_ROLLBACK)}",
    )
    if chosen is None:
        return
    _forget_outcome(_ROLLBACK)
    effect = uploads.rollback_effect(data.engine(), chosen)
    st.subheader(f"What rolling back batch {chosen} does", anchor=False)
    bullet_list(uploads.rollback_sentences(effect))
    restored = uploads.restored_rows(effect, batches)
    if restored.height:
        st.table(restored)
    also = "".join(f" and batch {b}" for b in effect.together)
    sure = st.checkbox(
        f"Yes, roll back batch {chosen}{also}",
        key=f"rollback_sure_{chosen}_{_round(_ROLLBACK)}",
    )
    if not st.button(
        f"Roll back batch {chosen}",
        type="primary",
        icon=":material/undo:",
        disabled=not sure,
        key=f"rollback_go_{chosen}_{view.snap.version}",
    ):
        return
    require_role(app_pages.ADMINS, "Rolling back an upload")
    try:
        with st.status(f"Rolling back batch {chosen}…", expanded=True) as progress:
            result = uploads.roll_back(
                data.engine(), chosen, user=current_user(), role=app_pages.current_role()
            )
            # before any other Streamlit call, as after storing an upload
            _remember_outcome(_ROLLBACK, uploads.rolled_back_sentence(result))
            _reset(_ROLLBACK)
            progress.update(label=f"Batch {chosen} rolled back", state="complete")
    except uploads.RollbackError as err:
        st.error(f"✖ {err}", icon=":material/error:")
        return
    data.refresh()
    st.rerun()
