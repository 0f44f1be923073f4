"""Downloads that leave the building: charts as PNG and SVG, tables as CSV and XLSX.

Everything here is built from suppressed rows (`metrics.disclosure`), so no suppressed value
can appear anywhere in a file, not even in a tooltip or a label. Charts are drawn offline by
vl-convert from the same Altair builders the dashboard uses; the SVG carries the chart's title
and description for screen readers. Tables are formula-safe: no cell starts a live formula
(`metrics.ingest.formulas`). Each function takes the indicator, its result rows (all of them,
so that suppression sees every breakdown) and the threshold (default from settings), and
returns bytes (or None when there is nothing to draw).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import altair as alt
import polars as pl
import vl_convert as vlc
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from metrics import charts, datasets, disclosure, spc, summaries
from metrics.ingest.formulas import neutralise, neutralise_frame
from metrics.registry import Indicator, IndicatorType

ChartKind = Literal["trend", "breakdown", "equity", "bands", "population", "spc"]

WIDTH = 640  # pixels; the PNG is drawn at twice this for print
PNG_SCALE = 2
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SOURCE_NOTE = "Measures of Success dashboard"


# ---------------------------------------------------------------------------------------------
# Suppressed rows
# ---------------------------------------------------------------------------------------------


def published_rows(
    indicator: Indicator, results: pl.DataFrame | pl.LazyFrame, threshold: int | None = None
) -> pl.DataFrame:
    """The indicator's rows ready to publish.

    Rows already suppressed (from `disclosure.suppress_results`, with its flag columns) are
    used as they are; raw results are suppressed here, with any rows of its related measures
    they hold (`disclosure.suppress_indicator`).
    """
    frame = results.lazy()
    if "value_flag" in frame.collect_schema().names():
        return frame.filter(pl.col("indicator_id") == indicator.id).collect()
    return disclosure.suppress_indicator(indicator, frame, threshold)


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def chart(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    *,
    kind: ChartKind = "trend",
    breakdown: str | None = None,
    period: str | None = None,
    event_date: dt.date | None = None,
    recalculate_from: str | None = None,
) -> alt.TopLevelMixin | None:
    """The Altair chart of suppressed rows, sized for print; None when nothing can be drawn.

    "trend" is the series chart for a series indicator; "spc" the statistical process control
    chart, its limits worked out afresh from `recalculate_from`. The bands and population charts add
    counts up into a whole, which a suppressed count would make false: their builders draw
    nothing when any of their counts is suppressed (the table shows them as `c`).
    """
    rows = published_rows(indicator, results, threshold)
    built: Any
    if kind == "trend":
        if indicator.type is IndicatorType.series:
            built = charts.series_chart(indicator, rows, event_date=event_date)
        else:
            built = charts.trend_chart(indicator, rows)
    elif kind == "breakdown":
        if breakdown is None or period is None:
            raise ValueError("A breakdown chart needs a breakdown and a period.")
        built = charts.breakdown_chart(indicator, rows, breakdown, period)
    elif kind == "equity":
        built = charts.equity_chart(indicator, rows)
    elif kind == "bands":
        built = charts.bands_chart(indicator, rows, period)
    elif kind == "population":
        if breakdown is None:
            raise ValueError("A population chart needs a breakdown.")
        built = charts.population_chart(indicator, rows, breakdown)
    elif kind == "spc":
        analysed = spc.analyse(indicator, rows, recalculate_from=recalculate_from)
        built = charts.spc_chart(indicator, analysed) if spc.applies(indicator) else None
    else:
        raise ValueError(f"Unknown chart kind '{kind}'.")
    if built is None:
        return None
    return built.properties(width=WIDTH)


def chart_text(built: alt.TopLevelMixin) -> tuple[str, str]:
    """A chart's title and description (its text alternative)."""
    spec = built.to_dict()
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    if isinstance(text, list):
        text = " ".join(text)
    return str(text), str(spec.get("description", ""))


def png_of(built: alt.TopLevelMixin, scale: int = PNG_SCALE) -> bytes:
    """A chart drawn as PNG, offline."""
    return bytes(vlc.vegalite_to_png(built.to_json(), scale=scale))


def svg_of(built: alt.TopLevelMixin, *, id_prefix: str = "chart") -> str:
    """A chart drawn as SVG, offline, with its title and description for screen readers.

    The svg element gets role="img", aria-labelledby pointing at <title> and <desc>, and every
    id is prefixed so that several charts can sit inline in one HTML page.
    """
    svg = vlc.vegalite_to_svg(built.to_json())
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{id_prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{id_prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{id_prefix}-\1"', svg)
    title, description = chart_text(built)
    label = f'role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc"'
    opening = re.match(r"<svg\b[^>]*>", svg)
    if opening is None:
        raise ValueError("vl-convert did not return an SVG document")
    head = opening.group(0)[:-1] + f" {label}>"
    alternative = (
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>'
    )
    return head + alternative + svg[opening.end() :]


def chart_png(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    **kwargs: Any,
) -> bytes | None:
    """The chart (see `chart` for the kinds) as PNG bytes, or None."""
    built = chart(indicator, results, threshold, **kwargs)
    return None if built is None else png_of(built)


def chart_svg(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    **kwargs: Any,
) -> bytes | None:
    """The chart as a standalone SVG file (UTF-8), or None."""
    built = chart(indicator, results, threshold, **kwargs)
    if built is None:
        return None
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg_of(built)).encode("utf-8")


def svg_inline(built: alt.TopLevelMixin, id_prefix: str) -> str:
    """The chart as an <svg> element for an HTML page, labelled with its description."""
    svg = svg_of(built, id_prefix=id_prefix)
    _, description = chart_text(built)
    return svg.replace("<svg ", f"<svg aria-label={quoteattr(description)} ", 1)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def _count_cell(column: str) -> pl.Expr:
    """A count as plain digits, `c` when suppressed, blank when there is none."""
    value = pl.col(column)
    return (
        pl.when(pl.col(f"{column}_flag").is_not_null())
        .then(pl.lit(disclosure.SUPPRESSED))
        .when(value.is_not_null())
        .then(summaries.number_expr(value).str.replace_all(",", ""))
        .otherwise(pl.lit(""))
    )


def _one_decimal_cell(x: pl.Expr) -> pl.Expr:
    hidden = pl.col("value_flag").is_not_null()
    return (
        pl.when(hidden)
        .then(pl.lit(disclosure.SUPPRESSED))
        .when(x.is_not_null() & ~x.is_nan())
        .then(summaries.one_decimal_expr(x).str.replace_all(",", ""))
        .otherwise(pl.lit(""))
    )


def table(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    *,
    breakdown: str | None = None,
    period: str | None = None,
) -> pl.DataFrame:
    """Every published row of an indicator (headline and breakdowns) as a table of text.

    Numbers are plain digits (no thousands separators) so spreadsheets read them as numbers;
    `c` marks a suppressed value and the Footnote column says why. Text is formula-safe.
    `breakdown` (and `period`) keep one breakdown's rows (of one period), e.g. the table behind
    a breakdown chart; suppression is still worked out over every row of the indicator.
    """
    rows = published_rows(indicator, results, threshold)
    if breakdown is not None:
        rows = rows.filter(pl.col("breakdown") == breakdown)
    if period is not None:
        rows = rows.filter(pl.col("period") == period)
    rows = rows.sort("period_start", "breakdown", "breakdown_group", nulls_last=False)
    columns: dict[str, pl.Expr] = {
        "Period": pl.col("period"),
        "Breakdown": pl.col("breakdown").fill_null("All"),
        "Group": pl.col("breakdown_group").fill_null("All"),
    }
    if indicator.type is IndicatorType.milestone:
        columns["Progress"] = pl.col("published_value")
    elif indicator.type in summaries.RATE_TYPES:
        columns["Number"] = _count_cell("numerator")
        columns["Out of"] = _count_cell("denominator")
        columns["Percentage"] = _one_decimal_cell(pl.col("value"))
        columns["Lower 95% limit"] = _one_decimal_cell(pl.col("lower"))
        columns["Upper 95% limit"] = _one_decimal_cell(pl.col("upper"))
    else:
        count = pl.col("value")
        columns["Number"] = (
            pl.when(pl.col("value_flag").is_not_null())
            .then(pl.lit(disclosure.SUPPRESSED))
            .when(count.is_not_null())
            .then(summaries.number_expr(count).str.replace_all(",", ""))
            .otherwise(pl.lit(""))
        )
    columns["Status"] = pl.when(pl.col("breakdown").is_null()).then(
        summaries.status_text_expr(indicator)
    )
    note = "Evidence" if indicator.type is IndicatorType.milestone else "Note"
    columns[note] = pl.col("note")
    columns["Footnote"] = pl.col("footnote")
    out = neutralise_frame(rows.select(**{name: e.fill_null("") for name, e in columns.items()}))
    assert isinstance(out, pl.DataFrame)
    return out


def table_csv(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    *,
    breakdown: str | None = None,
    period: str | None = None,
) -> bytes:
    """The published table as CSV: UTF-8 with a byte order mark, so Excel reads it right."""
    buffer = io.BytesIO()
    table(indicator, results, threshold, breakdown=breakdown, period=period).write_csv(
        buffer, include_bom=True
    )
    return buffer.getvalue()


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# the columns that hold numbers; a period such as "2024" stays a label
NUMBER_COLUMNS = frozenset({"Number", "Out of", "Percentage", "Lower 95% limit", "Upper 95% limit"})


def _cell(column: str, text: str) -> str | int | float | None:
    """Digits in a number column become numbers; other text stays (neutralised) text."""
    if text == "":
        return None
    if column in NUMBER_COLUMNS and _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return neutralise(text)


def _fit(sheet: Any, widths: Mapping[int, int]) -> None:
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 80)


def notes_rows(
    indicator: Indicator, threshold: int | None, today: dt.date
) -> list[tuple[str, str]]:
    """What a published table needs beside it: title, footnotes, source, date, threshold."""
    t = disclosure.default_threshold() if threshold is None else threshold
    notes = disclosure.footnotes(t)
    try:
        source = datasets.get(indicator.source.dataset).title
    except KeyError:
        source = indicator.source.dataset
    return [
        ("Measure", indicator.title),
        ("What it measures", indicator.description.strip()),
        ("Data source", source),
        ("Produced", summaries.uk_date(today)),
        ("Produced by", SOURCE_NOTE),
        (
            "Small numbers",
            f"Counts from 1 to {t - 1} are shown as c, and percentages resting on them are "
            "withheld, so that no child can be identified. A true zero is shown as 0.",
        ),
        *((f"Footnote: {key}", text) for key, text in notes.items()),
    ]


def table_xlsx(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    *,
    today: dt.date | None = None,
    breakdown: str | None = None,
    period: str | None = None,
) -> bytes:
    """The published table as an Excel workbook: a data sheet and a notes sheet."""
    from metrics import api

    when = today or api.today()
    frame = table(indicator, results, threshold, breakdown=breakdown, period=period)
    book = Workbook()
    data = book.active
    data.title = "data"
    data.append([neutralise(c) for c in frame.columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for row in frame.iter_rows():
        data.append([_cell(name, v) for name, v in zip(frame.columns, row, strict=True)])
    data.freeze_panes = "A2"
    _fit(
        data,
        {
            i + 1: max([len(name), *(len(v) for v in frame.get_column(name).to_list())])
            for i, name in enumerate(frame.columns)
        },
    )
    notes = book.create_sheet("notes")
    notes.append(["Note", "Text"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for key, text in notes_rows(indicator, threshold, when):
        notes.append([neutralise(key), neutralise(text)])
    _fit(notes, {1: 24, 2: 80})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
