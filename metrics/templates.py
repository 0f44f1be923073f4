"""Blank upload templates built from the dataset schemas: CSV, and XLSX with a data dictionary.

The workbook's first sheet, "data", is the one the upload reads; the "data dictionary" sheet
describes each column and is never read as data. Every text written passes through
`neutralise`, so nothing in a template can run as a formula.
"""

from __future__ import annotations

import io

from metrics import datasets
from metrics.datasets import ColumnType, Dataset
from metrics.ingest.formulas import neutralise
from metrics.ingest.reader import DATA_SHEET, DICTIONARY_SHEET

# Excel's own limit on a data-validation input message.
_PROMPT_LIMIT = 255
_LAST_ROW = 1_048_576
# Typed as text, so Excel keeps references like 007 and never turns 2024-03 into a date.
_TEXT_TYPES = (ColumnType.text, ColumnType.category, ColumnType.yes_no, ColumnType.period)


def dictionary_rows(ds: Dataset) -> list[dict[str, str]]:
    """One row per column: what the template's data dictionary says about it."""
    return [
        {
            "column": c.name,
            "required": ("required" if c.required else "optional")
            + (", the column may be left out" if c.may_be_left_out else ""),
            "type": c.type.value.replace("_", "/"),
            "allowed values": ", ".join(c.allowed_values),
            "example": c.example,
            "description": c.description,
        }
        for c in ds.columns
    ]


def csv_template(dataset: str) -> bytes:
    """The header row, UTF-8 with a BOM so Excel opens it with the right encoding."""
    ds = datasets.get(dataset)
    return ("\ufeff" + ",".join(neutralise(n) for n in ds.column_names) + "\r\n").encode("utf-8")


def xlsx_template(dataset: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ds = datasets.get(dataset)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    data.append([neutralise(n) for n in ds.column_names])
    data.freeze_panes = "A2"
    for i, col in enumerate(ds.columns, start=1):
        letter = get_column_letter(i)
        data.cell(row=1, column=i).font = Font(bold=True)
        dim = data.column_dimensions[letter]
        dim.width = max(14, len(col.name) + 2)
        # Column-wide formats (not 1,000 formatted cells), so new rows start at row 2.
        if col.type in _TEXT_TYPES:
            dim.number_format = "@"
        elif col.type is ColumnType.date:
            dim.number_format = "dd/mm/yyyy"
        check = DataValidation(
            type="list" if col.allowed_values else None,
            formula1=f'"{",".join(col.allowed_values)}"' if col.allowed_values else None,
            allow_blank=True,
            showErrorMessage=bool(col.allowed_values),
            errorStyle="warning",
            error=f"Use one of: {', '.join(col.allowed_values)}"[:_PROMPT_LIMIT],
            promptTitle=col.name[:32],
            prompt=col.description[:_PROMPT_LIMIT],
            showInputMessage=True,
        )
        data.add_data_validation(check)
        check.add(f"{letter}2:{letter}{_LAST_ROW}")

    info = wb.create_sheet(DICTIONARY_SHEET)
    rows = dictionary_rows(ds)
    info.append([neutralise(ds.title)])
    info.append([neutralise(ds.description)])
    info.append([f"Fill in the '{DATA_SHEET}' sheet, one row per record; this sheet is not read."])
    info.append([])
    info.append([neutralise(k) for k in rows[0]])
    for cell in info[5]:
        cell.font = Font(bold=True)
    for r in rows:
        info.append([neutralise(v) for v in r.values()])
    info["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCDEF", (28, 10, 10, 40, 22, 90), strict=True):
        info.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
