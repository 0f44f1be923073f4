"""Plain-text accounts of an upload's problems and of its preview (for the command line)."""

from __future__ import annotations

import polars as pl

from metrics import status
from metrics.ingest.preview import Preview


def problems_text(problems: pl.DataFrame) -> str:
    """One line per problem: where it is, the value, what is wrong, and the fix."""
    lines = []
    for p in problems.iter_rows(named=True):
        where = "Whole file" if p["row"] is None else f"Row {p['row']}"
        if p["column"]:
            where += f", column {p['column']}"
        value = f" {p['value']!r}" if p["value"] else ""
        lines.append(f"- {where}:{value} {p['problem']} Fix: {p['fix']}")
    return "\n".join(lines)


def _figure(value: float | None, numerator: float | None, denominator: float | None) -> str:
    if value is None:
        return "no figure"
    if denominator is not None and numerator is not None:
        return f"{value:.1f}% ({numerator:,.0f} of {denominator:,.0f})"
    return f"{value:,.1f}".removesuffix(".0")


def _status(code: str | None) -> str:
    return status.label(code) if code else "no status"


def preview_text(preview: Preview) -> str:
    """What the upload would change, in sentences and one line per changed figure."""
    periods = ", ".join(preview.periods) or "none"
    lines = [
        f"The upload adds {preview.rows_added:,} rows for period(s) {periods}.",
    ]
    if preview.rows_superseded:
        sources = "; ".join(
            f"batch {b['batch_id']} ({b['file_name']}, {b['rows']:,} rows)"
            for b in preview.superseded.iter_rows(named=True)
        )
        lines.append(
            f"It replaces {preview.rows_superseded:,} stored rows in those periods, from "
            f"{sources}. They stay recoverable: rolling back this upload brings them back."
        )
    else:
        lines.append("It replaces no stored rows.")
    if preview.changes.height == 0:
        lines.append("No headline figure changes.")
        return "\n".join(lines)
    lines.append(f"Headline figures that change ({len(preview.indicators_changed)} indicators):")
    for c in preview.changes.iter_rows(named=True):
        before = _figure(c["before_value"], c["before_numerator"], c["before_denominator"])
        after = _figure(c["after_value"], c["after_numerator"], c["after_denominator"])
        lines.append(
            f"- {c['title']} ({c['indicator_id']}), {c['period']}: {before} -> {after}; "
            f"{_status(c['before_status'])} -> {_status(c['after_status'])}"
        )
    return "\n".join(lines)
