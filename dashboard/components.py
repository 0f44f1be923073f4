"""Small Streamlit pieces the pages are built from: badges, tiles, trend blocks, empty states.

Accessibility rules kept here so every page follows them: status is always an icon plus words
(colour only adds to it); every chart carries a title and a description, shows the description
as text beneath it and has a table view; essential text never goes in a grey caption.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
import streamlit as st

from dashboard import app_pages, auth, commentary_block, data, downloads
from metrics import auth as auth_rules
from metrics import (
    charts,
    comparators,
    disclosure,
    periods,
    spc,
    status,
    summaries,
    targets,
)
from metrics.compute.rates import BAND_BREAKDOWN
from metrics.compute.series import COMPARISON_BREAKDOWN
from metrics.datasets import get as get_dataset
from metrics.registry import Indicator, IndicatorType, Priority, Registry
from metrics.summaries import uk_date

INDICATOR_PAGE = "app_pages/indicator.py"
NO_STATUS = "no_status"  # indicators with no target: a filter choice, not a Status
EQUITY_BREAKDOWN = "Global majority and White"
_SPECIAL_BREAKDOWNS = {BAND_BREAKDOWN, COMPARISON_BREAKDOWN}


# ---------------------------------------------------------------------------------------------
# Text pieces
# ---------------------------------------------------------------------------------------------


def browser_tab(page: str, registry: Registry) -> None:
    """Name a page more exactly in the browser tab, e.g. with the indicator shown."""
    st.set_page_config(page_title=app_pages.tab_title(page, registry.area.name))


def page_title(title: str, intro: str | None = None) -> None:
    """The page's one level-1 heading and a plain-English line on what the page is for."""
    st.title(title, anchor=False)
    if intro:
        st.markdown(intro)


def badge_html(status_value: str | None, indicator: Indicator | None = None) -> str:
    """Icon plus words in the status colour (dark enough for text on white and on grey)."""
    words = summaries.status_text(status_value, indicator)
    colour = status.STYLES[status.Status(status_value)].colour if status_value else "#111111"
    return (
        f'<span style="color:{colour};font-weight:600;white-space:nowrap">'
        f"{html.escape(words)}</span>"
    )


def status_badge(status_value: str | None, indicator: Indicator | None = None) -> None:
    st.markdown(f"Status: {badge_html(status_value, indicator)}", unsafe_allow_html=True)


def empty_state(what: str, next_step: str) -> None:
    """A helpful message where a chart or table would be: what is missing, what to do."""
    st.info(f"{what} {next_step}", icon=":material/info:")


def uploaded_next(indicator: Indicator) -> str:
    """What makes a measure appear: the upload it is worked out from."""
    return f"It appears once the “{get_dataset(indicator.source.dataset).title}” file is uploaded."


def no_data_yet() -> None:
    """The page-wide message for a database with nothing in it."""
    empty_state(
        "No data has been uploaded yet, so there is nothing to show.",
        "An officer can load the monthly, termly and annual files (or, to try the dashboard, "
        "the demo data with `python -m metrics seed`); the measures appear here as soon as "
        "the first file is stored.",
    )


def freshness_line(indicator: Indicator, view: data.View) -> None:
    """When this indicator's data was last updated and when the next update is due."""
    st.markdown(freshness_text(indicator, view.freshness))


def freshness_text(indicator: Indicator, freshness: pl.DataFrame) -> str:
    ds = get_dataset(indicator.source.dataset)
    rows = freshness.filter(pl.col("dataset") == ds.name)
    row = rows.row(0, named=True) if rows.height else {}
    last: dt.date | None = row.get("last_upload")
    source = f"from the upload “{ds.title}”"
    if last is None:
        return f"Nothing uploaded yet {source}."
    text = f"Data last updated {uk_date(last)}, {source}"
    due: dt.date | None = row.get("next_update_due")
    if row.get("overdue") and due is not None:
        return f"{text}. ⚠ The next update was due {uk_date(due)} and is overdue."
    if due is not None:
        return f"{text}. Next update due {uk_date(due)}."
    return f"{text}."


# ---------------------------------------------------------------------------------------------
# Reading results (small helpers so pages never filter frames themselves)
# ---------------------------------------------------------------------------------------------


def latest_status(indicator: Indicator, results: pl.DataFrame) -> str | None:
    row = summaries.latest(results, indicator.id)
    return row["status"] if row else None


def status_filter_key(indicator: Indicator, results: pl.DataFrame) -> str:
    """The status an Overview filter compares: a Status value, or NO_STATUS."""
    return latest_status(indicator, results) or NO_STATUS


def status_choices() -> list[str]:
    return [s.value for s in status.Status] + [NO_STATUS]


def status_choice_label(choice: str) -> str:
    return "No status (no target, or not judged)" if choice == NO_STATUS else status.label(choice)


def periods_of(indicator: Indicator, results: pl.DataFrame) -> list[str]:
    """The indicator's headline periods, newest first."""
    return summaries.headline_rows(results, indicator.id).get_column("period").reverse().to_list()


def row_for(indicator: Indicator, results: pl.DataFrame, period: str | None) -> dict[str, Any]:
    """The headline row of one period (the latest when period is None)."""
    rows = summaries.headline_rows(results, indicator.id)
    if period is not None:
        rows = rows.filter(pl.col("period") == period)
    return rows.row(-1, named=True) if rows.height else {}


def breakdowns_of(
    indicator: Indicator, results: pl.DataFrame, period: str | None = None
) -> list[str]:
    """Breakdown titles the results hold for this indicator (bands and before/after apart)."""
    rows = results.filter(
        (pl.col("indicator_id") == indicator.id)
        & pl.col("breakdown").is_not_null()
        & ~pl.col("breakdown").is_in(list(_SPECIAL_BREAKDOWNS))
    )
    if period is not None:
        rows = rows.filter(pl.col("period") == period)
    return rows.get_column("breakdown").unique(maintain_order=True).to_list()


def has_bands(indicator: Indicator, results: pl.DataFrame, period: str | None = None) -> bool:
    rows = results.filter(
        (pl.col("indicator_id") == indicator.id) & (pl.col("breakdown") == BAND_BREAKDOWN)
    )
    if period is not None:
        rows = rows.filter(pl.col("period") == period)
    return rows.height > 0


def breakdown_table(
    indicator: Indicator, results: pl.DataFrame, breakdown: str, period: str | None = None
) -> pl.DataFrame:
    """A breakdown (or the bands) as a readable table: period, group, value, interval; as
    published (`c` and a footnote) for rows from `disclosure.suppress_results`."""
    rows = results.lazy().filter(
        (pl.col("indicator_id") == indicator.id) & (pl.col("breakdown") == breakdown)
    )
    if period is not None:
        rows = rows.filter(pl.col("period") == period)
    published = summaries.is_published(results)
    value = summaries.published_value_expr if published else summaries.value_text_expr
    columns = [
        pl.col("period").alias("Period"),
        pl.col("breakdown_group").alias("Group"),
        value(indicator).alias("Value"),
    ]
    if indicator.type in summaries.RATE_TYPES:
        interval = pl.col("published_interval") if published else summaries.interval_text_expr()
        columns.append(interval.fill_null("").alias("95% interval"))
    if published:
        columns.append(pl.col("footnote").fill_null("").alias("Footnote"))
    return rows.sort("period_start", "breakdown_group").select(columns).collect()


# ---------------------------------------------------------------------------------------------
# Charts: title, description as text, table view
# ---------------------------------------------------------------------------------------------


WITHHELD_CHART = (
    "No chart: as published, its figures are suppressed to protect privacy. The table shows "
    "them as c, with a footnote saying why."
)


def _suppressed_in(table: pl.DataFrame) -> bool:
    """Whether a table shows a suppressed figure (`c`)."""
    text = [c for c, t in table.schema.items() if t == pl.String]
    if not text:
        return False
    c = disclosure.SUPPRESSED
    shown = pl.any_horizontal((pl.col(text) == c) | pl.col(text).str.starts_with(f"{c} ("))
    return bool(table.select(shown.any()).item())


def chart_with_table(
    spec: data.ChartSpec | None,
    *,
    description: str,
    table: pl.DataFrame | None,
    table_label: str,
    empty: str,
    key: str | None = None,
) -> None:
    """A chart, its key in words (`key`, where its legend needs saying), its description as
    visible text, and the same data as a table.

    The chart's own description (its text alternative) is used when it has one. With nothing
    to draw, the `empty` message shows instead of an empty chart frame; as published, a chart
    whose figures are suppressed is not drawn, and its table (with `c`) still shows.
    """
    if spec is None:
        if table is None or not table.height or not _suppressed_in(table):
            empty_state(empty, "")
            return
        empty_state(WITHHELD_CHART, "")
        with st.expander(f"Table: {table_label}", expanded=True):
            st.table(table)
        return
    own = spec.get("description")
    text = own if isinstance(own, str) and own.strip() else description
    st.vega_lite_chart(spec | {"description": text}, width="stretch", theme=None)
    if key:
        st.markdown(key)
    st.markdown(f"**What the chart shows:** {text}")
    if table is not None and table.height:
        with st.expander(f"Table: {table_label}"):
            st.table(table)


# ---------------------------------------------------------------------------------------------
# Tiles (Overview) and trend blocks (priority and detail pages)
# ---------------------------------------------------------------------------------------------


def detail_link(indicator: Indicator, label: str | None = None, period: str | None = None) -> None:
    params = {"indicator": indicator.id} | ({"period": period} if period else {})
    st.page_link(
        INDICATOR_PAGE,
        label=label or f"Details and a link to share: {indicator.title}",
        icon=":material/arrow_forward:",
        query_params=params,
    )


def footnotes(row: dict[str, Any]) -> None:
    """Under a published figure shown as c: why, in the words of `metrics.disclosure`."""
    text = row.get("footnote")
    if not text:
        return
    notes = text.split(disclosure.FOOTNOTE_SEPARATOR)
    if len(notes) == 1:
        st.markdown(f"**Footnote:** {notes[0]}")
    else:
        st.markdown("**Footnotes:**\n" + "\n".join(f"- {note}" for note in notes))


def tile(indicator: Indicator, view: data.View) -> None:
    """One measure on the Overview: value in numbers and words, status, change, freshness."""
    results = view.results
    row = summaries.latest(results, indicator.id)
    with st.container(border=True):
        st.markdown(f"#### {indicator.title}")
        if row is None:
            st.markdown(badge_html(status.Status.no_data.value), unsafe_allow_html=True)
            st.markdown(summaries.summary_sentence(indicator, None))
        else:
            today = view.snap.today
            value = summaries.value_words(indicator, row)
            when = summaries.period_short(indicator, row["period"], today)
            st.markdown(
                f"**{html.escape(value)}**, {html.escape(when)} · "
                f"{badge_html(row['status'], indicator)}",
                unsafe_allow_html=True,
            )
            footnotes(row)
            st.markdown(summaries.summary_sentence(indicator, row, today=today))
            st.markdown(
                f"Change since the previous period: "
                f"{summaries.change_since_previous(indicator, results, today)}."
            )
        freshness_line(indicator, view)
        detail_link(indicator, label=f"Trend and details: {indicator.title}")


def tile_grid(indicators: Sequence[Indicator], view: data.View) -> None:
    """Tiles two to a row, so reading order (and a screen reader's) runs row by row."""
    for start in range(0, len(indicators), 2):
        pair = indicators[start : start + 2]
        for column, indicator in zip(st.columns(2), pair, strict=False):
            with column:
                tile(indicator, view)


def _target_words(indicator: Indicator) -> list[str]:
    lines = []
    target, baseline = indicator.target, indicator.baseline
    if target is not None:
        if target.value is not None:
            unit = "%" if indicator.unit.value == "percent" else ""
            by = f" by {uk_date(target.date)}" if target.date else ""
            lines.append(f"**Target:** {target.value:g}{unit}{by}.")
        elif target.date is not None:
            lines.append(f"**Due:** {uk_date(target.date)}.")
        if target.wording:
            lines.append(f"Where the target comes from: {auth.plain(target.wording)}")
    changed = targets.change_sentence(indicator)
    if changed:
        lines.append(f"**◎ {auth.plain(changed)}**")
    if baseline is not None:
        unit = "%" if indicator.unit.value == "percent" else ""
        lines.append(
            f"**Baseline:** {baseline.value:g}{unit} in "
            f"{summaries.period_short(indicator, baseline.period)}. {baseline.note}".strip()
        )
    return lines


def typed_text_table(frame: pl.DataFrame) -> None:
    """A table holding words people typed (reasons, names): st.table renders Markdown in its
    cells, so they are shown as typed, never as links, images or formatting."""
    st.table(frame.with_columns(pl.col(pl.String).map_elements(auth.plain, pl.String())))


def target_change_notice(indicator: Indicator) -> None:
    """Say that an admin changed the strategy's target, from what, by whom, when and why, so
    that nobody takes the target shown for the strategy's own."""
    changed = targets.change_sentence(indicator)
    if changed:
        st.info(auth.plain(changed), icon=":material/flag:")


def methodology(indicator: Indicator, *, expanded: bool = False) -> None:
    """What is counted, where from, how often, target and baseline, in an expander."""
    with st.expander(f"How this is measured: {indicator.title}", expanded=expanded):
        st.markdown(indicator.methodology)
        ds = get_dataset(indicator.source.dataset)
        st.markdown(
            f"**Data:** {ds.title}, by {periods.PERIOD_TYPE_WORDS[indicator.period_type]}, "
            f"updated {indicator.update_frequency.value}."
        )
        for line in _target_words(indicator):
            st.markdown(line)
        if indicator.type in summaries.RATE_TYPES:
            st.markdown(
                f"With fewer than {indicator.min_denominator} in the denominator a rate is "
                "shown but called *too few to judge*."
            )


AXIS_CHOICES = {"zero": "From zero", "fitted": "Fitted to the data"}


def axis_choice(indicator: Indicator) -> str:
    """The value axis, from zero (the default) or fitted to the data, chosen per measure."""
    if indicator.type is IndicatorType.milestone:
        return "zero"  # three steps in words: nothing to fit
    chosen = st.radio(
        "Value axis",
        list(AXIS_CHOICES),
        format_func=AXIS_CHOICES.__getitem__,
        index=0,
        key=f"axis-{indicator.id}",
        horizontal=True,
        help="From zero shows the size of a change honestly; fitted to the data shows small "
        "changes more clearly.",
    )
    return chosen or "zero"


def chart_key(indicator: Indicator, view: data.View) -> str | None:
    """The chart's legend in words, to go beside it for screen readers and keyboards."""
    key = view.trend_key(indicator.id)
    return None if key is None else "**Key:** " + "; ".join(key.words()) + "."


def trend(indicator: Indicator, view: data.View) -> None:
    """The trend chart with its key in words, description and table (or why there is none)."""
    results = view.results
    if len(periods_of(indicator, results)) == 1:
        st.markdown(
            "Only one period so far: the chart shows it as a single point, and a trend appears "
            "once the next period's data is uploaded."
        )
    series = view.comparators(indicator.id)
    if indicator.type is IndicatorType.series:
        spec = view.chart("series_chart", indicator.id)
    else:
        axis = axis_choice(indicator)
        spec = view.trend(indicator.id, axis)
    chart_with_table(
        spec,
        description=summaries.chart_description(indicator, results),
        table=charts.chart_table(indicator, results, series),
        table_label=f"{indicator.title}, by period",
        empty="Nothing to draw yet for this measure.",
        key=None if indicator.type is IndicatorType.series else chart_key(indicator, view),
    )


def breakdown_views(
    indicator: Indicator,
    view: data.View,
    period: str,
    *,
    level: int = 3,
    none_message: bool = False,
) -> None:
    """The equity view over time, the distribution bands and each breakdown for one period.

    `level` is the heading level of each view's heading, one below the block it sits in.
    """
    results = view.results
    hashes = "#" * level
    when = summaries.period_short(indicator, period, view.snap.today)
    available = breakdowns_of(indicator, results)
    if EQUITY_BREAKDOWN in available:
        st.markdown(f"{hashes} Global majority and White communities")
        chart_with_table(
            view.chart("equity_chart", indicator.id),
            description=(
                f"{indicator.title} for children and young people from global majority "
                "communities and from White communities, by period."
            ),
            table=breakdown_table(indicator, results, EQUITY_BREAKDOWN),
            table_label="global majority and White, by period",
            empty="Not enough data yet to compare global majority and White communities.",
        )
        downloads.under_chart(
            indicator, view, kind="equity", breakdown=EQUITY_BREAKDOWN,
            label=f"{indicator.title}: global majority and White, by period",
        )  # fmt: skip
    if has_bands(indicator, results, period):
        st.markdown(f"{hashes} How long it took, {when}")
        chart_with_table(
            view.chart("bands_chart", indicator.id, period),
            description=f"How the {summaries.subject_words(indicator).lower()} in {when} "
            "split by time taken.",
            table=breakdown_table(indicator, results, BAND_BREAKDOWN, period),
            table_label=f"time taken, {when}",
            empty=f"No plans to show by time taken in {when}.",
        )
        downloads.under_chart(
            indicator, view, kind="bands", breakdown=BAND_BREAKDOWN, period=period,
            label=f"{indicator.title}: time taken, {when}",
        )  # fmt: skip
    shown = breakdowns_of(indicator, results, period)
    if not shown:
        if (
            none_message
            and EQUITY_BREAKDOWN not in available
            and not has_bands(indicator, results, period)
        ):
            st.markdown("This measure has no breakdowns.")
        return
    st.markdown(f"{hashes} Breakdowns, {when}")
    # Only the tab on screen is drawn (a choice of tab reruns the page): each is a chart to build,
    # and a page of measures has dozens.
    tabs = st.tabs(shown, key=f"breakdowns_{indicator.id}", on_change="rerun")
    for tab, name in zip(tabs, shown, strict=True):
        if tab.open is False:
            continue
        with tab:
            chart_with_table(
                view.chart("breakdown_chart", indicator.id, name, period),
                description=f"{indicator.title} by {name.lower()}, {when}.",
                table=breakdown_table(indicator, results, name, period),
                table_label=f"by {name.lower()}, {when}",
                empty=f"No breakdown by {name.lower()} for {when}.",
            )
            downloads.under_chart(
                indicator, view, kind="breakdown", breakdown=name, period=period,
                label=f"{indicator.title} by {name.lower()}, {when}",
            )  # fmt: skip


def no_figure_yet(indicator: Indicator, view: data.View) -> None:
    """A measure with no figure of our own yet: what would give it one, the official figures
    (which can be there before our own) and how it is worked out."""
    empty_state(summaries.summary_sentence(indicator, None), uploaded_next(indicator))
    comparison_words(indicator, view)
    methodology(indicator)


def trend_block(
    indicator: Indicator,
    view: data.View,
    *,
    heading_level: int = 2,
    link: bool = True,
) -> None:
    """One measure in full: heading, measure wording, status and summary, trend chart with
    description and table, breakdowns, methodology, freshness."""
    heading = st.header if heading_level == 2 else st.subheader
    heading(indicator.title, anchor=indicator.id)
    st.markdown(f"*Measure of success:* {indicator.measure}")
    row = summaries.latest(view.results, indicator.id)
    if row is None:
        status_badge(status.Status.no_data.value)
        no_figure_yet(indicator, view)
        return
    status_badge(row["status"], indicator)
    st.markdown(
        summaries.summary_sentence(indicator, row, with_interval=True, today=view.snap.today)
    )
    target_change_notice(indicator)
    comparison_words(indicator, view)
    trend(indicator, view)
    downloads.under_trend(indicator, view)
    commentary_block.show(indicator, view, row["period"], level=heading_level + 1)
    spc_block(indicator, view, level=heading_level + 1)
    breakdown_views(indicator, view, row["period"], level=heading_level + 1)
    methodology(indicator)
    freshness_line(indicator, view)
    if link:
        detail_link(indicator)


# ---------------------------------------------------------------------------------------------
# Priority and strategy text
# ---------------------------------------------------------------------------------------------


def priority_heading(priority: Priority) -> str:
    return f"Priority {priority.id}: {priority.title}"


def vision(priority: Priority) -> None:
    """The priority's vision quote and its 'we will' commitments, from the strategy."""
    st.markdown(f"*{priority.vision_quote}*  \n— {priority.vision_quote_by}")
    st.markdown("**To deliver this priority, the Local Area Partnership will:**")
    st.markdown("\n".join(f"- {line}" for line in priority.we_will))
    if priority.key_actions:
        with st.expander("Key actions in the Action Plan"):
            st.markdown("\n".join(f"- {line}" for line in priority.key_actions))


def priority_links(registry: Registry) -> None:
    for p in registry.priorities:
        st.page_link(app_pages.priority_page(p.id), label=priority_heading(p))


def bullet_list(lines: Iterable[str]) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines))


def what_changed(view: data.View) -> None:
    st.header("What changed since the last period", anchor="what-changed")
    lines = summaries.what_changed(view.registry, view.results, limit=8)
    if lines:
        bullet_list(lines)
    else:
        st.markdown("Nothing has changed yet: each measure needs two periods to compare.")


def indicators_shown(view: data.View, priority: str, statuses: Sequence[str]) -> list[Indicator]:
    """The Overview's measures for a priority, kept to the chosen statuses (all if none)."""
    chosen = set(statuses)
    return [
        i
        for i in view.registry.for_priority(priority)
        if i.headline and (not chosen or status_filter_key(i, view.results) in chosen)
    ]


def sidebar_footer(registry: Registry) -> None:
    with st.sidebar:
        st.markdown(
            f"**{registry.area.name}**  \n{registry.area.strategy_title}: measures of success."
        )


# ---------------------------------------------------------------------------------------------
# Officers: who is using the dashboard and what they may do
# ---------------------------------------------------------------------------------------------

LOCAL_USER = auth_rules.LOCAL_USER
UPLOAD_PAGE = "app_pages/upload.py"
AUDIT_PAGE = "app_pages/data_audit.py"


def current_user() -> str:
    """Who is recorded against an upload or a roll back: the signed-in person (dashboard/auth.py);
    in local mode, whoever sits at this machine."""
    return auth.current_user()


def has_role(allowed: frozenset[str]) -> bool:
    return auth_rules.allows(app_pages.current_role(), allowed)


def require_role(allowed: frozenset[str], what: str) -> None:
    """Stop the page here, on the server, unless the person's role allows `what`: hiding a menu
    item is not a permission check. The refusal says why and is recorded in the audit log."""
    if has_role(allowed):
        return
    auth.refuse(allowed, what, role=app_pages.current_role())


# ---------------------------------------------------------------------------------------------
# How we compare (official statistics) and whether a change is real (SPC)
# ---------------------------------------------------------------------------------------------

RANK_CAUTION = (
    "**Small numbers:** {area}'s figures rest on a handful of children, so its rank among "
    "local authorities is unstable: one child more or less can move it dozens of places. Read "
    "the rank with the range of ranks it could plausibly hold (the shaded band, where the "
    "official file gives the counts to work it out), never on its own."
)


def comparison_words(indicator: Indicator, view: data.View) -> None:
    """One sentence: England, the region and the group beside our own published figure."""
    series = view.comparators(indicator.id)
    if series is None:
        return
    sentence = comparators.comparison_sentence(indicator, series, view.registry.area)
    if sentence:
        st.markdown(f"**How we compare:** {sentence}")


def comparator_table(indicator: Indicator, series: pl.DataFrame) -> pl.DataFrame:
    """Every official comparator by period, members of the group too, with its source."""
    value = (
        pl.when(pl.col("value").is_null())
        .then(
            pl.concat_str(
                pl.lit("no figure ("),
                pl.col("symbol").fill_null("–"),
                pl.lit(": "),
                pl.col("note").fill_null("not published"),
                pl.lit(")"),
            )
        )
        .otherwise(summaries.value_text_expr(indicator))
    )
    columns = [pl.col("period").alias("Period"), pl.col("comparator").alias("Area"), value]
    if indicator.type in summaries.RATE_TYPES:
        columns.append(summaries.interval_text_expr().fill_null("").alias("95% interval"))
    return series.sort("period_start", descending=True, maintain_order=True).select(
        *columns[:2],
        columns[2].alias("Value"),
        *columns[3:],
        pl.when(pl.col("value").is_not_null()).then(pl.col("note")).fill_null("").alias("Note"),
        pl.col("source")
        .replace_strict(comparators.SOURCE_WORDS, default=pl.col("source"), return_dtype=pl.String)
        .alias("Source"),
    )


def _symbols_key(series: pl.DataFrame) -> str | None:
    """The statistical symbols that appear, with their meanings."""
    found = series.get_column("symbol").drop_nulls().unique().sort().to_list()
    if not found:
        return None
    return "; ".join(f"**{s}** {comparators.symbol_meaning(s)}" for s in found)


def _distribution_periods(indicator: Indicator, series: pl.DataFrame) -> list[str]:
    """Periods with a figure for our own authority or any other, newest first."""
    rows = series.filter(pl.col("value").is_not_null() | pl.col("symbol").is_not_null())
    return rows.get_column("period").unique().sort(descending=True).to_list()


def comparison_section(indicator: Indicator, view: data.View) -> None:
    """Indicator detail: the comparators in words and as a table, and every authority."""
    if not indicator.comparators:
        return
    area = view.registry.area
    st.header("How we compare", anchor="compare")
    series = view.comparators(indicator.id)
    if series is None:
        empty_state(
            "No official figures to compare with have been imported yet.",
            "An officer can import the DfE file the registry names with `python -m metrics "
            "import-official FILE`.",
        )
        return
    sentence = comparators.comparison_sentence(indicator, series, area)
    if sentence:
        st.markdown(sentence)
    notes = [c.note for c in indicator.comparators if c.note]
    if notes:
        st.markdown("**Where the figures come from:** " + " ".join(notes))
    key = _symbols_key(series)
    if key:
        st.markdown(f"**Symbols in the official files:** {key}. A symbol is never a zero.")
    with st.expander("Every official figure, by period"):
        st.table(comparator_table(indicator, series))

    st.subheader("Every local authority", anchor="every-authority")
    choices = _distribution_periods(indicator, series)
    period = None
    if choices:
        period = st.selectbox(
            "Choose a year of the official figures",
            choices,
            format_func=lambda p: summaries.period_short(indicator, p),
            key=f"distribution_period_{indicator.id}",
        )
    dist = view.distribution(indicator.id, period)
    if dist is None:
        empty_state("There is no local authority figure for that period.", "")
        return
    st.markdown(RANK_CAUTION.format(area=area.name))
    words = comparators.rank_sentence(indicator, dist, area)
    st.markdown(words)
    chart_with_table(
        view.benchmark_chart("distribution_chart", indicator.id, dist.period),
        description=words,
        table=charts.distribution_table(indicator, dist),
        table_label=f"every local authority, {summaries.period_short(indicator, dist.period)}",
        empty="No local authority has a figure for that period.",
    )


def _judgement_html(judgement: spc.Variation | spc.Assurance) -> str:
    style = (
        spc.VARIATION_STYLES[judgement]
        if isinstance(judgement, spc.Variation)
        else spc.ASSURANCE_STYLES[judgement]
    )
    return (
        f'<span style="color:{style.colour};font-weight:600">'
        f"{html.escape(spc.label(judgement))}</span>"
    )


def spc_words(result: spc.SpcResult) -> str:
    """'Variation: ⬆ Special cause: improvement (higher) · Assurance: ...' as HTML."""
    parts = [f"Variation: {_judgement_html(result.variation)}"]
    if result.assurance is not None:
        parts.append(f"Assurance: {_judgement_html(result.assurance)}")
    elif result.target is None:
        parts.append("Assurance: none (the measure has no target value to test)")
    return " · ".join(parts)


def event_period(indicator: Indicator, view: data.View) -> str | None:
    """The first period after the indicator's event (e.g. the Local Offer review), if known."""
    src = indicator.source
    day = src.event_date
    if day is None and src.event_milestone:
        plan = view.action_plan.filter(pl.col("milestone_id") == src.event_milestone)
        day = plan.get_column("completed_date")[0] if plan.height else None
    if day is None:
        return None
    return periods.following(periods.label_for(day, indicator.period_type), indicator.period_type)


def spc_block(
    indicator: Indicator,
    view: data.View,
    *,
    level: int = 3,
    recalculate_from: str | None = None,
    heading: bool = True,
) -> None:
    """Real change or noise: variation and assurance as icon plus words, the sentence, any
    caution, and the SPC chart with its table."""
    if not spc.applies(indicator):
        return
    result = view.spc(indicator.id, recalculate_from)
    if result is None:
        return
    if heading:
        st.markdown(f"{'#' * level} Real change or noise?")
    st.markdown(spc_words(result), unsafe_allow_html=True)
    words = spc.sentence(indicator, result)
    st.markdown(words)
    if result.warning:
        st.warning(result.warning, icon=":material/warning:")
    chart_with_table(
        view.benchmark_chart("spc_chart", indicator.id, result.recalculated_from),
        description=words,
        table=spc.table(indicator, result),
        table_label=f"{indicator.title}: values, average and process limits",
        empty="Not enough figures yet for a statistical process control chart.",
    )
    downloads.under_chart(
        indicator, view, kind="spc", recalculate_from=result.recalculated_from,
        label=f"{indicator.title}: real change or noise (statistical process control)",
    )  # fmt: skip
    with st.expander("How to read a statistical process control chart"):
        st.markdown(
            "The grey line is the average and the dashed lines are the *process limits*: the "
            "range the figure moves in by chance alone (the average ± 2.66 times the average "
            "change from one period to the next). A change is *special cause* — real, not noise "
            "— when:\n"
            + "\n".join(f"- {words}" for words in spc.RULE_WORDS.values())
            + "\n\nWhether it is an improvement or a concern depends on which way is better "
            "for the measure. With a target, *assurance* says whether the limits show the "
            "target will be met consistently, missed consistently, or hit and miss."
        )


def spc_section(indicator: Indicator, view: data.View) -> None:
    """Indicator detail: SPC, with a choice of where to work the limits out afresh from."""
    if not spc.applies(indicator) or view.spc(indicator.id) is None:
        return
    st.header("Real change or noise?", anchor="spc")
    choices = periods_of(indicator, view.results)[::-1][2:-1]  # at least two points each side
    after = event_period(indicator, view)
    event_words = indicator.source.event_label or "the review"

    def words(choice: str | None) -> str:
        if choice is None:
            return "No: one set of limits for the whole series"
        text = summaries.period_short(indicator, choice)
        return f"{text} (the first period after {event_words})" if choice == after else text

    chosen = st.selectbox(
        "Work the limits out afresh from a period (for example after a change in the service)",
        [None, *choices],
        format_func=words,
        key=f"spc_recalculate_{indicator.id}",
    )
    spc_block(indicator, view, recalculate_from=chosen, heading=False)
