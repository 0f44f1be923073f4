"""Finding small counts on a page run with AppTest: every way the dashboard writes a number.

Used by the publication-view tests: the demo data's counts from 1 to 4 must not appear in any
text, table, label or chart data of a published page, and `c` (with its footnote) must.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from metrics.registry import IndicatorType, load

REGISTRY = load()
SMALL = {"1", "2", "3", "4"}  # counts from 1 to threshold-1, with the default threshold of 5
FOOTNOTE = "c: fewer than 5 children; suppressed to protect privacy"
# fields of chart data that hold counts of children (a count indicator's value is one too)
COUNT_FIELDS = ("numerator", "denominator", "count", "total")
COUNT_IDS = {
    i.id
    for i in REGISTRY.indicators
    if i.type in (IndicatorType.count, IndicatorType.cumulative_count)
}

# How the dashboard writes a count in words. Each pattern captures the count.
COUNT_WORDS = [
    re.compile(r"(?<![\d.,])([1-4]) of \d"),  # "1 of 1 placements", "(2 of 5)"
    re.compile(r"\b\d[\d,]* of ([1-4])(?![\d,.])"),  # "(0 of 1)"
    re.compile(r": ([1-4])(?![\d.,%])"),  # "...in alternative provision: 2 in", "School: 2"
    re.compile(r"\b(?:was|and|from) ([1-4]) in\b"),  # "It was 2 in 2021/22", "up 3 from 2 in"
    re.compile(r"^([1-4]) [a-z]", re.MULTILINE),  # "2 apprenticeships ... were offered"
    re.compile(r"\*\*([1-4])\*\*"),  # a tile's value in bold
    re.compile(r"(?<![\d.,])([1-4]) (?:at the meeting|now)\b"),  # meeting mode: "2 at the meeting"
    re.compile(r"a new figure, ([1-4])(?![\d.,%])"),  # meeting mode: "a new figure, 2"
]
# Text that is not a count of children: the SPC rules ("2 of 3 in a row"), meeting mode's
# "Screen 1 of 6", the priorities ("Priority 1: ..."), quarters, the threshold's own wording.
NOT_COUNTS = re.compile(
    r"Screen \d of \d|[1-4] of 3 in a row|Priority [1-5]|Q[1-4]|from 1 to 4|counter_[1-5]"
    r"|priority-[1-5]|\bpriority=[1-5]"
)


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


def _nodes(at: AppTest) -> Iterator[Any]:
    yield from at.main
    yield from at.sidebar


def page_text(at: AppTest) -> list[str]:
    """Every string the page shows: text, labels, options, table cells and chart words."""
    out: list[str] = []
    for node in _nodes(at):
        kind = getattr(node, "type", "")
        if kind in ("table", "dataframe"):
            frame = node.value
            out += [str(c) for c in frame.columns]
            out += [str(v) for row in frame.itertuples(index=False) for v in row]
        elif kind in ("arrow_vega_lite_chart", "vega_lite_chart"):
            spec = json.loads(node.proto.spec)
            _strings({k: v for k, v in spec.items() if k != "datasets"}, out)
            for records in spec.get("datasets", {}).values():
                _strings(records, out)
        elif getattr(node, "proto", None) is not None:
            _strings(MessageToDict(node.proto), out)
    return out


def table_cells(at: AppTest) -> list[tuple[str, str]]:
    """(column, cell) of every table on the page."""
    cells = []
    for node in _nodes(at):
        if getattr(node, "type", "") in ("table", "dataframe"):
            frame = node.value
            for column in frame.columns:
                cells += [(str(column), str(v)) for v in frame[column]]
    return cells


def chart_counts(at: AppTest) -> list[str]:
    """Counts of children from 1 to 4 in the data behind the page's charts."""
    found = []
    for node in _nodes(at):
        if getattr(node, "type", "") not in ("arrow_vega_lite_chart", "vega_lite_chart"):
            continue
        for name, records in json.loads(node.proto.spec).get("datasets", {}).items():
            for record in records:
                fields = list(COUNT_FIELDS)
                if record.get("indicator_id") in COUNT_IDS:
                    fields.append("value")
                found += [
                    f"chart {name}: {f} {record[f]}"
                    for f in fields
                    if isinstance(record.get(f), int | float)
                    and str(int(record[f])) in SMALL
                    and record[f] == int(record[f])
                ]
    return found


def small_counts(at: AppTest) -> list[str]:
    """Every count from 1 to 4 the page shows, in any of the ways the dashboard writes one."""
    found = chart_counts(at)
    for text in page_text(at):
        cleaned = NOT_COUNTS.sub("", text)
        for pattern in COUNT_WORDS:
            found += [f"{m.group(0)!r} in {text[:160]!r}" for m in pattern.finditer(cleaned)]
    counts = {"Value", "Number", "Out of", "Count"}
    found += [
        f"table {col}: {cell}" for col, cell in table_cells(at) if col in counts and cell in SMALL
    ]
    return found


def shows_c(at: AppTest) -> bool:
    """Whether the page shows a suppressed figure as c, with the footnote that says why."""
    text = page_text(at)
    cells = [cell for _, cell in table_cells(at)]
    value = re.compile(r"(^|[\s(*])c(: | \(c of| \(| of |\*\*|$)")
    c_shown = "c" in cells or any(value.search(t) for t in text)
    return c_shown and any(FOOTNOTE in t for t in text)
