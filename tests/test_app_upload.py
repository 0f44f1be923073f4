"""The Upload page, run headless with AppTest on a copy of the demo database: an officer chooses
the data, uploads a bad file and sees every problem (and nothing is stored), fixes it, sees what
it would change, confirms, and every page shows the new figure.

The demo data (seed_data/indicator_values.csv) records 4 advocacy activities by senior leaders
in July to September 2026 (`leader_advocacy_activities,2026-Q3,,,4,,`). The officer corrects
it to 7.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    PAGE_FILES,
    ROOT,
    app_on_fixture,
    empty_url_fixture,
    open_page,
    seeded_template_fixture,
    seeded_url_fixture,
    switch_to,
    texts,
)
from streamlit.testing.v1 import AppTest

from metrics import api, templates
from metrics.db import store
from metrics.registry import load

REGISTRY = load()
ADVOCACY = REGISTRY.indicator("leader_advocacy_activities")
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator\n"
# Row 2: the count is written in words. Row 3: an indicator that does not exist.
BAD = (
    HEADER + "leader_advocacy_activities,2026-Q3,,,seven,,\n" + "no_such_indicator,2026-Q3,,,3,,\n"
).encode()
FIXED = (HEADER + "leader_advocacy_activities,2026-Q3,,,7,,\n").encode()
PAGE_FILE = ROOT / "dashboard" / "app_pages" / "upload.py"
PROBLEM_COLUMNS = ["Row", "Column", "Value", "What is wrong", "How to fix it"]


def digest(url: str) -> dict[str, list[tuple]]:
    with api.engine(url).connect() as conn:
        return store.table_digest(conn)


def batches(url: str) -> list[dict[str, Any]]:
    with api.engine(url).connect() as conn:
        return store.read_batches(conn).to_dicts()


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page with these columns."""
    found = [t.value for t in at.table if all(c in t.value.columns for c in columns)]
    assert len(found) == 1, [list(t.value.columns) for t in at.table]
    return found[0]


def advocacy_sentence(at: AppTest) -> str:
    """The summary sentence of the leaders' advocacy measure (it starts with its title)."""
    found = [m.value for m in at.markdown if m.value.startswith(f"{ADVOCACY.title}:")]
    assert found, "the advocacy measure has no summary sentence on this page"
    return found[0]


def downloads(at: AppTest) -> list[Any]:
    return list(at.get("download_button"))


def choose_counted_values(at: AppTest) -> AppTest:
    at.selectbox(key="upload_dataset").set_value("indicator_values")
    return at.run()


def upload(at: AppTest, name: str, content: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader[0].set_value((name, content, mime))
    return at.run()


def test_the_whole_upload_flow_from_a_bad_file_to_the_new_figure_on_every_page(
    app_on: Any, seeded_url: str
) -> None:
    at = open_page(app_on(seeded_url), "priority-4")
    assert "4 in July to September 2026" in advocacy_sentence(at)
    at.switch_page(PAGE_FILES["upload"])
    at.run()
    assert not at.exception, [e.message for e in at.exception]

    # 1. choose the data: its title in the list and its description beneath
    at = choose_counted_values(at)
    assert "**Counted values (aggregate).**" in texts(at)

    # 2. a bad file: every problem in one table, with a count, and nothing stored
    before = digest(seeded_url)
    at = upload(at, "advocacy.csv", BAD)

    assert not at.exception
    assert "Problems found: 2 problems" in [h.value for h in at.header]
    assert any("2 problems found in “advocacy.csv”" in e.value for e in at.error)
    problems = table_with(at, *PROBLEM_COLUMNS)
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert problems[["Row", "Column", "Value"]].values.tolist() == [
        ["2", "count", "seven"],
        ["3", "indicator_id", "no_such_indicator"],
    ]
    assert all(problems["What is wrong"].str.len() > 0)
    assert all(problems["How to fix it"].str.len() > 0)
    assert any(
        b.proto.label == "Download the list of 2 problems as a CSV file" for b in downloads(at)
    )
    assert digest(seeded_url) == before
    assert not [b for b in at.button if b.label.startswith("Store")]

    # 3. the fixed file: a preview of the effect, and still nothing stored
    at = upload(at, "advocacy.csv", FIXED)

    assert not at.exception
    assert any("No problems found in “advocacy.csv”: 1 row," in s.value for s in at.success)
    page = texts(at)
    # one row, for July to September 2026, replacing the one demo row for that quarter
    assert "The file adds 1 row for 2026-Q3." in page
    assert "It replaces 1 row already stored for those periods, from 1 earlier upload" in page
    replaced = table_with(at, "Rows replaced")
    assert replaced[["File", "Uploaded by", "Rows replaced"]].values.tolist() == [
        ["indicator_values.csv", api.SEED_USER, 1]
    ]
    changes = table_with(at, "Before", "After")
    assert changes[["Measure", "Period", "Before", "After"]].values.tolist() == [
        [ADVOCACY.title, "2026-Q3", "4", "7"]
    ]
    assert digest(seeded_url) == before

    # 4. confirm: one new batch, by the local user, and the result with a link to the audit
    stored_before = len(batches(seeded_url))
    confirm = [b for b in at.button if b.label == "Store “advocacy.csv”"]
    assert len(confirm) == 1
    confirm[0].click()
    at.run()

    assert not at.exception
    after = batches(seeded_url)
    assert len(after) == stored_before + 1
    new = after[-1]
    assert (new["dataset"], new["file_name"], new["row_count"], new["status"]) == (
        "indicator_values", "advocacy.csv", 1, "active",
    )  # fmt: skip
    assert new["uploaded_by"] == "local user"
    outcome = " ".join(s.value for s in at.success)
    assert f"as batch {new['id']}: 1 row for 2026-Q3" in outcome
    assert "data-audit" in [link.proto.page for link in at.get("page_link")]
    # the uploader is empty again, ready for the next file
    assert at.file_uploader[0].value is None
    # the result stays until the next file is chosen
    at.run()
    assert f"as batch {new['id']}" in " ".join(s.value for s in at.success)
    at = upload(at, "again.csv", FIXED)
    assert not [s for s in at.success if f"as batch {new['id']}" in s.value]
    # the same file again: it is said to be stored already, and it would change nothing
    assert any(f"already stored, as batch {new['id']}" in w.value for w in at.warning)
    assert "No headline figure changes." in texts(at)

    # 5. the new figure shows at once on the priority page and the Overview
    switch_to(at, "priority-4")
    at.run()
    assert "7 in July to September 2026" in advocacy_sentence(at)
    at.switch_page(PAGE_FILES["overview"])
    at.run()
    assert "7 in July to September 2026" in advocacy_sentence(at)


def test_the_templates_and_column_descriptions_are_offered_for_the_chosen_data(
    app_on: Any, seeded_url: str
) -> None:
    at = choose_counted_values(open_page(app_on(seeded_url), "upload"))

    labels = [b.proto.label for b in downloads(at)]
    assert "Download the CSV template: Counted values (aggregate)" in labels
    assert (
        "Download the Excel template, with a data dictionary: Counted values (aggregate)" in labels
    )
    # one row per column of the counted values template, in its order
    columns = table_with(at, "Column", "Required", "What it holds")
    assert columns["Column"].tolist() == [
        "indicator_id", "period", "breakdown", "breakdown_group", "count", "numerator",
        "denominator",
    ]  # fmt: skip
    assert columns["Required"].tolist()[:2] == ["required", "required"]


def _workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_workbook_with_several_sheets_reads_the_data_sheet_unless_told_otherwise(
    app_on: Any, seeded_url: str
) -> None:
    columns = HEADER.strip().split(",")
    book = _workbook({
        "Read me": [["Advocacy activities, corrected by the SEND team"]],
        "data": [columns, ["leader_advocacy_activities", "2026-Q3", "", "", "7", "", ""]],
    })  # fmt: skip
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at = choose_counted_values(open_page(app_on(seeded_url), "upload"))

    at = upload(at, "advocacy.xlsx", book, xlsx)

    assert not at.exception
    sheet = _sheet_box(at)
    assert sheet.options == ["Read me", "data"]
    # 'data' is chosen although it is not the first sheet
    assert sheet.value == "data"
    assert table_with(at, "Before", "After")[["Before", "After"]].values.tolist() == [["4", "7"]]

    sheet.set_value("Read me")
    at.run()

    # the notes sheet has none of the template's columns: a problem, not a crash
    assert not at.exception
    assert [h.value for h in at.header if h.value.startswith("Problems found")]


def _sheet_box(at: AppTest) -> Any:
    boxes = [s for s in at.selectbox if s.label == "Which sheet of the workbook holds the data?"]
    assert len(boxes) == 1
    return boxes[0]


def test_the_excel_template_itself_uploads_without_a_sheet_question(
    app_on: Any, seeded_url: str
) -> None:
    # the template has a 'data' sheet and a 'data dictionary' sheet; only 'data' holds rows
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(templates.xlsx_template("indicator_values")))
    wb["data"].append(["leader_advocacy_activities", "2026-Q3", None, None, 7, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    at = choose_counted_values(open_page(app_on(seeded_url), "upload"))

    at = upload(at, "template.xlsx", buf.getvalue(), "application/octet-stream")

    assert not at.exception
    # two sheets, so the question is asked, with the data sheet chosen for the officer
    assert _sheet_box(at).value == "data"
    assert table_with(at, "Before", "After")[["Before", "After"]].values.tolist() == [["4", "7"]]


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(
    app_on: Any, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_MAX_UPLOAD_MB", "1")
    # 1,572,864 bytes = 1.5 x 1,048,576 bytes = 1.5 MB, over the 1 MB limit
    big = FIXED + b" " * (1_572_864 - len(FIXED))
    at = choose_counted_values(open_page(app_on(seeded_url), "upload"))
    before = digest(seeded_url)

    at = upload(at, "big.csv", big)

    assert not at.exception
    assert at.file_uploader[0].label.endswith("up to 1 MB")
    problems = table_with(at, *PROBLEM_COLUMNS)
    assert problems["Row"].tolist() == ["Whole file"]
    assert problems["What is wrong"].tolist() == ["The file is 1.5 MB; the limit is 1 MB."]
    assert digest(seeded_url) == before


def test_the_first_upload_into_an_empty_database_is_explained(app_on: Any, empty_url: str) -> None:
    at = open_page(app_on(empty_url), "upload")

    assert not at.exception
    assert any("No data has been uploaded yet" in i.value for i in at.info)
    pcf = (HEADER + "pcf_membership,2024,,,55,,\n").encode()
    at = upload(choose_counted_values(at), "pcf.csv", pcf)
    # City Parent Carer Forum members, 55 in 2024: nothing before, 55 after
    changes = table_with(at, "Before", "After")
    assert changes[["Period", "Before", "After"]].values.tolist() == [["2024", "no value", "55"]]
    assert "It replaces no stored rows." in texts(at)


def test_the_page_refuses_anyone_who_is_not_an_officer(
    monkeypatch: pytest.MonkeyPatch, seeded_url: str
) -> None:
    # Until sign-in exists, only local mode grants the officer role: 'header' mode views only.
    monkeypatch.setenv("MEASURES_AUTH_MODE", "header")
    monkeypatch.setenv("MEASURES_DATABASE_URL", seeded_url)
    # The page is run on its own, as someone typing its address would reach it.
    at = AppTest.from_file(str(PAGE_FILE), default_timeout=120).run()

    assert not at.exception
    assert any("only for an officer or an admin" in e.value for e in at.error)
    assert not at.file_uploader
    assert not at.title
