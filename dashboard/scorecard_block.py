"""The scorecard on screen: each priority's status counts, then one compact row per measure.

The rows are `metrics.scorecard` data; this module only writes them as one accessible HTML table
(a caption, column and row headers, each icon with its words for screen readers, a key under the
table) so that the whole strategy fits in two screens at 1366 x 768. Each measure's name is a
link to its own page, so Tab reaches every row and Enter opens it. Narrower than the table (a
phone), the table scrolls sideways in a box the keyboard can reach and scroll.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from dashboard import data, publication
from metrics import disclosure, scorecard, spc, status
from metrics.registry import Registry

SPARK_WIDTH = 72
SPARK_HEIGHT = 22
SPARK_COLOUR = "#0B5394"  # the theme's primary colour, 7.8:1 on white

STYLE = """<style>
.ms-card { font-size: 0.8125rem; line-height: 1.25; }
.ms-card td, .ms-card th { overflow-wrap: break-word; }
.ms-card.ms-large { font-size: 1.25rem; }
.ms-card h2 { font-size: 1.375rem; font-weight: 700; margin: 0.5rem 0 0.25rem 0; padding: 0; }
.ms-card.ms-large h2 { font-size: 2rem; }
.ms-scroll { overflow-x: auto; max-width: 100%; }
.ms-card table { border-collapse: collapse; width: 100%; margin: 0 0 0.25rem 0; }
.ms-card table.ms-scorecard { table-layout: fixed; min-width: 760px; }
.ms-card.ms-large table.ms-scorecard { min-width: 1000px; }
.ms-card caption { text-align: left; font-weight: 600; padding: 0 0 0.25rem 0; }
.ms-card .ms-counts th[scope="row"] { white-space: nowrap; }
.ms-card .ms-counts th a { display: inline-block; line-height: 24px; }
.ms-card .ms-scorecard th a { display: inline-block; min-height: 24px; }
.ms-card th, .ms-card td { border-bottom: 1px solid #D0D4DC; padding: 0.15rem 0.3rem;
  text-align: left; vertical-align: middle; }
.ms-card thead th { font-weight: 600; background: #F0F2F6; vertical-align: bottom; }
.ms-card th.ms-group { background: #F0F2F6; font-weight: 700; padding-top: 0.35rem; }
.ms-card td.ms-num, .ms-card th.ms-num { text-align: right; font-variant-numeric: tabular-nums; }
.ms-card .ms-zero { color: #4A4A4A; }
.ms-card .ms-when { display: block; color: #4A4A4A; font-size: 0.8em; }
.ms-card .ms-icon { font-size: 1.1em; }
.ms-card .ms-nowrap { white-space: nowrap; }
.ms-card a { color: #0B5394; }
.ms-card .ms-key { color: #4A4A4A; margin: 0.25rem 0 0.5rem 0; }
@media (max-width: 640px) { .ms-card .ms-counts th[scope="row"] { white-space: normal; } }
.ms-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
</style>""".replace(": ", ":")  # compact, and no ': 2' for the publication checks to mistake


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _href(page: str, **params: str) -> str:
    """A link to another page of the app, keeping the publication view on."""
    if publication.is_on():
        params[publication.PARAM] = "1"
    return page + (f"?{urlencode(params)}" if params else "")


def _mark(mark: scorecard.Mark | None, colour: str | None = None, show_words: bool = True) -> str:
    """An icon with its words: shown beside it, or said by screen readers only."""
    if mark is None:
        return '<span class="ms-sr">none</span><span aria-hidden="true">–</span>'
    style = f' style="color:{colour};font-weight:600"' if colour else ""
    icon = f'<span class="ms-icon" aria-hidden="true">{_e(mark.icon)}</span>'
    if show_words:
        return f"<span{style}>{icon} {_e(mark.words)}</span>"
    words = _e(mark.words)
    return f'<span{style} title="{words}">{icon}<span class="ms-sr">{words}</span></span>'


def _spc_colour(mark: scorecard.Mark | None) -> str | None:
    """The 'Making Data Count' colours (blue better, orange worse), dark enough for text."""
    if mark is None:
        return None
    styles = {**spc.VARIATION_STYLES, **spc.ASSURANCE_STYLES}
    found = [style for key, style in styles.items() if key.value == mark.key]
    return found[0].colour if found else None


def _status_colour(key: str) -> str | None:
    known = {s.value for s in status.Status}
    return status.STYLES[status.Status(key)].colour if key in known else None


def sparkline_svg(points: Sequence[scorecard.Point], label: str) -> str:
    """A small line of the recent values (gaps where there is no figure), the latest as a dot;
    its text alternative reads every value."""
    values = [p.value for p in points if p.value is not None]
    words = "; ".join(f"{p.period}: {p.text}" for p in points)
    alt = f"{label}, recent periods: {words}" if points else f"{label}: no figures yet"
    if len(values) == 0:
        return f'<span class="ms-sr">{_e(alt)}</span><span aria-hidden="true">–</span>'
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(points) - 1, 1)
    pad = 3

    def x(i: int) -> float:
        return i * step if len(points) > 1 else SPARK_WIDTH / 2

    def y(v: float) -> float:
        if high == low:
            return SPARK_HEIGHT / 2
        return pad + (SPARK_HEIGHT - 2 * pad) * (1 - (v - low) / span)

    runs: list[list[str]] = [[]]
    for i, p in enumerate(points):
        if p.value is None:
            runs.append([])  # a gap: no figure, or one held back
        else:
            runs[-1].append(f"{x(i):.1f},{y(p.value):.1f}")
    lines = "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{SPARK_COLOUR}" '
        'stroke-width="2" stroke-linejoin="round" />'
        for run in runs
        if len(run) > 1
    )
    i, latest = next(
        (i, p.value) for i, p in reversed(list(enumerate(points))) if p.value is not None
    )
    dot = f'<circle cx="{x(i):.1f}" cy="{y(latest):.1f}" r="3" fill="{SPARK_COLOUR}" />'
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH + 8}" '
        f'height="{SPARK_HEIGHT}" viewBox="-4 0 {SPARK_WIDTH + 8} {SPARK_HEIGHT}">'
        f"{lines}{dot}</svg>"
    )
    # an image, not inline SVG: st.html keeps HTML only, and an image carries its own text
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (
        f'<img src="{source}" alt="{_e(alt)}" width="{SPARK_WIDTH + 8}" '
        f'height="{SPARK_HEIGHT}" style="display:block" />'
    )


# ---------------------------------------------------------------------------------------------
# Status counts per priority
# ---------------------------------------------------------------------------------------------


def counts_html(registry: Registry, rows: Sequence[scorecard.Row]) -> str:
    table = scorecard.counts(registry, rows)
    marks = [
        m
        for m in scorecard.count_marks()
        if m.key != scorecard.NOT_JUDGED or table.get_column(m.key).sum()
    ]
    head = "".join(
        f'<th scope="col" class="ms-num">{_mark(m, _status_colour(m.key))}</th>' for m in marks
    )
    body = []
    for counts in table.iter_rows(named=True):
        cells = "".join(
            f'<td class="ms-num{"" if counts[m.key] else " ms-zero"}">{counts[m.key]}</td>'
            for m in marks
        )
        name = f"Priority {counts['priority']}: {counts['title']}"
        href = _href(f"priority-{counts['priority']}")
        link = f'<a href="{_e(href)}">{_e(name)}</a>'
        body.append(f'<tr><th scope="row">{link}</th>{cells}</tr>')
    return (
        '<div class="ms-scroll" role="region" tabindex="0" aria-labelledby="ms-counts-caption">'
        '<table class="ms-counts"><caption id="ms-counts-caption" class="ms-sr">'
        "How many measures of success have each status, by priority</caption>"
        f'<thead><tr><th scope="col">Priority</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


# ---------------------------------------------------------------------------------------------
# The scorecard
# ---------------------------------------------------------------------------------------------

# (visible heading, what a screen reader says, width in per cent of the table)
COLUMNS = (
    ("Measure", "Measure", 21),
    ("Latest", "Latest figure", 15),
    ("Target", "Target", 12),
    ("Status", "Status", 13),
    ("Trend", "Trend over recent periods", 10),
    ("Change", "Change since the previous period", 12),
    ("England", "England's latest figure", 9),
    ("SPC", "Variation and assurance (statistical process control)", 8),
)


NO_ENGLAND = '<span class="ms-sr">no official figure</span><span aria-hidden="true">–</span>'


def _row_html(row: scorecard.Row) -> str:
    link = _href("indicator", indicator=row.indicator_id)
    title = f'<a href="{_e(link)}" title="{_e(row.title)}">{_e(row.short_title)}</a>' + (
        f'<span class="ms-sr"> ({_e(row.title)})</span>' if row.title != row.short_title else ""
    )
    when = (
        f'<span class="ms-when" title="{_e(row.period)}">{_e(row.period_brief)}</span>'
        if row.period and row.period_brief
        else ""
    )
    spc_cell = (
        _mark(row.variation, _spc_colour(row.variation), show_words=False)
        + (
            " " + _mark(row.assurance, _spc_colour(row.assurance), show_words=False)
            if row.assurance
            else ""
        )
        if row.variation is not None
        else '<span class="ms-sr">not used: not a monthly or quarterly series</span>'
        '<span aria-hidden="true">–</span>'
    )
    change = (
        '<span class="ms-sr">no earlier period</span><span aria-hidden="true">–</span>'
        if row.change is None
        else f'<span title="{_e(row.change_words)}">{_mark(row.change)}</span>'
    )
    return (
        f'<tr data-indicator="{_e(row.indicator_id)}"><th scope="row">{title}</th>'
        f"<td>{_e(row.value)}{when}</td>"
        f"<td>{_e(row.target)}</td>"
        f"<td>{_mark(row.status, _status_colour(row.status.key))}</td>"
        f"<td>{sparkline_svg(row.sparkline, row.short_title)}</td>"
        f"<td>{change}</td>"
        f"<td>{_e(row.england) if row.england else NO_ENGLAND}</td>"
        f"<td>{spc_cell}</td></tr>"
    )


def scorecard_html(
    registry: Registry, rows: Sequence[scorecard.Row], *, groups: bool = True
) -> str:
    head = "".join(
        f'<th scope="col" style="width:{width}%"><span aria-hidden="true">{_e(shown)}</span>'
        f'<span class="ms-sr">{_e(said)}</span></th>'
        for shown, said, width in COLUMNS
    )
    body: list[str] = []
    for priority in registry.priorities:
        mine = [r for r in rows if r.priority == priority.id]
        if not mine:
            continue
        if groups:
            body.append(
                f'<tr><th scope="colgroup" colspan="{len(COLUMNS)}" class="ms-group">'
                f"Priority {_e(priority.id)}: {_e(priority.short_title)}</th></tr>"
            )
        body += [_row_html(r) for r in mine]
    return (
        '<div class="ms-scroll" role="region" tabindex="0" aria-labelledby="ms-card-caption">'
        '<table class="ms-scorecard"><caption id="ms-card-caption" class="ms-sr">'
        "Scorecard: one row per measure of success; select a measure's name for its trend and "
        "details</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def key_html() -> str:
    """What the icons mean, in words (the statistical process control ones above all)."""
    variation = "; ".join(
        f"{style.icon} {style.words.lower()}"
        for v, style in spc.VARIATION_STYLES.items()
        if v in (spc.Variation.common_cause, spc.Variation.improvement_high,
                 spc.Variation.concern_high)
    )  # fmt: skip
    assurance = "; ".join(f"{s.icon} {s.words.lower()}" for s in spc.ASSURANCE_STYLES.values())
    return (
        '<p class="ms-key"><strong>Key.</strong> Change: ▲ up, ▼ down, with whether that is '
        "better or worse for the measure. Variation (statistical process control, for monthly "
        f"and quarterly series; the arrow points the way of the change): {_e(variation)}. "
        f"Assurance against the target: {_e(assurance)}. c: fewer than "
        f"{disclosure.default_threshold()}; suppressed to protect privacy.</p>"
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _rows(
    url: str, version: str, today: dt.date, published: bool, priority: str | None
) -> list[scorecard.Row]:
    """The scorecard's rows, worked out once per data version (and view), like the results."""
    view = data.View(
        registry=data.registry(),
        snap=data.Snapshot(url=url, version=version, today=today),
        published=published,
    )
    comparators = {
        ind.id: view.comparators(ind.id)
        for ind in scorecard.measures(view.registry)
        if ind.comparators
    }
    return scorecard.rows(
        view.registry, view.results, today=today, comparators=comparators, priority=priority
    )


def show(view: data.View, *, large: bool = False, priority: str | None = None) -> None:
    """The status counts and the scorecard (or one priority's rows, for meeting mode)."""
    registry = view.registry
    snap = view.snap
    rows = _rows(snap.url, snap.version, snap.today, view.published, priority)
    parts = [STYLE, f'<div class="ms-card{" ms-large" if large else ""}">']
    if priority is None:
        parts += ['<h2 id="position">Position by priority</h2>', counts_html(registry, rows)]
        parts.append('<h2 id="scorecard">Scorecard</h2>')
    parts += [scorecard_html(registry, rows, groups=priority is None), key_html(), "</div>"]
    st.html("".join(parts))
