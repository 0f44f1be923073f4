"""Write the same two small uploads in every encoding and format an officer might save.

Run `uv run python tests/good_files/make_good_files.py` to regenerate. Every file of a dataset
holds the same records, so every one must store exactly the same rows
(tests/test_ingest_good_files.py).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

CODESIGN = [
    "activity_ref", "title", "priority", "start_date", "completed_date", "involved_from_start",
    "feedback_given", "reported_feeling_heard",
]  # fmt: skip
# Accented and typographic characters that Windows-1252 can hold: é, an en dash, curly quotes.
CODESIGN_ROWS = [
    ["CD-001", "Café drop-in designed with parent carers", "4", "01/05/2025", "20/10/2025",
     "yes", "yes", "yes"],
    ["CD-002", "Short breaks review – young people’s panel", "1", "12/01/2025", "",
     "yes", "no", "yes"],
    ["CD-003", "Transition fair: “what next?”", "2", "03/03/2025", "28/06/2025",
     "no", "yes", "yes"],
]  # fmt: skip

VALUES = ["indicator_id", "period", "breakdown", "breakdown_group", "count", "numerator",
          "denominator"]  # fmt: skip
VALUE_ROWS = [
    ["local_offer_hits", "2024-03", "", "", "1,520", "", ""],
    ["local_offer_hits", "2024-04", "", "", "1,610", "", ""],
    ["tribunal_appeal_rate", "2024", "", "", "", "2", "25"],
]


def text(rows: list[list[str]], sep: str = ",") -> str:
    """Delimited text, quoted only where needed (as Excel does): "1,520" in a comma file."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _date(cell: str) -> dt.datetime | None:
    return dt.datetime.strptime(cell, "%d/%m/%Y") if cell else None


def _iso(cell: str) -> str:
    return _date(cell).strftime("%Y-%m-%d") if cell else ""  # type: ignore[union-attr]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, cell in enumerate(row, start=1):
                if cell not in (None, ""):
                    ws.cell(row=r, column=c, value=cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def codesign_cells() -> list[list[object]]:
    """The records as Excel holds them: real date cells and a number for the priority."""
    return [
        [ref, title, int(pri), _date(start), _date(done), a, b, c]
        for ref, title, pri, start, done, a, b, c in CODESIGN_ROWS
    ]


def value_cells() -> list[list[object]]:
    return [
        [i, p, b, g, *(int(v.replace(",", "")) if v else None for v in (n, num, den))]
        for i, p, b, g, n, num, den in VALUE_ROWS
    ]


NOTES = [["These notes are not data"], ["Extract run by the SEND team"]]

FILES: dict[str, Callable[[], bytes]] = {
    "codesign_utf8.csv": lambda: text([CODESIGN, *CODESIGN_ROWS]).encode("utf-8"),
    "codesign_utf8_bom.csv": lambda: (
        codecs.BOM_UTF8 + text([CODESIGN, *CODESIGN_ROWS]).encode("utf-8")
    ),
    "codesign_cp1252.csv": lambda: text([CODESIGN, *CODESIGN_ROWS]).encode("cp1252"),
    # Excel's "Unicode text": UTF-16 little-endian with a byte-order mark, tab separated.
    "codesign_utf16.txt": lambda: (
        codecs.BOM_UTF16_LE + text([CODESIGN, *CODESIGN_ROWS], sep="\t").encode("utf-16-le")
    ),
    "codesign_semicolon.csv": lambda: text([CODESIGN, *CODESIGN_ROWS], sep=";").encode("utf-8"),
    "codesign_tab.tsv": lambda: text([CODESIGN, *CODESIGN_ROWS], sep="\t").encode("utf-8"),
    # ISO dates and choices typed in capitals: "Yes" and "YES" mean yes.
    "codesign_iso_dates_capitals.csv": lambda: text(
        [
            CODESIGN,
            *(
                [ref, title, pri, _iso(s), _iso(d), a.capitalize(), b.upper(), c]
                for ref, title, pri, s, d, a, b, c in CODESIGN_ROWS
            ),
        ]
    ).encode("utf-8"),
    "codesign_excel_dates_two_sheets.xlsx": lambda: workbook(
        {"data": [CODESIGN, *codesign_cells()], "notes": NOTES}
    ),
    # The data is on a sheet not called "data", chosen by name at upload.
    "codesign_excel_chosen_sheet.xlsx": lambda: workbook(
        {"notes": NOTES, "Extract": [CODESIGN, *codesign_cells()]}
    ),
    # Two blank rows above the header, an empty column A, a blank row between records.
    "codesign_excel_blank_rows.xlsx": lambda: workbook(
        {
            "data": [
                [],
                [],
                [None, *CODESIGN],
                [None, *codesign_cells()[0]],
                [],
                *([None, *r] for r in codesign_cells()[1:]),
            ]
        }
    ),
    "values_utf8.csv": lambda: text([VALUES, *VALUE_ROWS]).encode("utf-8"),
    # No clash with a semicolon or a tab: 1,520 needs no quotes.
    "values_semicolon.csv": lambda: text([VALUES, *VALUE_ROWS], sep=";").encode("cp1252"),
    "values_utf16.txt": lambda: (
        codecs.BOM_UTF16_LE + text([VALUES, *VALUE_ROWS], sep="\t").encode("utf-16-le")
    ),
    "values_numbers.xlsx": lambda: workbook({"data": [VALUES, *value_cells()]}),
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
    print(f"Wrote {len(FILES)} files to {HERE}")


if __name__ == "__main__":
    main()
