"""Read an uploaded CSV or Excel file into a frame of text cells, keeping spreadsheet row numbers.

Everything is read as text: validation decides what each cell means, so nothing is lost to a
reader guessing types. `row_number` is the row the officer sees in Excel (the header is row 1),
blank rows included.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import polars as pl

SEPARATORS = (",", ";", "\t")
SEPARATOR_WORDS = {",": "comma", ";": "semicolon", "\t": "tab"}
DICTIONARY_SHEET = "data dictionary"
DATA_SHEET = "data"
# Control characters never found in a spreadsheet saved as text (tab, CR, LF and the vertical
# tab Excel uses for a line break inside a cell are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")

SAVE_AS_CSV = (
    "Open it in Excel and choose File > Save As > 'CSV UTF-8 (Comma delimited)' or "
    "'Excel Workbook (.xlsx)', then upload that file."
)
EMPTY_FIX = "Download the template, fill it in (one row per record under the header) and upload it."


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all: what is wrong, and what to do."""

    def __init__(self, problem: str, fix: str = SAVE_AS_CSV, row: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.row = row  # the spreadsheet row at fault, when there is one


@dataclass
class RawTable:
    header: list[str]  # column names exactly as in the file
    cells: pl.DataFrame  # one String column per header position (c0, c1, ...) + row_number
    encoding: str = ""
    separator: str = ""  # "" for Excel
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1  # the spreadsheet row of the header (below any blank rows at the top)
    # The spreadsheet column (1 = A) of each header position: empty columns are left out.
    column_numbers: list[int] = field(default_factory=list)

    def column_letter(self, position: int) -> str:
        """Excel's name for the column at a header position: A, B, ..., Z, AA, ..."""
        number = self.column_numbers[position] if self.column_numbers else position + 1
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters

    @property
    def is_excel(self) -> bool:
        return self.encoding == "Excel"

    def describe(self) -> str:
        """How the file was read, in words, e.g. 'CSV, UTF-8 with BOM, semicolon separated'."""
        if self.is_excel:
            return f"Excel workbook, sheet '{self.sheet}'"
        return f"CSV, {self.encoding}, {SEPARATOR_WORDS.get(self.separator, 'comma')} separated"


# Magic numbers of files people upload by mistake, with what to call them.
_NOT_A_TABLE: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"Rar!", "a compressed (RAR) file"),
    (b"7z\xbc\xaf", "a compressed (7-Zip) file"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _refuse_known_formats(content: bytes, file_name: str) -> None:
    """Name the common wrong files (a PDF, an image, an old .xls) instead of failing vaguely."""
    for magic, what in _NOT_A_TABLE:
        if content.startswith(magic):
            raise UnreadableFile(
                f"This file is {what}, not a CSV or Excel spreadsheet.",
                "Upload the spreadsheet itself: the template saved as CSV or .xlsx.",
            )
    if content.startswith(_OLE2):
        raise UnreadableFile(
            "This is an older Excel file (.xls, Excel 97-2003) or a password-protected workbook, "
            "which cannot be read.",
            "Open it in Excel, remove any password, and choose File > Save As > 'Excel Workbook "
            "(.xlsx)' or 'CSV UTF-8 (Comma delimited)'; upload that file.",
        )
    lower = file_name.lower()
    if lower.endswith((".xls", ".xlsb", ".numbers")) and not content.startswith(_ZIP):
        raise UnreadableFile(
            "This is a spreadsheet format that cannot be read (only .xlsx and CSV can).",
            "In Excel choose File > Save As > 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.",
        )


def decode(content: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), UTF-16, Windows-1252."""
    if content.startswith(codecs.BOM_UTF8):
        try:
            return content[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as err:
            raise UnreadableFile("The file says it is UTF-8 text but is damaged.") from err
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as err:
            raise UnreadableFile("The file says it is UTF-16 text but is damaged.") from err
    if _looks_utf16_without_bom(content):
        try:
            return content.decode("utf-16-le"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as err:
        raise UnreadableFile(
            "This does not look like a CSV or Excel file: its text encoding is not one we "
            "recognise.",
        ) from err


def _looks_utf16_without_bom(content: bytes) -> bool:
    """ASCII text saved as UTF-16 LE: every second byte is zero."""
    sample = content[:2048]
    return len(sample) >= 4 and sample[1::2].count(0) > 0.9 * (len(sample) // 2)


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _widest_record(text: str, sep: str) -> int:
    """The most cells on any row (only run when a row has more cells than the header)."""
    return max((len(r) for r in csv.reader(io.StringIO(text), delimiter=sep)), default=0)


def _unclosed_quote_row(text: str, sep: str) -> int | None:
    """The spreadsheet row where an unclosed quote starts (only run when reading failed)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error:
        return rows + 1
    return None


def _read_text_table(data: bytes, sep: str, width: int | None) -> pl.DataFrame:
    if width is None:
        return pl.read_csv(
            data, has_header=False, infer_schema=False, separator=sep, quote_char='"'
        )
    return pl.read_csv(
        data,
        has_header=False,
        separator=sep,
        quote_char='"',
        schema={f"column_{i}": pl.String() for i in range(width)},
        missing_columns="insert",
    )


def _first_line_with_text(text: str) -> str:
    found = re.search(r"\S", text)
    if found is None:
        return ""
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    return text[start : None if end < 0 else end]


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0c\x0e-\x1f\x7f]")
_HEAD = 65536  # bytes looked at before reading: the separator, and that the file is text


def _read_plain_utf8(content: bytes) -> RawTable | None:
    """The common file read without first decoding all of it: UTF-8 without a byte order mark,
    line breaks or control characters. polars checks the UTF-8 itself as it reads every cell.
    None for any other file (and for one polars cannot read): the careful path then reads it,
    and says what is wrong with it."""
    if content.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = content[:_HEAD]
    if b"\r" in content or _CONTROL_BYTES.search(head) or _looks_utf16_without_bom(content):
        return None
    cut = head.rfind(b"\n") if len(content) > _HEAD else len(head)
    try:
        text = head[: max(cut, 0)].decode("utf-8")
    except UnicodeDecodeError:
        return None
    first = _first_line_with_text(text)
    if not first or re.fullmatch(r'"?sep=(.)"?,*', text.split("\n", 1)[0].strip()):
        return None
    sep = _separator(first)
    try:
        frame = _read_text_table(content, sep, None)
    except Exception:  # not UTF-8 after all, a row with extra cells, an unclosed quote...
        return None
    return _split_header(frame, encoding="UTF-8", separator=sep)


def read_csv(content: bytes, file_name: str = "upload.csv") -> RawTable:
    _refuse_known_formats(content, file_name)
    quick = _read_plain_utf8(content)
    if quick is not None:
        return quick
    text, encoding = decode(content)
    # The bytes polars reads: the upload itself when it is plain UTF-8 (a large file is then not
    # copied again), otherwise the text re-encoded.
    same_bytes = encoding == "UTF-8"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        same_bytes = False
    controls = len(_CONTROL.findall(text[:65536]))
    if "\x00" in text[:65536] or controls > max(2, len(text[:65536]) // 200):
        raise UnreadableFile("This does not look like a CSV or Excel file: it is not text.")
    if not text or text.isspace():
        raise UnreadableFile("The file is empty.", EMPTY_FIX)
    newline = text.find("\n")
    first = text if newline < 0 else text[:newline]
    hint = re.fullmatch(r'"?sep=(.)"?,*', first.strip())
    if hint:  # Excel's "sep=;" line names the separator and is not shown as a row
        sep, same_bytes = hint.group(1), False
        text = "" if newline < 0 else text[newline + 1 :]
        if not text or text.isspace():
            raise UnreadableFile("The file is empty.", EMPTY_FIX)
    else:  # the header is the first line with anything on it
        sep = _separator(_first_line_with_text(text))
    data = content if same_bytes else text.encode("utf-8")
    try:
        frame = _read_text_table(data, sep, None)
    except Exception:  # polars raises several kinds; the most common is a row with extra cells
        try:
            frame = _read_text_table(data, sep, _widest_record(text, sep))
        except Exception as err:
            row = _unclosed_quote_row(text, sep)
            raise UnreadableFile(
                'The file could not be read as a table: a quote mark (") '
                + (f"on row {row} " if row else "")
                + "is opened and never closed.",
                "Open the file in Excel, check the cells that contain quote marks, save it as "
                "'CSV UTF-8' and upload again.",
                row=row,
            ) from err
    return _split_header(frame, encoding=encoding, separator=sep)


def _filled(column: str) -> pl.Expr:
    return (pl.col(column).str.strip_chars().str.len_chars() > 0).fill_null(False)


def _first_filled_row(frame: pl.DataFrame) -> int | None:
    """The first row with anything in it: looked for near the top first, where it nearly always
    is, so a large file is not scanned in full."""
    for rows in (100, None):
        part = frame if rows is None else frame.head(rows)
        found = part.select(
            pl.any_horizontal(_filled(c) for c in part.columns).arg_true().first()
        ).item()
        if found is not None or rows is None or part.height < rows:
            return found
    return None


def _split_header(frame: pl.DataFrame, **info: str | list[str]) -> RawTable:
    """The first row with anything in it is the header; rows keep their spreadsheet numbers."""
    if frame.height == 0 or frame.width == 0:
        raise UnreadableFile("The file is empty.", EMPTY_FIX)
    frame.columns = [f"c{i}" for i in range(frame.width)]
    filled = _first_filled_row(frame)
    if filled is None:
        raise UnreadableFile("The file is empty.", EMPTY_FIX)
    header = [
        ("" if v is None else str(v)).replace("\ufeff", "").strip() for v in frame.row(filled)
    ]
    cells = frame.slice(filled + 1)
    # A column with no heading and no values (spare formatting, trailing separators) is nothing.
    unnamed = [c for c, name in zip(cells.columns, header, strict=True) if not name]
    has_values = cells.select(_filled(c).any().alias(c) for c in unnamed).row(0) if unnamed else ()
    with_values = {c for c, filled_in in zip(unnamed, has_values, strict=True) if filled_in}
    keep = [i for i, name in enumerate(header) if name or f"c{i}" in with_values]
    cells = (
        cells.select(pl.col(f"c{i}").alias(f"c{j}") for j, i in enumerate(keep))
        .with_row_index("row_number", offset=filled + 2)
        .with_columns(pl.col("row_number").cast(pl.Int64))
    )
    return RawTable(
        header=[header[i] for i in keep],
        cells=cells,
        header_row=filled + 1,
        column_numbers=[i + 1 for i in keep],
        **info,  # type: ignore[arg-type]
    )


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows it
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_workbook(content: bytes):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise UnreadableFile("This Excel file is damaged and could not be opened.") from err
    if "xl/workbook.xml" not in names:
        what = (
            "a Word document" if any(n.startswith("word/") for n in names)
            else "a PowerPoint file" if any(n.startswith("ppt/") for n in names)
            else "an OpenDocument file" if "content.xml" in names
            else "a zip archive"
        )  # fmt: skip
        raise UnreadableFile(f"This file is {what}, not a CSV or Excel spreadsheet.")
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for damaged workbooks
        raise UnreadableFile("This Excel file is damaged and could not be opened.") from err


def _worksheet_names(wb) -> list[str]:  # type: ignore[no-untyped-def]
    return [ws.title for ws in wb.worksheets]


def sheet_names(content: bytes) -> list[str]:
    """The worksheets of an .xlsx file, in workbook order."""
    wb = _open_workbook(content)
    try:
        return _worksheet_names(wb)
    finally:
        wb.close()


def default_sheet(names: list[str]) -> str | None:
    """The sheet read when none is chosen: one called 'data', else the first that is not the
    template's data dictionary."""
    for name in names:
        if name.strip().lower() == DATA_SHEET:
            return name
    others = [n for n in names if n.strip().lower() != DICTIONARY_SHEET]
    return (others or names or [None])[0]


def read_xlsx(content: bytes, sheet: str | None = None) -> RawTable:
    wb = _open_workbook(content)
    try:
        names = _worksheet_names(wb)
        if sheet is not None and sheet not in names:
            raise UnreadableFile(
                f"The workbook has no sheet called '{sheet}'.",
                f"Choose one of its sheets: {', '.join(names)}.",
            )
        chosen = sheet if sheet is not None else default_sheet(names)
        if chosen is None:
            raise UnreadableFile("The workbook has no worksheets.", EMPTY_FIX)
        if chosen.strip().lower() == DICTIONARY_SHEET:
            raise UnreadableFile(
                f"The sheet '{chosen}' is the template's data dictionary: it describes the "
                "columns and holds no data.",
                f"Choose the sheet with your rows (in the template it is called '{DATA_SHEET}').",
            )
        ws = wb[chosen]
        # The stored sheet size can be missing or wrong (some tools write "A1"); forget it so no
        # row is cut off, and start at row 1 so row numbers match what Excel shows.
        ws.reset_dimensions()
        try:
            rows = [[_cell_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)]
        except Exception as err:  # damaged sheet XML
            raise UnreadableFile("This Excel file is damaged and could not be read.") from err
    finally:
        wb.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0:
        raise UnreadableFile(f"The sheet '{chosen}' is empty.", EMPTY_FIX)
    frame = pl.DataFrame(
        [r + [None] * (width - len(r)) for r in rows],
        schema={f"c{i}": pl.String() for i in range(width)},
        orient="row",
    )
    return _split_header(frame, encoding="Excel", sheet=chosen, sheets=names)


def read_upload(content: bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read CSV or XLSX bytes, choosing by content rather than trusting the file name."""
    if not content:
        raise UnreadableFile("The file is empty.", EMPTY_FIX)
    if content.startswith(_ZIP):
        return read_xlsx(content, sheet)
    return read_csv(content, file_name)
