"""Downloads under each chart (PNG, SVG) and its table (CSV, XLSX), and, in the publication
view, the figures and footnotes exactly as published.

Everything downloaded is suppressed (`metrics.exports`), whichever view is on screen: anything
that leaves the building is published. Files are made only when their button is pressed.
"""

from __future__ import annotations

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


def chart_buttons(
    indicator: Indicator,
    view: data.View,
    *,
    kind: exports.ChartKind = "trend",
    name: str = "trend",
    key: str = "",
    **chart_args: Any,
) -> None:
    """PNG and SVG of a chart, as published."""
    rows = _rows(indicator, view)
    stem = f"{indicator.id}-{name}".replace("_", "-")
    tag = key or f"{indicator.id}-{name}"
    left, right = st.columns(2)
    left.download_button(
        f"Chart as PNG: {indicator.title}",
        partial(_or_nothing, partial(exports.chart_png, indicator, rows, kind=kind, **chart_args)),
        file_name=f"{stem}.png",
        mime=PNG,
        key=f"dl-png-{tag}",
        on_click="ignore",
        icon=":material/image:",
    )
    right.download_button(
        f"Chart as SVG: {indicator.title}",
        partial(_or_nothing, partial(exports.chart_svg, indicator, rows, kind=kind, **chart_args)),
        file_name=f"{stem}.svg",
        mime=SVG,
        key=f"dl-svg-{tag}",
        on_click="ignore",
        icon=":material/image:",
    )


def table_buttons(indicator: Indicator, view: data.View, *, key: str = "") -> None:
    """The indicator's whole table (headline and breakdowns), as published, as CSV and XLSX."""
    rows = _rows(indicator, view)
    stem = indicator.id.replace("_", "-")
    tag = key or indicator.id
    left, right = st.columns(2)
    left.download_button(
        f"Table as CSV: {indicator.title}",
        partial(exports.table_csv, indicator, rows),
        file_name=f"{stem}.csv",
        mime=CSV,
        key=f"dl-csv-{tag}",
        on_click="ignore",
        icon=":material/table:",
    )
    right.download_button(
        f"Table as Excel: {indicator.title}",
        partial(exports.table_xlsx, indicator, rows, today=view.snap.today),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key=f"dl-xlsx-{tag}",
        on_click="ignore",
        icon=":material/table:",
    )


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
    with st.expander(f"Download: {indicator.title}", icon=":material/download:"):
        st.markdown(
            "Files are always as published: counts below the disclosure threshold are shown "
            "as c, whichever view is on screen."
        )
        chart_buttons(indicator, view)
        table_buttons(indicator, view)
