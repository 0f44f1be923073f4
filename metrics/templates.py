"""Blank upload templates built from the dataset schemas: CSV, and XLSX with a data dictionary."""

from __future__ import annotations

import io

from metrics import datasets
from metrics.datasets import Dataset


def dictionary_rows(ds: Dataset) -> list[dict[str, str]]:
    """One row per column: what the template's data dictionary says about it."""
    return [
        {
            "column": c.name,
            "required": "required" if c.required else "optional",
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
    return ("\ufeff" + ",".join(ds.column_names) + "\r\n").encode("utf-8")


def xlsx_template(dataset: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    ds = datasets.get(dataset)
    wb = Workbook()
    data = wb.active
    data.title = "data"
    data.append(ds.column_names)
    for cell in data[1]:
        cell.font = Font(bold=True)
        # Text cells, so Excel keeps references like 007 and never turns a value into a formula.
        data.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 2)
    for i, col in enumerate(ds.columns, start=1):
        if col.type.value in ("text", "category", "yes_no", "period"):
            for row in range(2, 1002):
                data.cell(row=row, column=i).number_format = "@"
    info = wb.create_sheet("data dictionary")
    rows = dictionary_rows(ds)
    info.append([ds.title])
    info.append([ds.description])
    info.append([])
    info.append(list(rows[0]))
    for cell in info[4]:
        cell.font = Font(bold=True)
    for r in rows:
        info.append(list(r.values()))
    info["A1"].font = Font(bold=True, size=14)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
