"""The same records saved in every encoding and format store exactly the same rows.

The files are in tests/good_files/, written by tests/good_files/make_good_files.py: UTF-8 with
and without a byte-order mark, Windows-1252 with accented letters, Excel's UTF-16 "Unicode
text", semicolon and tab separated text, and workbooks with real Excel date cells, a second
sheet and blank rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from metrics import ingest, registry
from metrics.db import store

GOOD = Path(__file__).resolve().parent / "good_files"
TODAY = dt.date(2026, 11, 27)
D = dt.date

# What every co-design file says, typed as it is stored. The period is the financial year
# (April to March) of start_date: 1 May 2025 -> 2025-26; 12 January and 3 March 2025 -> 2024-25.
CODESIGN = pl.DataFrame(
    {
        "activity_ref": ["CD-001", "CD-002", "CD-003"],
        "title": [
            "Café drop-in designed with parent carers",
            "Short breaks review – young people’s panel",
            "Transition fair: “what next?”",
        ],
        "priority": ["4", "1", "2"],
        "start_date": [D(2025, 5, 1), D(2025, 1, 12), D(2025, 3, 3)],
        "completed_date": [D(2025, 10, 20), None, D(2025, 6, 28)],
        "involved_from_start": ["yes", "yes", "no"],
        "feedback_given": ["yes", "no", "yes"],
        "reported_feeling_heard": ["yes", "yes", "yes"],
        "period_key": ["2025-26", "2024-25", "2024-25"],
    }
)
# "1,520" is one thousand five hundred and twenty, however the file separates its cells.
VALUES = pl.DataFrame(
    {
        "indicator_id": ["local_offer_hits", "local_offer_hits", "tribunal_appeal_rate"],
        "period": ["2024-03", "2024-04", "2024"],
        "breakdown": [None, None, None],
        "breakdown_group": [None, None, None],
        "count": [1520.0, 1610.0, None],
        "numerator": [None, None, 2.0],
        "denominator": [None, None, 25.0],
        "period_key": ["local_offer_hits|2024-03", "local_offer_hits|2024-04",
                       "tribunal_appeal_rate|2024"],
    },
    schema_overrides={"breakdown": pl.String, "breakdown_group": pl.String},
)  # fmt: skip

# (file, how it must have been read, sheet to choose)
CODESIGN_FILES = [
    ("codesign_utf8.csv", "CSV, UTF-8, comma separated", None),
    ("codesign_utf8_bom.csv", "CSV, UTF-8 with BOM, comma separated", None),
    ("codesign_cp1252.csv", "CSV, Windows-1252, comma separated", None),
    ("codesign_utf16.txt", "CSV, UTF-16, tab separated", None),
    ("codesign_semicolon.csv", "CSV, UTF-8, semicolon separated", None),
    ("codesign_tab.tsv", "CSV, UTF-8, tab separated", None),
    ("codesign_iso_dates_capitals.csv", "CSV, UTF-8, comma separated", None),
    ("codesign_excel_dates_two_sheets.xlsx", "Excel workbook, sheet 'data'", None),
    ("codesign_excel_chosen_sheet.xlsx", "Excel workbook, sheet 'Extract'", "Extract"),
    ("codesign_excel_blank_rows.xlsx", "Excel workbook, sheet 'data'", None),
]
VALUE_FILES = [
    ("values_utf8.csv", "CSV, UTF-8, comma separated", None),
    # saved as Windows-1252, but plain ASCII reads the same as UTF-8
    ("values_semicolon.csv", "CSV, UTF-8, semicolon separated", None),
    ("values_utf16.txt", "CSV, UTF-16, tab separated", None),
    ("values_numbers.xlsx", "Excel workbook, sheet 'data'", None),
]
# The first row of each file in the spreadsheet: the blank-rows workbook's header is row 3,
# and its second and third records sit below a blank row (rows 4, 6, 7).
FIRST_ROWS = {"codesign_excel_blank_rows.xlsx": [4, 6, 7]}


def stored(engine: Engine, dataset: str, key: str) -> pl.DataFrame:
    with engine.connect() as conn:
        return store.read_active(conn, dataset).sort(key)


def upload(engine: Engine, dataset: str, name: str, sheet: str | None) -> ingest.IngestReport:
    return ingest.ingest(
        engine, dataset, (GOOD / name).read_bytes(), name, registry.load(), user="officer",
        today=TODAY, sheet=sheet,
    )  # fmt: skip


def test_the_good_files_are_what_the_script_writes() -> None:
    files = {p.name for p in GOOD.iterdir() if p.suffix != ".py" and p.is_file()}
    assert files == {f for f, _, _ in CODESIGN_FILES + VALUE_FILES}


@pytest.mark.parametrize(
    ("dataset", "files", "expected", "key"),
    [
        ("codesign_activities", CODESIGN_FILES, CODESIGN, "activity_ref"),
        ("indicator_values", VALUE_FILES, VALUES, "period_key"),
    ],
    ids=["codesign_activities", "indicator_values"],
)
def test_every_encoding_and_format_stores_the_same_rows(
    engine: Engine,
    dataset: str,
    files: list[tuple[str, str, str | None]],
    expected: pl.DataFrame,
    key: str,
) -> None:
    for name, read_as, sheet in files:
        report = upload(engine, dataset, name, sheet)
        assert report.ok, (name, report.problems.to_dicts())
        assert report.read_as == read_as, name
        rows = stored(engine, dataset, key)
        # each file replaces the one before (same periods), so these are this file's rows
        assert (
            rows.drop("batch_id", "row_number").select(expected.columns).equals(expected.sort(key))
        ), name
        assert rows["row_number"].to_list() == FIRST_ROWS.get(name, [2, 3, 4]), name
