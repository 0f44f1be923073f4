"""Templates: a filled-in template loads cleanly, and the data dictionary is never read as data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from metrics import datasets, ingest, registry, templates
from metrics.datasets import Column, ColumnType, Dataset

TODAY = dt.date(2026, 11, 27)
REGISTRY = registry.load()
NAMES = [d.name for d in datasets.DATASETS]
# Two requests typed into the template as Excel would hold them: date cells, a number for the
# age, text elsewhere.
FILLED = [
    ["REQ-0001", dt.datetime(2024, 2, 5), dt.datetime(2024, 3, 11), "assess", "plan_issued",
     dt.datetime(2024, 6, 14), "no", "no", 7, "male", "asian", "ASD", "yes"],
    ["REQ-0002", dt.datetime(2024, 3, 1), None, "pending", "pending", None, "no", "no", 12,
     "female", "white", "SEMH", "no"],
]  # fmt: skip


def check(dataset: str, content: bytes, sheet: str | None = None) -> ingest.IngestReport:
    report, _ = ingest.check_file(dataset, content, "t.xlsx", REGISTRY, today=TODAY, sheet=sheet)
    return report


def filled_template(move_dictionary_first: bool = False) -> bytes:
    wb = load_workbook(io.BytesIO(templates.xlsx_template("ehc_requests")))
    for row in FILLED:
        wb["data"].append(row)
    if move_dictionary_first:
        wb.move_sheet("data dictionary", offset=-1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("dataset", NAMES)
def test_each_blank_template_has_the_dataset_columns_and_no_data(dataset: str) -> None:
    content = templates.xlsx_template(dataset)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["data", "data dictionary"]
    assert [c.value for c in wb["data"][1]] == datasets.get(dataset).column_names
    report = check(dataset, content)
    assert report.problems.select("row", "column", "problem").rows() == [
        (None, None, "The file has a header row but no data rows.")
    ]
    csv_report = check(dataset, templates.csv_template(dataset))
    assert csv_report.problems.select("row", "column").rows() == [(None, None)]


def test_a_filled_in_template_loads_cleanly_from_row_two() -> None:
    wb = load_workbook(io.BytesIO(filled_template()))
    assert wb["data"].max_row == 3  # appended rows land straight under the header
    report, validation = ingest.check_file(
        "ehc_requests", filled_template(), "t.xlsx", REGISTRY, today=TODAY
    )
    assert report.ok, report.problems.to_dicts()
    assert validation is not None
    assert validation.rows["row_number"].to_list() == [2, 3]
    assert validation.rows["request_received_date"].to_list() == [
        dt.date(2024, 2, 5), dt.date(2024, 3, 1),
    ]  # fmt: skip
    assert validation.rows["age_at_request"].to_list() == [7, 12]


def test_the_data_sheet_is_read_even_when_the_dictionary_comes_first() -> None:
    content = filled_template(move_dictionary_first=True)
    assert load_workbook(io.BytesIO(content)).sheetnames == ["data dictionary", "data"]
    report = check("ehc_requests", content)
    assert report.ok and report.read_as == "Excel workbook, sheet 'data'"


def test_choosing_the_dictionary_sheet_is_refused_with_a_clear_reason() -> None:
    report = check("ehc_requests", filled_template(), sheet="data dictionary")
    assert report.problems.select("row", "column").rows() == [(None, None)]
    assert "data dictionary" in report.problems["problem"][0]
    assert "'data'" in report.problems["fix"][0]


def test_a_filled_in_csv_template_loads_cleanly() -> None:
    content = templates.csv_template("ehc_requests")
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    content += (
        b"REQ-0001,05/02/2024,11/03/2024,assess,plan_issued,14/06/2024,no,no,7,male,asian,ASD,yes"
        b"\r\n"
    )
    assert check("ehc_requests", content).ok


def test_the_template_offers_the_allowed_values_and_keeps_text_as_text() -> None:
    wb = load_workbook(io.BytesIO(templates.xlsx_template("ehc_requests")))
    ws = wb["data"]
    lists = {
        str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"
    }
    # primary_need is column L
    # the SEN2 need codes, Down syndrome (DS) among them since 2025
    assert lists["L2:L1048576"] == '"SPLD,MLD,SLD,PMLD,SEMH,SLCN,HI,VI,MSI,PD,ASD,DS,OTH,NSA"'
    assert ws.column_dimensions["A"].number_format == "@"  # case_ref: 007 stays 007
    assert ws.column_dimensions["B"].number_format == "dd/mm/yyyy"  # request_received_date


def test_nothing_in_a_template_can_run_as_a_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a schema whose words start like formulas is written as text."""
    hostile = Dataset(
        name="ehc_requests",
        title='=HYPERLINK("http://example.com","Click")',
        description="+1+2",
        shape="record",
        period_column="when",
        period_type="calendar_year",
        columns=(
            Column(name="when", type=ColumnType.date, description="@SUM(A1:A9)"),
            Column(name="what", type=ColumnType.text, description="-2+3", example="=1+1"),
        ),
    )
    monkeypatch.setattr(datasets, "get", lambda name: hostile)
    wb = load_workbook(io.BytesIO(templates.xlsx_template("ehc_requests")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells}
    assert {"'=HYPERLINK(\"http://example.com\",\"Click\")", "'+1+2", "'@SUM(A1:A9)", "'-2+3",
            "'=1+1"} <= texts  # fmt: skip
