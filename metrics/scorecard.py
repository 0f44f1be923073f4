"""The strategy on one screen: each priority's status counts and one scorecard row per measure.

Boards that read performance together (NHS trust boards' integrated performance reports in the
"Making Data Count" style, the DfE's LAIT) use one compact table: a row per measure with the
latest figure, the target, the status, a small trend, the change, England's figure and, for
monthly and quarterly series, the statistical process control (SPC) icons. This module builds
those rows as data, so the dashboard, meeting mode and any export show the same thing.

Rows come from result rows as given: from `disclosure.suppress_results` (the publication view)
a held-back figure reads `c`, never its number, in the value, the sparkline and the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from metrics import disclosure, periods, spc, status, summaries
from metrics.registry import Indicator, IndicatorType, Polarity, Registry, Unit

SPARK_PERIODS = 8  # the sparkline's recent periods
NOT_JUDGED = "not_judged"  # a count's key for a measure with figures but no status


@dataclass(frozen=True)
class Mark:
    """An icon with the words a screen reader says for it (the icon never stands alone)."""

    icon: str
    words: str
    key: str  # what kind: a Status, an spc.Variation or spc.Assurance value, 'better', ...


@dataclass(frozen=True)
class Point:
    """One period of a sparkline; value None where there is no figure or it is held back."""

    period: str
    value: float | None
    text: str  # the value as read out: '80.0%', '12', 'c', 'no figure'


@dataclass(frozen=True)
class Row:
    """One measure of success on the scorecard."""

    indicator_id: str
    priority: str
    short_title: str
    title: str
    value: str  # as shown: '80.0% (4 of 5)', '12', 'c' (held back), 'no data'
    period: str | None  # '2026 so far (to 27 November)', 'March 2026'
    period_brief: str | None  # the same in fewer words, for the row: '2026 so far'
    target: str  # '100%', '3 by March 2029', 'an increase', 'none'
    status: Mark
    change: Mark | None  # None: no earlier period to compare with
    change_words: str  # the change in full, e.g. 'up 5.0 points (better) from 75.0% in 2023'
    sparkline: tuple[Point, ...]
    england: str | None  # "England's latest figure and its period, where official data exists
    variation: Mark | None  # SPC, for monthly and quarterly series only
    assurance: Mark | None
    footnote: str | None  # why a figure is shown as c


# ---------------------------------------------------------------------------------------------
# Pieces of a row
# ---------------------------------------------------------------------------------------------

DIRECTION_WORDS = {"increase": "an increase", "decrease": "a decrease", "maintain": "no fall"}
CHANGE_MARKS = {
    "same": ("▶", "no change"),
    "held": ("–", "not worked out: a figure is suppressed"),
    "none": ("–", "no figure to compare"),
}


def status_mark(value: str | None, indicator: Indicator) -> Mark:
    """The status as icon and words; a measure with figures but no status is 'not judged'."""
    if not value:
        return Mark("–", summaries.status_text(None, indicator), NOT_JUDGED)
    style = status.STYLES[status.Status(value)]
    return Mark(style.icon, style.words, value)


def target_text(indicator: Indicator) -> str:
    """The target in a few words: '100%', '3 by March 2029', 'an increase', 'due June 2026'."""
    target = indicator.target
    if target is None:
        return "none"
    by = f" by {target.date:%B %Y}" if target.date else ""
    if indicator.type is IndicatorType.milestone:
        return f"complete{by}" if target.date else "complete"
    if target.value is not None:
        return summaries.plain_number(indicator, target.value) + by
    if target.direction is not None:
        return DIRECTION_WORDS.get(target.direction, str(target.direction)) + by
    return f"due{by}"


def brief_period(indicator: Indicator, period: str, today: dt.date | None) -> str:
    """The period in as few words as stay honest: '2026 so far' for a part period (the day it
    runs to is on the measure's page), '2024/25', 'March 2026'."""
    if indicator.period_type in (periods.PeriodType.month, periods.PeriodType.quarter):
        return summaries.period_short(indicator, period, today)
    partial = periods.is_partial(period, indicator.period_type, today)
    return f"{period} so far" if partial else period


def _held(row: dict[str, Any]) -> bool:
    return bool(row.get("value_flag"))


def _value(row: dict[str, Any]) -> float | None:
    """A row's value, or None where there is none or it is held back."""
    value = row.get("value")
    if _held(row) or value is None or value != value:
        return None
    return float(value)


def change_mark(indicator: Indicator, rows: pl.DataFrame) -> Mark | None:
    """The latest period against the one before: size and direction, judged by polarity."""
    if rows.height < 2:
        return None
    now, before = rows.row(-1, named=True), rows.row(-2, named=True)
    if _held(now) or _held(before):
        return Mark(*CHANGE_MARKS["held"], "held")
    new, old = _value(now), _value(before)
    if new is None or old is None:
        return Mark(*CHANGE_MARKS["none"], "none")
    if indicator.unit is Unit.percent and indicator.type is not IndicatorType.milestone:
        diff = round(new - old, 1)
        size = f"{summaries.points_text(abs(diff))} pts"
    elif indicator.type is IndicatorType.milestone:
        diff, size = new - old, ""
    else:
        diff = new - old
        size = summaries.number_text(abs(diff))
    if diff == 0:
        return Mark(CHANGE_MARKS["same"][0], "no change", "same")
    sign = "+" if diff > 0 else "−"
    amount = f"{sign}{size}" if size else ("moved on" if diff > 0 else "moved back")
    if indicator.polarity is Polarity.none:
        return Mark("▲" if diff > 0 else "▼", f"{amount}, neither better nor worse", "moved")
    better = (diff > 0) == (indicator.polarity is Polarity.higher_is_better)
    kind = "better" if better else "worse"
    # the arrow says which way the figure moved; the words say whether that is better
    return Mark("▲" if diff > 0 else "▼", f"{amount}, {kind}", kind)


def sparkline(
    indicator: Indicator, rows: pl.DataFrame, n: int = SPARK_PERIODS
) -> tuple[Point, ...]:
    """The last `n` periods' values, oldest first (held-back figures as gaps, read as c)."""
    recent = rows.tail(n)
    held = pl.col("value_flag").is_not_null() if "value_flag" in recent.columns else pl.lit(False)
    published = (
        pl.col("published_value").fill_null(disclosure.SUPPRESSED)
        if "published_value" in recent.columns
        else pl.lit(disclosure.SUPPRESSED)
    )
    # the value alone (no counts beside it), worked out for all the points in one pass
    words = (
        pl.when(held)
        .then(published)
        .otherwise(
            summaries.value_text_expr(
                indicator, numerator="_none", denominator="_none"
            ).str.replace(f"^{summaries.NO_VALUE}$", "no figure")
        )
    )
    found = recent.with_columns(_none=pl.lit(None, dtype=pl.Float64), _held=held).select(
        "period", "value", "_held", words.alias("text")
    )
    return tuple(
        Point(r["period"], None if r["_held"] or r["value"] is None or r["value"] != r["value"]
              else float(r["value"]), r["text"])
        for r in found.iter_rows(named=True)
    )  # fmt: skip


def england_text(indicator: Indicator, series: pl.DataFrame | None) -> str | None:
    """England's latest figure and its period, e.g. '46.4% (2024)'; None without one."""
    if series is None or series.height == 0:
        return None
    england = series.filter((pl.col("role") == "england") & pl.col("value").is_not_null()).sort(
        "period_start"
    )
    if england.height == 0:
        return None
    last = england.row(-1, named=True)
    value = summaries.format_value(indicator, last["value"])
    when = (
        summaries.period_short(indicator, last["period"])
        if periods.is_valid(last["period"], indicator.period_type)
        else last["period"]
    )
    return f"{value} ({when})"


def spc_marks(result: spc.SpcResult | None) -> tuple[Mark | None, Mark | None]:
    """The variation and assurance icons of the NHS 'Making Data Count' convention."""
    if result is None:
        return None, None
    provisional = " (provisional: too few points)" if result.warning else ""
    style = spc.VARIATION_STYLES[result.variation]
    variation = Mark(style.icon, style.words + provisional, result.variation.value)
    if result.assurance is None:
        return variation, None
    a_style = spc.ASSURANCE_STYLES[result.assurance]
    return variation, Mark(a_style.icon, a_style.words + provisional, result.assurance.value)


# ---------------------------------------------------------------------------------------------
# Rows and counts
# ---------------------------------------------------------------------------------------------


def measures(registry: Registry) -> list[Indicator]:
    """The measures of success on the scorecard, in registry order, priority by priority."""
    return [ind for p in registry.priorities for ind in registry.for_priority(p.id) if ind.headline]


def row(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    today: dt.date | None = None,
    comparators: pl.DataFrame | None = None,
) -> Row:
    """One measure's scorecard row from its result rows (as published, where they are)."""
    rows = summaries.headline_rows(results, indicator.id)
    title = indicator.short_title or indicator.title
    if rows.height == 0:
        return Row(
            indicator_id=indicator.id, priority=indicator.priority, short_title=title,
            title=indicator.title, value="no data", period=None, period_brief=None,
            target=target_text(indicator), status=status_mark(status.Status.no_data, indicator),
            change=None, change_words="no data yet", sparkline=(),
            england=england_text(indicator, comparators), variation=None, assurance=None,
            footnote=None,
        )  # fmt: skip
    last = rows.row(-1, named=True)
    variation, assurance = (
        spc_marks(spc.analyse(indicator, rows)) if spc.applies(indicator) else (None, None)
    )
    return Row(
        indicator_id=indicator.id,
        priority=indicator.priority,
        short_title=title,
        title=indicator.title,
        value=summaries.value_words(indicator, last),
        period=summaries.period_short(indicator, last["period"], today),
        period_brief=brief_period(indicator, last["period"], today),
        target=target_text(indicator),
        status=status_mark(last.get("status"), indicator),
        change=change_mark(indicator, rows),
        change_words=summaries.change_since_previous(indicator, rows, today),
        sparkline=sparkline(indicator, rows),
        england=england_text(indicator, comparators),
        variation=variation,
        assurance=assurance,
        footnote=last.get("footnote") or None,
    )


def rows(
    registry: Registry,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    today: dt.date | None = None,
    comparators: Mapping[str, pl.DataFrame | None] | None = None,
    priority: str | None = None,
) -> list[Row]:
    """Every measure's row (or one priority's), in registry order."""
    frame = results.lazy().filter(pl.col("breakdown").is_null()).collect()
    found = comparators or {}
    return [
        row(ind, frame, today=today, comparators=found.get(ind.id))
        for ind in measures(registry)
        if priority is None or ind.priority == priority
    ]


COUNT_ORDER: tuple[str, ...] = (*(s.value for s in status.Status), NOT_JUDGED)


def count_marks() -> list[Mark]:
    """The columns of the status counts, in order: every status, then 'not judged'."""
    marks = [Mark(status.STYLES[s].icon, status.STYLES[s].words, s.value) for s in status.Status]
    return [*marks, Mark("–", "Not judged", NOT_JUDGED)]


def counts(registry: Registry, scorecard: Sequence[Row]) -> pl.DataFrame:
    """Per priority (in registry order), how many of its measures have each status: one row per
    priority with its id and title, a column per key of COUNT_ORDER, and the total."""
    table = {p.id: dict.fromkeys(COUNT_ORDER, 0) for p in registry.priorities}
    for r in scorecard:
        if r.priority in table:
            table[r.priority][r.status.key] += 1
    return pl.DataFrame(
        [
            {"priority": p.id, "title": p.short_title, **table[p.id],
             "total": sum(table[p.id].values())}
            for p in registry.priorities
        ],
        schema={"priority": pl.String, "title": pl.String,
                **dict.fromkeys(COUNT_ORDER, pl.Int64), "total": pl.Int64},
        orient="row",
    )  # fmt: skip


def counts_sentence(counts_row: dict[str, Any]) -> str:
    """A priority's counts in words, leaving out the statuses nobody has: '3 measures: 2 On
    track, 1 Off track'."""
    parts = [f"{counts_row[m.key]} {m.words}" for m in count_marks() if counts_row.get(m.key)]
    total = counts_row["total"]
    noun = "measure" if total == 1 else "measures"
    return f"{total} {noun}: " + ", ".join(parts) if parts else f"{total} {noun}"
