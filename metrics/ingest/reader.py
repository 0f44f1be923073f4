"""Read an uploaded CSV or Excel file into a frame of text cells, keeping spreadsheet row numbers.

Everything is read as text: validation decides what each cell means, so nothing is lost to a
reader guessing types. `row_number` is the row the officer sees in Excel (the header is row 1).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

import polars as pl

XLSX_MAGIC = b"PK\x03\x04"
SEPARATORS = (",", ";", "\t")


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all; the message says why and what to do."""


@dataclass
class RawTable:
    header: list[str]  # column names exactly as in the file
    cells: pl.DataFrame  # one String column per header position (c0, c1, ...) + row_number
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)


def decode(content: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), UTF-16, Windows-1252."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 with BOM"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16"), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as err:
        raise UnreadableFile(
            "The file's text encoding is not one we recognise. In Excel choose "
            "File > Save As > 'CSV UTF-8 (Comma delimited)' and upload that."
        ) from err


def _looks_binary(content: bytes) -> bool:
    sample = content[:4096]
    return b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def read_csv(content: bytes) -> RawTable:
    if _looks_binary(content):
        raise UnreadableFile(
            "This does not look like a CSV or Excel file. Save your spreadsheet as CSV or .xlsx "
            "and upload that."
        )
    text, encoding = decode(content)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("The file is empty. Download the template, fill it in and upload it.")
    sep = _separator(text.split("\n", 1)[0])
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=sep,
            truncate_ragged_lines=False,
            quote_char='"',
        )
    except Exception as err:  # polars raises several kinds for malformed text
        raise UnreadableFile(
            "The file could not be read as a table: some rows may have more cells than the "
            "header, or a quote mark may be unclosed. Open it in Excel, check the rows, save as "
            f"CSV and upload again. (Detail: {str(err).splitlines()[0][:200]})"
        ) from err
    return _split_header(frame, encoding=encoding, separator=sep)


def _split_header(frame: pl.DataFrame, **info: str | list[str]) -> RawTable:
    if frame.height == 0:
        raise UnreadableFile("The file is empty. Download the template, fill it in and upload it.")
    header = [("" if v is None else str(v)) for v in frame.row(0)]
    cells = frame.slice(1)
    cells.columns = [f"c{i}" for i in range(len(header))]
    cells = cells.with_row_index("row_number", offset=2).with_columns(
        pl.col("row_number").cast(pl.Int64)
    )
    return RawTable(header=header, cells=cells, **info)  # type: ignore[arg-type]


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheet_names(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise UnreadableFile(
            "This Excel file could not be opened. Save it again from Excel as .xlsx and upload it."
        ) from err
    names = list(wb.sheetnames)
    wb.close()
    return names


def read_xlsx(content: bytes, sheet: str | None = None) -> RawTable:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise UnreadableFile(
            "This Excel file could not be opened. Save it again from Excel as .xlsx and upload it."
        ) from err
    names = list(wb.sheetnames)
    if sheet is not None and sheet not in names:
        raise UnreadableFile(
            f"The workbook has no sheet called '{sheet}'. Its sheets are: {names}."
        )
    ws = wb[sheet or names[0]]
    # openpyxl reports rows from the first used row; pad so row numbers match Excel's.
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0:
        raise UnreadableFile("The sheet is empty. Download the template, fill it in and upload it.")
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    frame = pl.DataFrame(
        [r + [None] * (width - len(r)) for r in rows],
        schema=[f"c{i}" for i in range(width)],
        orient="row",
    )
    # A header row with trailing empty cells (formatting) is not a set of columns.
    header = [("" if v is None else str(v)) for v in frame.row(0)]
    while (
        header
        and header[-1] == ""
        and frame.get_column(f"c{len(header) - 1}").slice(1).null_count() == frame.height - 1
    ):
        frame = frame.drop(f"c{len(header) - 1}")
        header.pop()
    return _split_header(frame, encoding="Excel", sheet=ws.title, sheets=names)


def read_upload(content: bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read CSV or XLSX bytes, choosing by content rather than trusting the file name."""
    if content.startswith(XLSX_MAGIC):
        return read_xlsx(content, sheet)
    if file_name.lower().endswith((".xls", ".xlsb", ".ods")) and _looks_binary(content):
        raise UnreadableFile(
            "This is an older Excel format we cannot read. In Excel choose File > Save As > "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8' and upload that."
        )
    return read_csv(content)
