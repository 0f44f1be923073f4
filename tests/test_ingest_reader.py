"""Reading uploads: encodings, separators, workbooks, and row numbers as Excel shows them."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from metrics.ingest.reader import UnreadableFile, default_sheet, read_upload, sheet_names

HEADER_AND_ROW = "ref,title\r\nR1,Café\r\n"


def with_stored_size(content: bytes, size: str) -> bytes:
    """The workbook with every sheet claiming to span `size` (some tools write just "A1")."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{size}"'.encode(), data)
            dst.writestr(item, data)
    return out.getvalue()


def workbook(rows_by_sheet: dict[str, dict[str, object]]) -> bytes:
    """Sheets of cells by address, e.g. {"data": {"A1": "ref", "A2": "R1"}}."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, cells in rows_by_sheet.items():
        ws = wb.create_sheet(name)
        for address, value in cells.items():
            ws[address] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (HEADER_AND_ROW.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + HEADER_AND_ROW.encode("utf-8"), "UTF-8 with BOM"),
        (HEADER_AND_ROW.encode("cp1252"), "Windows-1252"),  # é is the single byte 0xE9
        (codecs.BOM_UTF16_LE + HEADER_AND_ROW.encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF16_BE + HEADER_AND_ROW.encode("utf-16-be"), "UTF-16"),
        (HEADER_AND_ROW.encode("utf-16-le"), "UTF-16"),  # no byte-order mark at all
    ],
)
def test_every_encoding_excel_writes_reads_the_same(content: bytes, encoding: str) -> None:
    table = read_upload(content, "upload.csv")
    assert table.encoding == encoding
    assert table.header == ["ref", "title"]
    assert table.cells.select("row_number", "c0", "c1").rows() == [(2, "R1", "Café")]


@pytest.mark.parametrize(
    ("text", "separator"),
    [
        ('ref,count\r\nR1,"1,520"\r\n', ","),  # the comma inside quotes is not a separator
        ("ref;count\r\nR1;1,520\r\n", ";"),
        ("ref\tcount\r\nR1\t1,520\r\n", "\t"),
        ("sep=;\r\nref;count\r\nR1;1,520\r\n", ";"),  # Excel's separator line, not a row
    ],
)
def test_the_separator_is_found_and_thousands_separators_survive(text: str, separator: str) -> None:
    table = read_upload(text.encode(), "upload.csv")
    assert table.separator == separator
    assert table.cells.select("row_number", "c0", "c1").rows() == [(2, "R1", "1,520")]


def test_blank_lines_keep_their_row_numbers() -> None:
    # Excel shows: 1 blank, 2 blank, 3 header, 4 R1, 5 blank, 6 R2
    table = read_upload(b"\r\n\r\nref,n\r\nR1,1\r\n\r\nR2,2\r\n", "upload.csv")
    assert table.header_row == 3
    filled = table.cells.drop_nulls("c0")
    assert filled.select("row_number", "c0").rows() == [(4, "R1"), (6, "R2")]


def test_the_separator_is_read_from_the_header_below_blank_lines() -> None:
    table = read_upload(b"\r\n;;\r\nref;n\r\nR1;1\r\n", "upload.csv")
    assert table.separator == ";"
    assert (table.header_row, table.header) == (3, ["ref", "n"])


def test_empty_columns_without_a_heading_are_dropped() -> None:
    table = read_upload(b"ref,n,,\r\nR1,1,,\r\n", "upload.csv")
    assert table.header == ["ref", "n"]


def test_a_row_with_more_cells_than_the_header_keeps_them_in_an_unnamed_column() -> None:
    table = read_upload(b"ref,n\r\nR1,1\r\nR2,2,oops\r\n", "upload.csv")
    assert table.header == ["ref", "n", ""]
    assert table.column_letter(2) == "C"
    assert table.cells["c2"].to_list() == [None, "oops"]


def test_an_unclosed_quote_names_its_row() -> None:
    with pytest.raises(UnreadableFile) as err:
        read_upload(b'ref,n\r\nR1,1\r\nR2,"2\r\nR3,3\r\n', "upload.csv")
    assert err.value.row == 3
    assert "row 3" in err.value.problem


def test_excel_rows_keep_their_numbers_even_when_the_sheet_starts_lower_down() -> None:
    # Header in row 4 of column B; data in row 6; the stored size claims only A1 is used.
    content = workbook({"data": {"B4": "ref", "C4": "n", "B6": "R1", "C6": 7}})
    table = read_upload(with_stored_size(content, "A1"), "upload.xlsx")
    assert table.header_row == 4
    assert table.header == ["ref", "n"]
    assert table.column_letter(0) == "B"
    assert table.cells.drop_nulls("c0").select("row_number", "c0", "c1").rows() == [(6, "R1", "7")]


def test_excel_cells_are_read_as_the_text_excel_shows() -> None:
    content = workbook({"data": {
        "A1": "date", "B1": "stamp", "C1": "whole", "D1": "part", "E1": "flag", "F1": "big",
        "A2": dt.datetime(2024, 2, 5), "B2": dt.datetime(2024, 2, 5, 9, 30), "C2": 7.0,
        "D2": 0.5, "E2": True, "F2": 1520,
    }})  # fmt: skip
    table = read_upload(content, "upload.xlsx")
    assert table.cells.drop("row_number").row(0) == (
        "2024-02-05", "2024-02-05T09:30:00", "7", "0.5", "TRUE", "1520",
    )  # fmt: skip


def test_sheets_are_listed_and_an_unknown_sheet_is_refused_by_name() -> None:
    content = workbook({"notes": {"A1": "x"}, "Extract": {"A1": "ref", "A2": "R1"}})
    assert sheet_names(content) == ["notes", "Extract"]
    assert read_upload(content, "f.xlsx", sheet="Extract").header == ["ref"]
    with pytest.raises(UnreadableFile) as err:
        read_upload(content, "f.xlsx", sheet="Data")
    assert "no sheet called 'Data'" in err.value.problem
    assert "notes, Extract" in err.value.fix


@pytest.mark.parametrize(
    ("names", "chosen"),
    [
        (["data", "data dictionary"], "data"),
        (["data dictionary", "Data"], "Data"),
        (["data dictionary", "Sheet1"], "Sheet1"),
        (["Sheet1", "Sheet2"], "Sheet1"),
    ],
)
def test_the_default_sheet_is_data_and_never_the_dictionary(names: list[str], chosen: str) -> None:
    assert default_sheet(names) == chosen


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"%PDF-1.4\n", "report.csv", "PDF document"),
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "chart.png", "PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(20), "photo.jpg", "JPEG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20), "old.xls", "older Excel file"),
        (b"PK\x03\x04garbage", "book.xlsx", "damaged"),
        (b"", "empty.csv", "empty"),
        (b"\x00\x01\x02\x03" * 50, "blob.bin", "not text"),
    ],
)
def test_files_that_are_not_tables_are_refused_with_what_they_are(
    content: bytes, name: str, words: str
) -> None:
    with pytest.raises(UnreadableFile) as err:
        read_upload(content, name)
    assert words in err.value.problem
    assert err.value.fix
