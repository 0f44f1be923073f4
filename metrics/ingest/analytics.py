"""Web analytics exports: page views per page over a date range, and the monthly total.

Two readers turn a downloaded file into `PageViews` (the views of each page, and the dates the
figures cover); `monthly_total` turns any `PageViews` into one month's figure. A scheduled pull
through the GA4 Data API (`unifiedPagePathScreen` and `screenPageViews`) would build the same
`PageViews` and feed the same aggregator, so nothing below the readers needs to change for it.

- Google Analytics 4, "Pages and screens" as the interface downloads it: a preamble of `#` lines
  (report name, account, property, `# Start date: YYYYMMDD`, `# End date: YYYYMMDD`), then the
  header `Page path and screen class,Views,Active users,...` (or `Page title and screen
  class`), one row per page. Files whose preamble was removed are read too: the header row is
  found, never assumed to be line nine.
- Universal Analytics (before GA4): `# All Web Site Data`, `# Pages`, `# YYYYMMDD-YYYYMMDD`, a
  blank line, then `Page,Pageviews,Unique Pageviews,...`. Numbers may be quoted with
  thousands separators ("1,024"); a totals row with an empty first cell may follow the pages,
  and a second table (`Day Index,Pageviews`) may follow a blank line. Only the pages are read,
  so each view counts once.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from metrics.ingest.reader import UnreadableFile, decode
from metrics.ingest.validate import problem, problem_table

GA4 = "Google Analytics 4"
UA = "Universal Analytics"
# The first cell of a pages table's header, and which tool writes it.
PAGE_DIMENSIONS = {
    "page path and screen class": GA4,
    "page path + query string and screen class": GA4,
    "page title and screen class": GA4,
    "page": UA,
    "page title": UA,
}
VIEW_COLUMNS = ("views", "pageviews")  # GA4 says Views; UA says Pageviews
TOTAL_WORDS = ("total", "totals", "grand total")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DOWNLOAD_FIX = (
    "Download the report again as a CSV file: in GA4, Reports > Engagement > Pages and screens, "
    "then Share this report > Download File > Download CSV."
)


@dataclass(frozen=True)
class PageViews:
    """Views of each page over a date range, whatever they were read from."""

    source: str  # GA4, UA (or, later, the GA4 Data API)
    dimension: str  # what a page is: "Page path and screen class", "Page", ...
    pages: pl.DataFrame  # page (String), views (Int64), row_number (Int64: the file's line)
    start: dt.date | None = None
    end: dt.date | None = None
    problems: pl.DataFrame = field(default_factory=lambda: problem_table([]))

    @property
    def by_path(self) -> bool:
        """Pages are named by their path (/send/...) rather than their title."""
        return "title" not in self.dimension.lower()


@dataclass(frozen=True)
class Monthly:
    """One month's total views, or the problems that stop it."""

    period: str | None
    total: int | None
    pages: int  # pages counted
    problems: pl.DataFrame


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def _yyyymmdd(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def _dates(preamble: list[str]) -> tuple[dt.date | None, dt.date | None]:
    """The date range a preamble gives (GA4's Start/End date lines, or UA's range line)."""
    start = end = None
    for line in preamble:
        text = line.lstrip("#").strip()
        if m := re.match(r"(?i)start date:\s*(\d{8})$", text):
            start = _yyyymmdd(m.group(1))
        elif m := re.match(r"(?i)end date:\s*(\d{8})$", text):
            end = _yyyymmdd(m.group(1))
        elif m := re.match(r"^(\d{8})\s*-\s*(\d{8})$", text):
            start, end = _yyyymmdd(m.group(1)), _yyyymmdd(m.group(2))
    return start, end


def _header_at(lines: list[str]) -> int | None:
    """The line index of the pages table's header: the first row whose first cell names a page
    dimension and that has a views column."""
    for i, line in enumerate(lines):
        if line.startswith("#") or not line.strip():
            continue
        cells = [c.strip().lower() for c in _cells(line)]
        if cells and cells[0] in PAGE_DIMENSIONS and any(c in VIEW_COLUMNS for c in cells):
            return i
    return None


def detect(content: bytes) -> str | None:
    """GA4 or UA if the file is a web analytics pages export, else None (judged by content)."""
    try:
        text, _ = decode(content[:65536])
    except UnreadableFile:
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:200]
    at = _header_at(lines)
    if at is None:
        return None
    return PAGE_DIMENSIONS[_cells(lines[at])[0].strip().lower()]


def _number(text: str) -> int | None:
    """A view count as exports write it: 1024, "1,024" (quotes already removed), 1024.0."""
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", cleaned):
        return int(float(cleaned))
    return None


def read_export(content: bytes, file_name: str = "export.csv") -> PageViews:
    """A GA4 or UA pages export as `PageViews`; a bad views cell is a problem (row, column,
    value), and a file that is not such an export raises UnreadableFile."""
    text, _ = decode(content)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    at = _header_at(lines)
    if at is None:
        raise UnreadableFile(
            f"“{file_name}” is not a web analytics export of pages: no header row starting "
            "'Page path and screen class' (GA4) or 'Page' (Universal Analytics) with a views "
            "column was found.",
            DOWNLOAD_FIX,
        )
    header = [c.strip() for c in _cells(lines[at])]
    dimension = header[0]
    views_at = next(i for i, c in enumerate(header) if c.lower() in VIEW_COLUMNS)
    start, end = _dates(lines[:at])
    rows: list[tuple[str, int | None, int]] = []
    problems = []
    for i in range(at + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            break  # the pages table ends at a blank line (UA's Day Index table may follow)
        if line.startswith("#"):
            continue
        cells = _cells(line)
        page = cells[0].strip() if cells else ""
        if not page or page.lower() in TOTAL_WORDS:
            continue  # a totals row: its views are the pages' views again
        raw = cells[views_at] if views_at < len(cells) else ""
        views = _number(raw)
        if views is None:
            problems.append(problem(
                i + 1, header[views_at], raw, "This is not a whole number of views.",
                "Use the file exactly as downloaded: every page's views are a whole number.",
            ))  # fmt: skip
        rows.append((page, views, i + 1))
    pages = pl.DataFrame(
        rows, schema={"page": pl.String(), "views": pl.Int64(), "row_number": pl.Int64()},
        orient="row",
    )  # fmt: skip
    source = PAGE_DIMENSIONS[dimension.lower()]
    return PageViews(source, dimension, pages, start, end, problem_table(problems))


def whole_month(start: dt.date, end: dt.date) -> str | None:
    """'2026-03' when the range is exactly one calendar month, else None."""
    last = calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and (end.year, end.month, end.day) == (start.year, start.month, last):
        return f"{start.year}-{start.month:02d}"
    return None


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def month_words(period: str) -> str:
    year, month = period.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def _month_problem(what: str, fix: str) -> pl.DataFrame:
    return problem_table([problem(None, None, "", what, fix)])


def which_month(views: PageViews, period: str | None) -> tuple[str | None, pl.DataFrame]:
    """The month the figures are for: the file's range when it is one whole month, else the
    month given; the reason when neither can be."""
    if period is not None and not _MONTH.match(period):
        return None, _month_problem(
            f"'{period}' is not a month.", "Give the month as yyyy-mm, for example 2026-03."
        )
    if views.start is not None and views.end is not None:
        month = whole_month(views.start, views.end)
        span = f"{_day(views.start)} to {_day(views.end)}"
        if month is None:
            return None, _month_problem(
                f"The file covers {span}, which is not one whole calendar month: the measure "
                "counts visits by month.",
                "Download the report again with the date range set to the first to the last "
                "day of one month, and upload one file per month.",
            )
        if period is not None and period != month:
            return None, _month_problem(
                f"The file covers {month_words(month)}, but {month_words(period)} was chosen.",
                f"Choose {month_words(month)}, or upload the file for {month_words(period)}.",
            )
        return month, problem_table([])
    if period is None:
        return None, _month_problem(
            "The file does not say which dates it covers (its top lines, which give the dates, "
            "have been removed), and no month was given.",
            "Choose the month the figures are for (--period yyyy-mm at the command line), or "
            "download the report again with its top lines.",
        )
    return period, problem_table([])


def monthly_total(
    views: PageViews, *, period: str | None = None, path_prefix: str | None = None
) -> Monthly:
    """The month's total views: of every page, or of the pages under `path_prefix`."""
    month, problems = which_month(views, period)
    problems = pl.concat([views.problems, problems])
    pages = views.pages
    if path_prefix:
        if not views.by_path:
            problems = pl.concat([problems, _month_problem(
                f"The file lists pages by title ({views.dimension}), but the measure counts only "
                f"the pages whose address starts with {path_prefix}.",
                "Download the report with 'Page path and screen class' as its first column.",
            )])  # fmt: skip
        pages = pages.filter(pl.col("page").str.starts_with(path_prefix))
    if problems.height:
        return Monthly(None, None, 0, problems.sort("row", nulls_last=False))
    return Monthly(month, int(pages.get_column("views").sum()), pages.height, problems)
