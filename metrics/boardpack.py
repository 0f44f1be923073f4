"""The board pack: every measure of success for a chosen period, as a PDF and as one HTML file.

For the SEND Programme Board and the Community and Children's Services Committee's public
papers, so everything in it is suppressed (`metrics.disclosure`, threshold from settings).

Which figure each measure shows. A pack is for a period, e.g. "2025-26" (a financial year),
"2025/26" (an academic year), "2025" (a calendar year), "2025-Q3" or "2025-09". Each measure
shows its latest period whose START is on or before the END of the chosen period, and its
chart shows every period up to that one. So a "2025-26" pack (ending 31 March 2026) shows the
2025/26 academic year, the 2025-26 financial year, the 2026 calendar year so far and the
March 2026 month. A label that fits two kinds of period ("2011-12") is read as a financial
year.

Contents: a cover (area, strategy, period, date produced, the suppression rule); contents;
an at-a-glance table (every measure: priority, title, latest value, status as icon and words);
then one section per priority with, for each measure, its chart (with the chart description
as alternative text), a plain-English summary, status, the latest commentary for the period
shown, footnotes, the data source and the date of the data. The PDF has bookmarks per section
and its language set to en-GB; the HTML has inline SVG charts labelled for screen readers, real
tables, headings in order, lang="en-GB" and nothing loaded from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace, TextStyle
from fpdf.outline import TableOfContents
from sqlalchemy.engine import Engine

from metrics import commentary, datasets, disclosure, exports, periods, summaries, targets
from metrics.periods import PeriodType
from metrics.registry import Indicator, IndicatorType, Registry
from metrics.status import Status

FONTS = Path(__file__).with_name("fonts")
FONT = "DejaVu"
# the order a label is tried in: financial years first, as boards plan by them
PERIOD_ORDER = (
    PeriodType.financial_year,
    PeriodType.academic_year,
    PeriodType.calendar_year,
    PeriodType.quarter,
    PeriodType.month,
)
Progress = Callable[[float, str], None]


class BoardPackError(ValueError):
    """A board pack that cannot be built, with the reason in plain English."""


def period_end(label: str) -> tuple[PeriodType, dt.date]:
    """The kind of period a label names and its last day."""
    for kind in PERIOD_ORDER:
        if periods.is_valid(label, kind):
            return kind, periods.end_of(label, kind)
    examples = ", ".join(f"'{periods.EXAMPLES[k]}'" for k in PERIOD_ORDER)
    raise BoardPackError(f"'{label}' is not a period label; write it like one of {examples}.")


@dataclass(frozen=True)
class Measure:
    """One measure as the pack shows it (everything already suppressed)."""

    indicator: Indicator
    priority: str
    row: dict[str, Any] | None  # its latest published headline row, or None
    value_text: str
    period_text: str  # the latest row's period: '2026 so far (to 27 November)', or ''
    status_text: str
    sentence: str
    target_change: str | None  # that an admin changed the strategy's target, and why
    chart_png: bytes | None
    chart_svg: str | None
    alt_text: str
    commentary: str | None  # plain text, for the PDF
    commentary_html: str | None  # sanitised HTML, for the web page
    footnotes: tuple[str, ...]
    source: str
    data_date: str
    table: pl.DataFrame = field(repr=False)

    @property
    def anchor(self) -> str:
        return f"measure-{self.indicator.id.replace('_', '-')}"


@dataclass(frozen=True)
class BoardPack:
    period: str
    period_words: str
    cutoff: dt.date
    produced: dt.date
    threshold: int
    area: str
    strategy: str
    priorities: tuple[tuple[str, str], ...]  # (id, title)
    measures: tuple[Measure, ...]
    pdf: bytes = field(repr=False)
    html: str = field(repr=False)

    @property
    def charts(self) -> int:
        return sum(m.chart_png is not None for m in self.measures)

    def summary(self) -> dict[str, Any]:
        """What the pack holds, for the command line and logs."""
        return {
            "period": self.period,
            "shows_periods_starting_by": self.cutoff.isoformat(),
            "produced": self.produced.isoformat(),
            "threshold": self.threshold,
            "measures": len(self.measures),
            "charts": self.charts,
            "with_commentary": sum(m.commentary is not None for m in self.measures),
            "withheld_latest_values": sum(
                bool(m.row and m.row.get("value_flag")) for m in self.measures
            ),
            "pdf_bytes": len(self.pdf),
            "html_bytes": len(self.html.encode("utf-8")),
        }


# ---------------------------------------------------------------------------------------------
# Gathering the measures
# ---------------------------------------------------------------------------------------------


def _value_words(indicator: Indicator, row: dict[str, Any] | None) -> str:
    """'83.3% (5 of 6)', 'c (c of 5)', '12', 'In progress', 'no value'."""
    if row is None:
        return "no data yet"
    return summaries.value_words(indicator, row)


def _data_table(indicator: Indicator, rows: pl.DataFrame) -> pl.DataFrame:
    """The published headline rows as a readable table, oldest first."""
    columns: dict[str, pl.Expr] = {"Period": pl.col("period")}
    if indicator.type in summaries.RATE_TYPES:
        columns["Percentage"] = pl.col("published_value")
        columns["Number"] = pl.col("published_numerator")
        columns["Out of"] = pl.col("published_denominator")
        columns["95% interval"] = pl.col("published_interval")
    elif indicator.type is IndicatorType.milestone:
        columns["Progress"] = pl.col("published_value")
    else:
        columns["Number"] = pl.col("published_value")
    columns["Status"] = summaries.status_text_expr(indicator)
    columns["Notes"] = pl.concat_str(
        ["note", "footnote"], separator=disclosure.FOOTNOTE_SEPARATOR, ignore_nulls=True
    )
    return rows.select(**{name: expr.fill_null("") for name, expr in columns.items()})


_FOOTNOTE_ORDER = ("c:", "secondary", "withheld", "breakdown")


def _footnotes(rows: pl.DataFrame) -> tuple[str, ...]:
    """The distinct footnotes of the rows shown: c, secondary, withheld, then breakdowns."""
    parts = (
        rows.select(
            pl.col("footnote")
            .drop_nulls()
            .str.split(disclosure.FOOTNOTE_SEPARATOR)
            .explode()
            .unique()
        )
        .to_series()
        .to_list()
    )

    def order(text: str) -> tuple[int, str]:
        rank = next((i for i, p in enumerate(_FOOTNOTE_ORDER) if text.startswith(p)), 9)
        return rank, text

    return tuple(sorted(parts, key=order))


def _event_date(action_plan: pl.DataFrame, indicator: Indicator, cutoff: dt.date) -> dt.date | None:
    """When a series' event (e.g. the Local Offer review) was completed, if by the cutoff."""
    milestone = indicator.source.event_milestone
    if milestone is None or action_plan.height == 0:
        return None
    done = action_plan.filter(pl.col("milestone_id") == milestone).get_column("completed_date")
    day = done[0] if done.len() else None
    return day if day is not None and day <= cutoff else None


def _source_title(indicator: Indicator) -> str:
    try:
        return datasets.get(indicator.source.dataset).title
    except KeyError:
        return indicator.source.dataset


def _data_date(
    indicator: Indicator, row: dict[str, Any] | None, uploads: dict[str, Any], today: dt.date
) -> str:
    parts = []
    if row is not None:
        latest = periods.describe(row["period"], indicator.period_type, today=today)
        parts.append(f"latest period {latest}")
    last = uploads.get(indicator.source.dataset)
    parts.append(f"last upload {summaries.uk_date(last)}" if last else "no upload yet")
    return summaries.upper_first("; ".join(parts))


def _measure(
    indicator: Indicator,
    published: pl.DataFrame,
    cutoff: dt.date,
    notes: pl.DataFrame,
    uploads: dict[str, Any],
    action_plan: pl.DataFrame,
    today: dt.date,
) -> Measure:
    rows = published.filter(
        (pl.col("indicator_id") == indicator.id) & (pl.col("period_start") <= cutoff)
    )
    headline = rows.filter(pl.col("breakdown").is_null()).sort("period_start")
    row = headline.row(-1, named=True) if headline.height else None
    event = _event_date(action_plan, indicator, cutoff)
    built = exports.chart(indicator, rows, event_date=event)
    if built is not None:
        _, alt_text = exports.chart_text(built)
        png = exports.png_of(built)
        svg = exports.svg_inline(built, id_prefix=indicator.id.replace("_", "-"))
    else:
        alt_text, png, svg = summaries.chart_description(indicator, rows), None, None
    said = commentary.text_for(notes, indicator.id, row["period"]) if row else None
    return Measure(
        indicator=indicator,
        priority=indicator.priority,
        row=row,
        value_text=_value_words(indicator, row),
        period_text=summaries.period_short(indicator, row["period"], today) if row else "",
        status_text=summaries.status_text(row["status"] if row else None, indicator),
        sentence=summaries.summary_sentence(indicator, row, today=today),
        target_change=targets.change_sentence(indicator),
        chart_png=png,
        chart_svg=svg,
        alt_text=alt_text,
        commentary=commentary.to_text(said) if said else None,
        commentary_html=commentary.to_html(said) if said else None,
        footnotes=_footnotes(headline),
        source=_source_title(indicator),
        data_date=_data_date(indicator, row, uploads, today),
        table=_data_table(indicator, headline),
    )


def build(
    engine: Engine,
    registry: Registry,
    period: str,
    *,
    threshold: int | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> BoardPack:
    """The board pack for a period (see the module docstring for which figures it shows).

    `progress(fraction, words)` is called as each measure is drawn, for a progress bar.
    """
    from metrics import api

    kind, cutoff = period_end(period)
    when = today or api.today()
    t = disclosure.default_threshold() if threshold is None else threshold
    report = progress or (lambda _fraction, _words: None)
    report(0.0, "Computing the measures")
    results = api.results(engine, registry, on=when)
    published = disclosure.suppress_results(results, t, registry=registry)
    notes = commentary.latest(engine)
    fresh = api.freshness(engine, registry, on=when)
    uploads = dict(zip(fresh.get_column("dataset"), fresh.get_column("last_upload"), strict=True))
    action_plan = api.action_plan(engine)
    chosen = [
        ind for p in registry.priorities for ind in registry.for_priority(p.id) if ind.headline
    ]
    measures = []
    for done, indicator in enumerate(chosen):
        report(0.05 + 0.85 * done / max(len(chosen), 1), f"Drawing {indicator.title}")
        measures.append(_measure(indicator, published, cutoff, notes, uploads, action_plan, when))
    pack = BoardPack(
        period=period,
        period_words=periods.describe(period, kind, today=when),
        cutoff=cutoff,
        produced=when,
        threshold=t,
        area=registry.area.name,
        strategy=registry.area.strategy_title,
        priorities=tuple((p.id, p.title) for p in registry.priorities),
        measures=tuple(measures),
        pdf=b"",
        html="",
    )
    report(0.9, "Writing the PDF")
    pdf = render_pdf(pack)
    report(0.97, "Writing the web page")
    page = render_html(pack)
    report(1.0, "Done")
    return BoardPack(**{**pack.__dict__, "pdf": pdf, "html": page})


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------

BODY = 10.5
SMALL = 9
LINE = 5.2  # mm per line of body text
HEADING_0 = TextStyle(FONT, "B", 16, color=(0, 0, 0), t_margin=2, b_margin=4)
HEADING_1 = TextStyle(FONT, "B", 13, color=(0, 0, 0), t_margin=6, b_margin=2)
ROOM_FOR_A_MEASURE = 110  # mm: start a measure on a new page when less is left


def _cover_lines(pack: BoardPack) -> list[tuple[str, float, str]]:
    """(text, size, style) lines for the cover page."""
    return [
        (pack.area, 14, "B"),
        (pack.strategy, 20, "B"),
        ("Measures of success: board pack", 16, ""),
        (f"Period: {pack.period_words}", 13, ""),
        (f"Produced {summaries.uk_date(pack.produced)}", 12, ""),
        (f"Published figures: counts below {pack.threshold} are suppressed", 12, "B"),
    ]


def rule_words(pack: BoardPack) -> list[str]:
    """How to read the pack: which figures it shows, suppression, status."""
    c = disclosure.footnotes(pack.threshold)
    return [
        f"Each measure shows its latest figure for a period that starts on or before "
        f"{summaries.uk_date(pack.cutoff)}, the end of {pack.period_words}, and its chart shows "
        "every period up to then.",
        f"To protect children's privacy, counts from 1 to {pack.threshold - 1} are shown as c "
        "and percentages resting on them are withheld; where a total would let a hidden count "
        "be worked out, another figure is hidden too. A true zero is shown as 0.",
        *(f"{text}." for text in c.values()),
        "Status is shown as a symbol and words: "
        + "; ".join(summaries.status_text(s) for s in Status)
        + ".",
    ]


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", SMALL)
        self.set_text_color(60, 60, 60)
        self.cell(0, 6, f"{self.footer_text} · page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def _paragraph(pdf: FPDF, text: str, *, size: float = BODY, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, LINE * size / BODY, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _label(pdf: FPDF, label: str, text: str) -> None:
    """'Label: text' with the label in bold, the text wrapping after it."""
    pdf.set_font(FONT, "B", BODY)
    pdf.write(LINE, f"{label}: ")
    pdf.set_font(FONT, "", BODY)
    pdf.write(LINE, text)
    pdf.ln(LINE)


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _glance_table(pdf: FPDF, pack: BoardPack) -> None:
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    pdf.set_font(FONT, "", SMALL)
    with pdf.table(
        col_widths=(17, 85, 42, 34),
        headings_style=heading,
        line_height=4.6,
        text_align="LEFT",
        repeat_headings=1,
    ) as table:
        table.row(["Priority", "Measure", "Latest value", "Status"])
        for m in pack.measures:
            when = m.period_text or "no data yet"
            table.row([m.priority, m.indicator.title, f"{m.value_text}, {when}", m.status_text])


def _pdf_measure(pdf: FPDF, m: Measure) -> None:
    if pdf.eph + pdf.t_margin - pdf.get_y() < ROOM_FOR_A_MEASURE:
        pdf.add_page()
    pdf.start_section(m.indicator.title, level=1)
    _label(pdf, "Status", m.status_text)
    _label(pdf, "Latest value", m.value_text)
    _paragraph(pdf, m.sentence)
    if m.target_change:
        _paragraph(pdf, m.target_change, style="B")
    pdf.ln(1)
    if m.chart_png is not None:
        width, height = _png_size(m.chart_png)
        h = pdf.epw * height / width
        if pdf.get_y() + h > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.image(io.BytesIO(m.chart_png), w=pdf.epw, h=h, alt_text=m.alt_text)
    else:
        _paragraph(pdf, f"No chart: {m.alt_text}", size=SMALL)
    pdf.ln(1)
    _label(pdf, "Commentary", m.commentary or "No commentary has been written for this period.")
    for note in m.footnotes:
        _paragraph(pdf, note, size=SMALL)
    _paragraph(pdf, f"Data source: {m.source}. Date of data: {m.data_date}.", size=SMALL)
    pdf.ln(3)


def render_pdf(pack: BoardPack) -> bytes:
    """The pack as an A4 PDF with bookmarks, a contents page and its language set to en-GB."""
    pdf = _Pdf(format="A4")
    pdf.footer_text = f"{pack.area}: measures of success, {pack.period}"
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_lang("en-GB")
    pdf.set_title(f"{pack.strategy}: board pack, {pack.period_words}")
    pdf.set_author(pack.area)
    pdf.set_subject("Measures of success")
    pdf.set_creator(exports.SOURCE_NOTE)
    pdf.set_section_title_styles(level0=HEADING_0, level1=HEADING_1)

    pdf.add_page()
    pdf.ln(40)
    for text, size, style in _cover_lines(pack):
        _paragraph(pdf, text, size=size, style=style)
        pdf.ln(3)

    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    entries = 2 + len(pack.priorities) + len(pack.measures)
    # the reference ToC sets each entry at 1.5 lines; allow a fifth more for wrapped titles
    entry_mm = BODY * 0.3528 * 1.5 * 1.2
    pages = max(1, math.ceil(entries * entry_mm / (pdf.eph - 12)))
    pdf.set_font(FONT, "", BODY)
    pdf.insert_toc_placeholder(TableOfContents().render_toc, pages=pages)

    pdf.start_section("How to read this pack", level=0)
    for text in rule_words(pack):
        _paragraph(pdf, text)
        pdf.ln(1.5)
    pdf.add_page()
    pdf.start_section("At a glance", level=0)
    _glance_table(pdf, pack)

    for priority, title in pack.priorities:
        mine = [m for m in pack.measures if m.priority == priority]
        if not mine:
            continue
        pdf.add_page()
        pdf.start_section(f"Priority {priority}: {title}", level=0)
        for m in mine:
            _pdf_measure(pdf, m)
    return bytes(pdf.output())


# ---------------------------------------------------------------------------------------------
# The HTML page
# ---------------------------------------------------------------------------------------------

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #0b0c0c; background: #fff;
  line-height: 1.5; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; }
h1, h2, h3, h4 { line-height: 1.25; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #505a5f; padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #f3f2f1; }
svg { max-width: 100%; height: auto; }
.measure { border-top: 2px solid #0b0c0c; margin-top: 2rem; }
.status { font-weight: bold; }
.notes { font-size: 0.95rem; }
a { color: #1d70b8; }
a:focus { outline: 3px solid #ffdd00; }
@media print { .measure { break-inside: avoid-page; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_table(frame: pl.DataFrame, caption: str) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{_e(v)}</th>' if i == 0 else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in frame.iter_rows()
    )
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _html_measure(m: Measure) -> str:
    parts = [
        f'<section class="measure" id="{m.anchor}" aria-labelledby="{m.anchor}-h">',
        f'<h3 id="{m.anchor}-h">{_e(m.indicator.title)}</h3>',
        f'<p class="status">Status: {_e(m.status_text)}. Latest value: {_e(m.value_text)}.</p>',
        f"<p>{_e(m.sentence)}</p>",
        *([f"<p><strong>{_e(m.target_change)}</strong></p>"] if m.target_change else []),
        m.chart_svg if m.chart_svg is not None else f"<p>No chart: {_e(m.alt_text)}</p>",
        "<h4>Commentary</h4>",
        m.commentary_html or "<p>No commentary has been written for this period.</p>",
        "<h4>Figures</h4>",
        _html_table(m.table, f"{m.indicator.title}: every period up to the one shown"),
        '<div class="notes">',
        *(f"<p>{_e(note)}</p>" for note in m.footnotes),
        f"<p>Data source: {_e(m.source)}. Date of data: {_e(m.data_date)}.</p>",
        "</div></section>",
    ]
    return "\n".join(parts)


def render_html(pack: BoardPack) -> str:
    """The pack as one self-contained, accessible HTML page (no external resources)."""
    glance = pl.DataFrame(
        {
            "Measure": [m.indicator.title for m in pack.measures],
            "Priority": [m.priority for m in pack.measures],
            "Latest value": [m.value_text for m in pack.measures],
            "Period": [m.period_text for m in pack.measures],
            "Status": [m.status_text for m in pack.measures],
        }
    )
    contents = ['<li><a href="#how-to-read">How to read this pack</a></li>',
                '<li><a href="#at-a-glance">At a glance</a></li>']  # fmt: skip
    sections = []
    for priority, title in pack.priorities:
        mine = [m for m in pack.measures if m.priority == priority]
        if not mine:
            continue
        anchor = f"priority-{priority}"
        links = "".join(f'<li><a href="#{m.anchor}">{_e(m.indicator.title)}</a></li>' for m in mine)
        contents.append(
            f'<li><a href="#{anchor}">Priority {_e(priority)}: {_e(title)}</a><ol>{links}</ol></li>'
        )
        sections.append(
            f'<section id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<h2 id="{anchor}-h">Priority {_e(priority)}: {_e(title)}</h2>\n'
            + "\n".join(_html_measure(m) for m in mine)
            + "</section>"
        )
    title = f"{pack.strategy}: board pack, {pack.period_words}"
    cover = "".join(f"<p>{_e(text)}</p>" for text, *_ in _cover_lines(pack)[2:])
    rules = "".join(f"<p>{_e(text)}</p>" for text in rule_words(pack))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<p>{_e(pack.area)}</p>",
            f"<h1>{_e(pack.strategy)}: measures of success</h1>",
            cover,
            "</header>",
            '<nav aria-labelledby="contents-h"><h2 id="contents-h">Contents</h2>',
            f"<ol>{''.join(contents)}</ol></nav>",
            "<main>",
            f'<section id="how-to-read" aria-labelledby="how-to-read-h">'
            f'<h2 id="how-to-read-h">How to read this pack</h2>{rules}</section>',
            '<section id="at-a-glance" aria-labelledby="at-a-glance-h">'
            '<h2 id="at-a-glance-h">At a glance</h2>',
            _html_table(glance, f"Every measure of success, {pack.period_words}"),
            "</section>",
            *sections,
            "</main>",
            f"<footer><p>{_e(exports.SOURCE_NOTE)}. Produced "
            f"{_e(summaries.uk_date(pack.produced))}.</p></footer>",
            "</body>",
            "</html>",
        ]
    )
