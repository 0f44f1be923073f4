"""Downloads under each chart (PNG, SVG) and its table (CSV, XLSX), and, in the publication
view, the figures and footnotes exactly as published.

Everything downloaded is suppressed (`metrics.exports`), whichever view is on screen: anything
that leaves the building is published. Files are made only when their button is pressed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl
import streamlit as st

from dashboard import data, publication
from metrics import exports
from metrics.registry import Indicator

PNG = "image/png"
SVG = "image/svg+xml"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTHING = b""  # a chart with nothing to draw (every count suppressed): an empty file


def _or_nothing(make: Callable[[], bytes | None]) -> bytes:
    return make() or NOTHING


def _rows(indicator: Indicator, view: data.View) -> pl.DataFrame:
    """The indicator's rows (all breakdowns): suppression needs every table a number is in."""
    return view.results.filter(pl.col("indicator_id") == indicator.id)


def _for_export(view: data.View) -> pl.DataFrame:
    """Every row: an export suppresses a measure with its related measures (metrics.exports)."""
    return view.results


def _slug(text: str) -> str:
    """'Global majority and White' -> 'global-majority-and-white', for file names and keys."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def chart_buttons(
    indicator: Indicator,
    view: data.View,
    *,
    kind: exports.ChartKind = "trend",
    name: str = "trend",
    key: str = "",
    label: str | None = None,
    **chart_args: Any,
) -> None:
    """PNG and SVG of a chart, as published. `label` names the chart on its buttons (the
    measure's title by default); `chart_args` are `exports.chart`'s breakdown and period."""
    rows = _for_export(view)
    stem = f"{indicator.id}-{name}".replace("_", "-")
    tag = key or f"{indicator.id}-{name}"
    words = label or indicator.title
    left, right = st.columns(2)
    left.download_button(
        f"Chart as PNG: {words}",
        partial(_or_nothing, partial(exports.chart_png, indicator, rows, kind=kind, **chart_args)),
        file_name=f"{stem}.png",
        mime=PNG,
        key=f"dl-png-{tag}",
        on_click="ignore",
        icon=":material/image:",
    )
    right.download_button(
        f"Chart as SVG: {words}",
        partial(_or_nothing, partial(exports.chart_svg, indicator, rows, kind=kind, **chart_args)),
        file_name=f"{stem}.svg",
        mime=SVG,
        key=f"dl-svg-{tag}",
        on_click="ignore",
        icon=":material/image:",
    )


def table_buttons(
    indicator: Indicator,
    view: data.View,
    *,
    key: str = "",
    name: str | None = None,
    label: str | None = None,
    breakdown: str | None = None,
    period: str | None = None,
) -> None:
    """The indicator's table as published, as CSV and XLSX: the whole table (headline and
    breakdowns), or one breakdown's rows (of one period) behind a breakdown's chart."""
    rows = _for_export(view)
    stem = (f"{indicator.id}-{name}" if name else indicator.id).replace("_", "-")
    tag = key or (f"{indicator.id}-{name}" if name else indicator.id)
    words = label or indicator.title
    only = {"breakdown": breakdown, "period": period}
    left, right = st.columns(2)
    left.download_button(
        f"Table as CSV: {words}",
        partial(exports.table_csv, indicator, rows, **only),
        file_name=f"{stem}.csv",
        mime=CSV,
        key=f"dl-csv-{tag}",
        on_click="ignore",
        icon=":material/table:",
    )
    right.download_button(
        f"Table as Excel: {words}",
        partial(exports.table_xlsx, indicator, rows, today=view.snap.today, **only),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key=f"dl-xlsx-{tag}",
        on_click="ignore",
        icon=":material/table:",
    )


def _expander(label: str) -> Any:
    """The closed box the buttons sit in, with a line saying the files are always published."""
    box = st.expander(f"Download: {label}", icon=":material/download:")
    box.markdown(
        "Files are always as published: counts below the disclosure threshold are shown "
        "as c, whichever view is on screen."
    )
    return box


def under_chart(
    indicator: Indicator,
    view: data.View,
    *,
    kind: exports.ChartKind,
    label: str,
    breakdown: str | None = None,
    period: str | None = None,
    recalculate_from: str | None = None,
) -> None:
    """Under a breakdown, equity, bands, population or SPC chart: the same four downloads as
    under a trend (PNG, SVG, CSV, XLSX), of that chart and the rows behind it, as published.
    (An SPC chart's rows are the measure's own: its table is the measure's whole table.)"""
    name = _slug("-".join(p for p in (kind, breakdown, period) if p))
    given = (("breakdown", breakdown), ("period", period), ("recalculate_from", recalculate_from))
    chart_args = {k: v for k, v in given if v}
    with _expander(label):
        chart_buttons(indicator, view, kind=kind, name=name, label=label, **chart_args)
        table_buttons(indicator, view, name=name, label=label, breakdown=breakdown, period=period)


def published_figures(indicator: Indicator, view: data.View) -> None:
    """In the publication view: the table exactly as published (`c` where suppressed) and the
    footnotes that say why."""
    if not view.published:
        return
    rows = _rows(indicator, view)
    if not rows.height:
        return
    with st.expander(f"Figures as published: {indicator.title}"):
        st.table(exports.table(indicator, rows))
    notes = publication.footnotes_of(rows)
    if notes:
        st.markdown("**Footnotes:**\n" + "\n".join(f"- {note}" for note in notes))


def under_trend(indicator: Indicator, view: data.View) -> None:
    """Under a measure's trend chart: its downloads and, when publishing, its footnotes."""
    published_figures(indicator, view)
    with _expander(indicator.title):
        chart_buttons(indicator, view)
        table_buttons(indicator, view)
