"""Upload data (officers): choose the data, get its template, check a file, see every problem or
a preview of the effect, and confirm. Nothing is written before the confirm button, nor when
the data changed after the preview was worked out: the officer is told, and sees it afresh."""

from __future__ import annotations

import streamlit as st

from dashboard import analytics_block, app_pages, data, mapping_block, officers, sen2_upload
from dashboard import components as ui

pressed = officers.store_press()  # before anything can stop the page: answered now or never
sen2_pressed = sen2_upload.store_press()
ui.require_role(app_pages.OFFICERS, "Uploading data")
view = data.view()

ui.page_title(
    "Upload data",
    "Load a monthly, termly or annual update as a CSV or Excel file. The file is checked in "
    "full first: every problem is listed at once, with the spreadsheet row and how to fix it. "
    "A file without problems shows what it would change before anything is stored. The SEN2 "
    "return your case management system exports for the DfE can be uploaded as it is.",
)
officers.upload_outcome()
if not view.has_data:
    ui.empty_state(
        "No data has been uploaded yet, so this is where to start.",
        "Choose the data below, download its template, fill it in and upload it: the measures "
        "appear as soon as the first file is stored.",
    )

st.header("1. Choose the data", anchor="choose")
dataset = officers.dataset_chooser()

st.header("2. Get the template", anchor="template")
officers.template_downloads(dataset)

st.header("3. Upload your file", anchor="file")
file = officers.file_chooser()
if file is None:
    st.markdown("Choose a file above: it is checked straight away, and nothing is stored yet.")
    st.stop()
if sen2_upload.is_sen2(file):  # recognised by its content: merged, never replacing a year
    sen2_upload.flow(file, view, sen2_pressed)
    st.stop()
if analytics_block.is_export(file):  # a web analytics export: one month of visits
    analytics_block.upload_export(file, view, pressed)
    st.stop()
sheet = officers.sheet_chooser(file)
mapping = mapping_block.mapping_for(dataset, file, sheet)  # another layout: a saved mapping
checked = officers.checked_file(dataset, file, sheet, view, mapping)
if not checked.ok:
    officers.problems_block(checked)
    st.stop()
officers.no_problems(checked)

st.header("4. Check what will change", anchor="preview")
officers.out_of_date_notice(dataset, checked)
officers.already_stored_warning(dataset, checked)
preview, basis = officers.previewed(dataset, checked, view)
officers.preview_block(preview, view.registry)

st.header("5. Store the upload", anchor="confirm")
officers.confirm_upload(dataset, checked, basis, view, pressed)
