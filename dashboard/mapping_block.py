"""The Upload page's mapping step: a file in another layout (a case system's export, a survey
tool's) is read through a saved mapping it is recognised by, or the officer maps its columns
once and saves the mapping. Each piece is a few Streamlit calls around `metrics.mappings`."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard import app_pages, data
from dashboard.components import current_user
from metrics import datasets, mappings
from metrics.ingest import privacy, surveys
from metrics.ingest.reader import RawTable

NOT_IN_FILE = "(not in this file)"
_TABLES = "mapping_tables"
_SAVED = "mapping_saved"
MAX_VALUES = 30  # distinct values offered for mapping to codes, per column


def _table(file: UploadedFile, sheet: str | None) -> RawTable | None:
    saved = st.session_state.get(_TABLES)
    key = (file.file_id, sheet)
    if saved is None or saved[0] != key:
        saved = (key, mappings.read_for_mapping(file.getvalue(), file.name, sheet))
        st.session_state[_TABLES] = saved
    return saved[1]


def mapping_for(
    dataset_name: str, file: UploadedFile, sheet: str | None
) -> mappings.Mapping | None:
    """The mapping to read the file through: a saved mapping its columns are recognised by;
    otherwise None, and for a file without the template's columns, the offer to map them once
    (the file is then checked as it is, so its problems show too)."""
    table = _table(file, sheet)
    if table is None or mappings.fits_template(dataset_name, table.header):
        return None
    saved = st.session_state.pop(_SAVED, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")
    found = mappings.recognise(data.engine(), table.header, dataset_name)
    if found is not None:
        st.info(
            f"ℹ Recognised: this file has the layout of the saved mapping {found.describe()}, "
            "so it is read through it. Columns the mapping does not read (names, e-mail "
            "addresses and the like) are left out and never stored.",
            icon=":material/link:",
        )
        return found.mapping
    map_columns(dataset_name, table)
    return None


def _choose(label: str, options: list[str], suggested: str | None, key: str) -> str:
    choices = [NOT_IN_FILE, *options]
    index = choices.index(suggested) if suggested in choices else 0
    return st.selectbox(label, choices, index=index, key=key)


def _codes(col: datasets.Column, values: list[str], key: str) -> dict[str, str]:
    """Each of the file's values against one of our codes (suggested where the words match)."""
    table = {}
    codes = ["", *col.allowed_values]
    for i, value in enumerate(values[:MAX_VALUES]):
        suggested = mappings.suggest_code(col, value)
        table[value] = st.selectbox(
            f"“{value}” in the file means",
            codes,
            index=codes.index(suggested) if suggested in codes else 0,
            format_func=lambda c: c or "(choose)",
            key=f"{key}_{i}",
        )
    return {v: c for v, c in table.items() if c}


def map_columns(dataset_name: str, table: RawTable) -> None:
    """The mapping form: our columns against the file's, codes against its values, the date
    format, and for a survey with one column per question, which columns are questions."""
    ds = datasets.get(dataset_name)
    st.header("Map this file's columns", anchor="map")
    st.warning(
        f"⚠ The columns of this file do not match the template of {ds.title}. If it is an "
        "export from another system, map its columns once below: save the mapping with a name, "
        "and the next file with the same columns is read through it automatically. Mapped "
        "values go through every check a template upload does. If it is the template with a "
        "mistake, the problems are listed after this.",
        icon=":material/swap_horiz:",
    )
    names = {mappings.normalise_name(h) for h in table.header}
    matched = sum(c.name in names for c in ds.columns)
    with st.expander("Map the columns", expanded=matched * 2 < len(ds.columns)):
        _mapping_form(dataset_name, table)


def _mapping_form(dataset_name: str, table: RawTable) -> None:
    ds = datasets.get(dataset_name)
    draft = mappings.suggest(dataset_name, table)
    usable = [h for h in table.header if h.strip() and not privacy.identifier_kind(h)]
    left_out = [h for h in table.header if privacy.identifier_kind(h)]
    if left_out:
        st.markdown(f"Never read (they identify people): {', '.join(left_out)}.")
    name = st.text_input("Name of the mapping", key="mapping_name",
                         placeholder="e.g. Case system requests export")  # fmt: skip
    wide = False
    if dataset_name == mappings.SURVEY_DATASET:
        wide = st.checkbox(
            "The file has one row per respondent and one column per question (a survey tool's "
            "export, e.g. SurveyMonkey or Microsoft Forms)",
            value=bool(surveys.layout(table)) or bool(mappings.question_columns(table)),
            key="mapping_wide",
        )
    columns: dict[str, str] = {}
    constants: dict[str, str] = {}
    questions: dict[str, str] = {}
    respondent = ""
    st.subheader("Our columns and the file's", anchor=False)
    if wide:
        respondent = _choose("Which column identifies each respondent (kept only as a pseudonym)?",
                             usable, "Respondent ID" if "Respondent ID" in usable else
                             ("ID" if "ID" in usable else None), "mapping_respondent")  # fmt: skip
        chosen = st.multiselect(
            "Which columns are questions on our agreement scale?", usable,
            default=mappings.question_columns(table), key="mapping_questions",
        )  # fmt: skip
        for i, column in enumerate(chosen):
            questions[column] = st.text_input(
                f"Our question code for “{column}”", value=mappings.suggest_question_code(column),
                key=f"mapping_question_{i}",
            )  # fmt: skip
        group = ds.column("respondent_group")
        constants["respondent_group"] = st.selectbox(
            "Who answered this survey?", group.allowed_values, key="mapping_group"
        )
        date_column = _choose(
            "Which column gives the date of the response?", usable,
            draft.columns.get("response_date"), "mapping_col_response_date",
        )  # fmt: skip
        if date_column != NOT_IN_FILE:
            columns["response_date"] = date_column
    else:
        for col in ds.columns:
            theirs = _choose(
                f"{col.name}{'' if col.required else ' (optional)'}: {col.description}",
                usable, draft.columns.get(col.name), f"mapping_col_{col.name}",
            )  # fmt: skip
            if theirs != NOT_IN_FILE:
                columns[col.name] = theirs
    values: dict[str, dict[str, str]] = {}
    coded = [(c, columns[c.name]) for c in ds.columns if c.name in columns and c.allowed_values]
    if wide:
        coded.append((ds.column("response"), ""))
    if coded:
        st.subheader("Our codes and the file's values", anchor=False)
    for col, theirs in coded:
        found = (
            sorted({v for q in questions for v in mappings.distinct_values(table, q)})
            if col.name == "response" else mappings.distinct_values(table, theirs)
        )  # fmt: skip
        with st.expander(f"Values of {col.name}", expanded=True):
            values[col.name] = _codes(col, found, f"mapping_values_{col.name}")
    formats = list(mappings.DATE_FORMATS)
    date_format = st.selectbox(
        "How does the file write dates?", formats,
        index=formats.index("%m/%d/%Y %I:%M:%S %p") if surveys.is_surveymonkey(table)
        else 0,
        format_func=lambda f: mappings.DATE_FORMATS[f], key="mapping_date_format",
    )  # fmt: skip
    if not st.button("Save the mapping", type="primary", icon=":material/save:",
                     key="mapping_save"):  # fmt: skip
        return
    if not name.strip():
        st.error("✖ The mapping was not saved: give it a name.", icon=":material/error:")
        return
    try:
        mapping = mappings.Mapping(
            name=name.strip(), dataset=dataset_name, header=tuple(table.header),
            columns=columns, constants=constants, values={k: v for k, v in values.items() if v},
            date_format=date_format, questions=questions, respondent=respondent,
        )  # fmt: skip
        version = mappings.save(data.engine(), mapping, current_user(),
                                role=app_pages.current_role())  # fmt: skip
    except mappings.MappingError as err:
        st.error("✖ The mapping was not saved:\n\n" + "\n".join(f"- {p}" for p in err.problems),
                 icon=":material/error:")  # fmt: skip
        return
    st.session_state[_SAVED] = (
        f"✔ Saved the mapping “{mapping.name}” (version {version}). This file, and the next "
        "one with the same columns, is read through it."
    )
    st.rerun()
