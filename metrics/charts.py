"""Pure Altair chart builders: results in, a chart out; no Streamlit, testable alone.

Accessible by design (WCAG 2.2 AA): the Okabe-Ito colour-blind-safe palette, text of at least
12px, and nothing told by colour alone. Lines differ by dash and point shape as well as
colour, statuses by shape and words, and every chart has a title, a subtitle that names its
line styles in words, and a `description` (the text alternative screen readers announce).
Each builder returns None when there is nothing to draw, so the page can say so in words.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import Any

import altair as alt

# Altair looks pandas up in sys.modules instead of importing it, so a chart built while another
# session's thread is half way through importing pandas (Streamlit imports it on first showing
# a table) meets a half-made module and fails with an AttributeError (benchmarks/load.py found
# this on a freshly started server). Importing it here makes every session wait for the import
# to finish before it builds a chart.
import pandas  # noqa: F401
import polars as pl

from metrics import comparators, disclosure, periods, spc, summaries
from metrics.registry import Indicator, IndicatorType, Unit
from metrics.status import STYLES, Status, better_sign, reference_expr

# Okabe-Ito (Okabe and Ito 2008). Lines use the colours with at least 3:1 contrast on white
# (blue, vermillion, bluish green, black); orange and sky blue only fill areas that are also
# labelled in words.
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
ORANGE = "#E69F00"
SKY = "#56B4E9"
BLACK = "#000000"
GREY = "#4A4A4A"

LABEL_FONT = 12
AXIS_TITLE_FONT = 14
TITLE_FONT = 16
HEIGHT = 300
SUBTITLE_WIDTH = 80  # characters per subtitle line
LABEL_ROOM = 1.75  # a bar chart's scale runs this far past its longest bar, for the labels

TARGET_DASH = [8, 4]
BASELINE_DASH = [2, 3]
TRAJECTORY_DASH = [4, 3]

EQUITY_BREAKDOWN = "Global majority and White"
EQUITY_GROUPS = ["Global majority", "White"]
BAND_BREAKDOWN = "Band"
SERIES_BREAKDOWN = "Before and after"
BAND_COLOURS = [GREEN, ORANGE, VERMILLION, SKY, BLUE]

STATUS_SHAPES: dict[Status, str] = {
    Status.on_track: "circle",
    Status.at_risk: "triangle-up",
    Status.off_track: "cross",
    Status.complete: "diamond",
    Status.not_yet_due: "square",
    Status.too_few: "triangle-down",
    Status.no_data: "triangle-right",
}

PERIOD_COLUMNS = {"period": pl.String, "period_start": pl.Date, "period_end": pl.Date}


# ---------------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------------


def _title(text: str, subtitle: str = "", font: int = TITLE_FONT) -> alt.TitleParams:
    """A title, and a subtitle wrapped into short lines (Vega-Lite does not wrap text)."""
    return alt.TitleParams(
        text=text,
        subtitle=textwrap.wrap(subtitle, SUBTITLE_WIDTH),
        fontSize=font,
        subtitleFontSize=LABEL_FONT + 1 if font == TITLE_FONT else font - 4,
        subtitleColor=GREY,
        anchor="start",
        limit=0,
    )


def _axis(font: int = LABEL_FONT, **kwargs: Any) -> alt.Axis:
    """An axis with labels of `font` px (12, or meeting mode's 16) and a title 2 px larger."""
    title = AXIS_TITLE_FONT if font == LABEL_FONT else font + 2
    return alt.Axis(labelFontSize=font, titleFontSize=title, **kwargs)


def _legend(**kwargs: Any) -> alt.Legend:
    return alt.Legend(
        labelFontSize=LABEL_FONT, titleFontSize=LABEL_FONT + 1, orient="bottom", **kwargs
    )


def _is_rate(indicator: Indicator) -> bool:
    return indicator.unit is Unit.percent


def _x_period(indicator: Indicator, font: int = LABEL_FONT) -> alt.X:
    """Periods in time order: ordinal labels sorted by the start of each period."""
    many = indicator.period_type in (periods.PeriodType.month, periods.PeriodType.quarter)
    return alt.X(
        "period:O",
        sort=alt.EncodingSortField(field="period_start", op="min"),
        title=summaries.PERIOD_AXIS_WORDS[indicator.period_type],
        axis=_axis(font, labelAngle=-45 if many else 0),
    )


def _y_title(indicator: Indicator) -> str:
    if indicator.type is IndicatorType.milestone:
        return "Progress"
    if _is_rate(indicator):
        return "Per cent"
    return "Number"


def _y_value(
    indicator: Indicator, field: str, *, fitted: bool = False, font: int = LABEL_FONT
) -> alt.Y:
    """The value scale, the same on every layer so that the layers share one axis: from zero
    (a percentage from 0 to 100%), or `fitted` to the data (never a milestone's three steps)."""
    title = _y_title(indicator)
    fit = alt.Scale(zero=False, nice=True, padding=12)
    if indicator.type is IndicatorType.milestone:
        words = " : ".join(
            f"datum.value == {v:g} ? '{w}'" for v, w in summaries.PROGRESS_WORDS.items()
        )
        axis = _axis(font, values=[0, 50, 100], labelExpr=f"{words} : ''")
        return alt.Y(f"{field}:Q", scale=alt.Scale(domain=[0, 100]), axis=axis, title=title)
    if _is_rate(indicator):
        axis = _axis(font, labelExpr="datum.label + '%'")
        # fitted, a percentage still never runs past 100%
        scale = (
            alt.Scale(zero=False, domainMax=100, padding=12)
            if fitted
            else alt.Scale(domain=[0, 100])
        )
        return alt.Y(f"{field}:Q", scale=scale, axis=axis, title=title)
    # whole numbers only: a count of 3 must not be ticked 0, 0.5, 1, ...
    axis = _axis(font, format=",d", tickMinStep=1)
    return alt.Y(
        f"{field}:Q", scale=fit if fitted else alt.Scale(zero=True), axis=axis, title=title
    )


def _rows(
    results: pl.DataFrame | pl.LazyFrame,
    indicator: Indicator,
    *,
    breakdown: str | None = None,
) -> pl.DataFrame:
    """One indicator's rows: headline rows (breakdown None) or one breakdown's, oldest first."""
    lf = results.lazy().filter(pl.col("indicator_id") == indicator.id)
    which = pl.col("breakdown").is_null() if breakdown is None else pl.col("breakdown") == breakdown
    return lf.filter(which).sort("period_start", "breakdown_group").collect()


def _value_words(frame: pl.DataFrame, indicator: Indicator) -> pl.Expr:
    """Each row's value in words: as published (`c`) for rows from disclosure.suppress_results."""
    if summaries.is_published(frame):
        return summaries.published_value_expr(indicator)
    return summaries.value_text_expr(indicator)


def withheld(rows: pl.DataFrame) -> bool:
    """Whether any of these rows (from disclosure.suppress_results) holds a number back."""
    flags = [c for c in disclosure.FLAG_COLUMNS if c in rows.columns]
    if not flags or rows.height == 0:
        return False
    return bool(rows.select(pl.any_horizontal(pl.col(c).is_not_null() for c in flags).any()).item())


def _with_texts(frame: pl.DataFrame, indicator: Indicator) -> pl.DataFrame:
    """Formatted words for tooltips and labels, in one pass over the frame."""
    return frame.with_columns(
        value_text=_value_words(frame, indicator),
        interval_text=summaries.interval_text_expr().fill_null(""),
        status_text=summaries.status_text_expr(indicator),
        note=pl.col("note").fill_null(""),
    )


def _nothing_to_draw(frame: pl.DataFrame) -> bool:
    return frame.height == 0 or frame.get_column("value").is_null().all()


def _reference_rule(
    value: float,
    label: str,
    *,
    dash: list[int],
    colour: str,
    name: str,
    right: bool,
    y: Any,
    font: int = LABEL_FONT,
) -> list[alt.Chart]:
    """A horizontal rule at a value, labelled in words just under it at one end.

    Under, not over: a target of 100% sits on the top edge of the plot. The target is labelled
    at the left and the baseline at the right, so equal values never overprint.
    """
    data = pl.DataFrame({"value": [value], "label": [label]})
    rule = (
        alt.Chart(data, name=name)
        .mark_rule(strokeDash=dash, color=colour, size=2)
        .encode(y=y, tooltip=[alt.Tooltip("label:N", title="Line")])
    )
    text = (
        alt.Chart(data, name=f"{name}_label")
        .mark_text(
            align="right" if right else "left",
            baseline="top",
            dx=-4 if right else 4,
            dy=4,
            fontSize=font,
            color=colour,
        )
        .encode(y=y, x=alt.value("width") if right else alt.value(0), text="label:N")
    )
    return [rule, text]


def _target_label(indicator: Indicator) -> str | None:
    target = indicator.target
    if target is None or target.value is None or indicator.type is IndicatorType.milestone:
        return None
    value = summaries.plain_number(indicator, target.value)
    by = f" by {summaries.uk_date(target.date)}" if target.date else ""
    return f"Target {value}{by}"


def _baseline_label(indicator: Indicator) -> str | None:
    baseline = indicator.baseline
    if baseline is None:
        return None
    value = summaries.plain_number(indicator, baseline.value)
    return f"Baseline {value} ({summaries.period_short(indicator, baseline.period)})"


# ---------------------------------------------------------------------------------------------
# Trend
# ---------------------------------------------------------------------------------------------


def _trajectory_frame(indicator: Indicator) -> pl.DataFrame:
    points = [
        (p.period, *periods.parse(p.period, indicator.period_type), p.value)
        for p in indicator.trajectory
    ]
    return pl.DataFrame(
        points,
        schema={**PERIOD_COLUMNS, "trajectory": pl.Float64},
        orient="row",
    )


def _trend_frame(indicator: Indicator, rows: pl.DataFrame) -> pl.DataFrame:
    """Headline rows plus any trajectory periods, with their words, in one frame.

    `gap_text` marks a period without a value: `c` where the figure is held back as published
    (as the tables show it), 'no figure' where there is none.
    """
    held = pl.col("value_flag").is_not_null() if "value_flag" in rows.columns else pl.lit(False)
    frame = _with_texts(rows, indicator).with_columns(
        has_result=pl.lit(True),
        gap_text=pl.when(held).then(pl.lit(disclosure.SUPPRESSED)).otherwise(pl.lit("no figure")),
    )
    if not indicator.trajectory:
        return frame.with_columns(trajectory=pl.lit(None, dtype=pl.Float64))
    traj = _trajectory_frame(indicator)
    joined = frame.join(traj, on="period", how="full", coalesce=True, suffix="_traj")
    return joined.with_columns(
        period_start=pl.coalesce("period_start", "period_start_traj"),
        period_end=pl.coalesce("period_end", "period_end_traj"),
        has_result=pl.col("has_result").fill_null(False),
        trajectory_text=_plain_expr(indicator, pl.col("trajectory")),
    ).drop("period_start_traj", "period_end_traj")


def _plain_expr(indicator: Indicator, x: pl.Expr) -> pl.Expr:
    text = summaries.number_expr(x)
    return pl.concat_str(text, pl.lit("%")) if _is_rate(indicator) else text


def _subtitle(indicator: Indicator, parts: list[str]) -> str:
    """What the chart shows, then its key in words: 'Per cent by calendar year. circles: ...'."""
    unit = {
        IndicatorType.milestone: "Progress",
        IndicatorType.rate: "Per cent",
        IndicatorType.survey: "Per cent who agreed",
    }.get(indicator.type, "Number")
    per = summaries.PERIOD_AXIS_WORDS[indicator.period_type].split(" (")[0].lower()
    key = summaries.upper_first("; ".join(parts))
    return f"{unit} by {per}." + (f" {key}." if parts else "")


AXES = ("zero", "fitted")  # a value axis from zero, or fitted to the data (LAIT users asked)
TREND_HEIGHT = 440  # the whole chart; leaves a plotting area of 240 px or more at 1366 px wide
LARGE_HEIGHT = 500  # meeting mode, read from the back of a room
LARGE_FONT = 16  # meeting mode's smallest chart text
OUR_FIGURE = "Our figure"
INTERVAL = "95% interval"
# key entry: colour, legend symbol, dash, words for the text key beside the chart
KEY_STYLES: dict[str, tuple[str, str, list[int], str]] = {
    OUR_FIGURE: (BLUE, "circle", [1, 0], "blue line with circles"),
    INTERVAL: (SKY, "square", [1, 0], "pale blue band"),
    "Target": (BLACK, "stroke", TARGET_DASH, "black dashed line"),
    "Baseline": (GREY, "stroke", BASELINE_DASH, "grey dotted line"),
    "Planned trajectory": (VERMILLION, "diamond", TRAJECTORY_DASH, "orange dashed line, diamonds"),
}


@dataclass(frozen=True)
class TrendKey:
    """What a trend chart draws, in legend order: each entry's name and style in words."""

    entries: tuple[tuple[str, str, str, list[int], str], ...]  # name, colour, shape, dash, words
    notes: tuple[str, ...] = ()  # what the words at a gap mean: 'c', 'no figure'

    def names(self) -> list[str]:
        return [e[0] for e in self.entries]

    def words(self) -> list[str]:
        """'blue line with circles: Our figure', ... and the notes, for the text beside the
        chart."""
        return [f"{e[4]}: {e[0]}" for e in self.entries] + list(self.notes)


def trend_key(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    comparators: pl.DataFrame | None = None,
) -> TrendKey | None:
    """The entries of a trend chart's legend, in words too (None when nothing is drawn), so
    that the page can say beside the chart what each line is."""
    rows = _rows(results, indicator)
    if _nothing_to_draw(rows):
        return None
    entries = [(OUR_FIGURE, *KEY_STYLES[OUR_FIGURE][:3], KEY_STYLES[OUR_FIGURE][3])]

    def add(name: str, style: str) -> None:
        colour, shape, dash, words = KEY_STYLES[style]
        entries.append((name, colour, shape, dash, words))

    if indicator.type in summaries.RATE_TYPES and rows.get_column("lower").is_not_null().any():
        add(INTERVAL, INTERVAL)
    target = _target_label(indicator)
    if target is not None:
        add(target, "Target")
    baseline = _baseline_label(indicator)
    if baseline is not None:
        add(baseline, "Baseline")
    if indicator.trajectory:
        add("Planned trajectory", "Planned trajectory")
    lines = _comparator_lines(indicator, rows, comparators)
    if lines is not None:
        names, roles = _comparator_scale(lines)
        for name, role in zip(names, roles, strict=True):
            colour, dash, shape, words = COMPARATOR_STYLES[role]
            entries.append((name, colour, shape, dash, words))
    notes = []
    if rows.get_column("value").is_null().any():
        gaps = set(_trend_frame(indicator, rows).filter(pl.col("value").is_null())["gap_text"])
        if "no figure" in gaps:
            notes.append("'no figure': no value for that period (see its note)")
        if disclosure.SUPPRESSED in gaps:
            notes.append(f"'{disclosure.SUPPRESSED}': suppressed to protect privacy")
    return TrendKey(tuple(entries), tuple(notes))


def _legend_carrier(key: TrendKey, keyed: dict[str, Any]) -> alt.Chart:
    """One invisible point per key entry: it carries the legend for entries drawn by marks
    that have none of their own (a target line, a band)."""
    return (
        alt.Chart(pl.DataFrame({"key": key.names()}))
        .mark_point(opacity=0, filled=True)
        .encode(
            color=keyed["color"], shape=keyed["shape"], strokeDash=keyed["strokeDash"],
            x=alt.value(0), y=alt.value(0),
        )
        .properties(name="key")
    )  # fmt: skip


def _key_encodings(key: TrendKey, large: bool) -> dict[str, Any]:
    """colour, shape and dash on the field `key`, one scale for every layer: one legend."""
    names = key.names()
    font = LARGE_FONT if large else LABEL_FONT
    legend = alt.Legend(
        title="Key", orient="bottom", direction="horizontal", columns=3, labelLimit=400,
        labelFontSize=font, titleFontSize=font + 1, symbolSize=150, symbolStrokeWidth=2,
        symbolOpacity=1,
    )  # fmt: skip
    return {
        "color": alt.Color(
            "key:N", scale=alt.Scale(domain=names, range=[e[1] for e in key.entries]),
            legend=legend,
        ),
        "shape": alt.Shape(
            "key:N", scale=alt.Scale(domain=names, range=[e[2] for e in key.entries]),
            legend=legend,
        ),
        "strokeDash": alt.StrokeDash(
            "key:N", scale=alt.Scale(domain=names, range=[e[3] for e in key.entries]),
            legend=legend,
        ),
    }  # fmt: skip


def trend_chart(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    comparators: pl.DataFrame | None = None,
    axis: str = "zero",
    large: bool = False,
) -> alt.LayerChart | None:
    """The headline value over periods, with interval, target, trajectory and baseline, and
    (for a rate) England, the region and the comparison group from `comparators`
    (`metrics.comparators.comparator_series`).

    A real legend names every line and mark (`trend_key` gives the same in words for the page).
    `axis`: "zero" (the default, and always for a percentage unless asked) or "fitted" to the
    data. `large`: meeting mode's size, with text of 16 px or more. One period only is drawn as
    a single point, not a line.
    """
    rows = _rows(results, indicator)
    key = trend_key(indicator, results, comparators)
    if _nothing_to_draw(rows) or key is None:
        return None
    frame = _trend_frame(indicator, rows)
    font = LARGE_FONT if large else LABEL_FONT
    x = _x_period(indicator, font)
    fit = axis == "fitted"

    def y_of(field: str) -> alt.Y:
        return _y_value(indicator, field, fitted=fit, font=font)

    y = y_of("value")

    keyed = _key_encodings(key, large)
    base = alt.Chart(frame)
    layers: list[alt.Chart] = []

    if INTERVAL in key.names():
        layers.append(
            base.mark_area(opacity=0.35, invalid="break-paths-show-domains")
            .encode(x=x, y=y_of("lower"), y2="upper:Q", color=keyed["color"])
            .transform_calculate(key=f"'{INTERVAL}'")
            .properties(name="interval")
        )
    baseline = _baseline_label(indicator)
    if baseline is not None and indicator.baseline is not None:
        layers += _reference_rule(
            indicator.baseline.value, baseline, dash=BASELINE_DASH, colour=GREY,
            name="baseline", right=True, y=y, font=LARGE_FONT if large else LABEL_FONT,
        )  # fmt: skip
    target = _target_label(indicator)
    if target is not None and indicator.target is not None and indicator.target.value is not None:
        layers += _reference_rule(
            indicator.target.value, target, dash=TARGET_DASH, colour=BLACK,
            name="target", right=False, y=y, font=LARGE_FONT if large else LABEL_FONT,
        )  # fmt: skip
    if indicator.trajectory:
        planned = base.transform_filter("isValid(datum.trajectory)")
        traj_y = y_of("trajectory")
        tooltip = [
            alt.Tooltip("period:O", title="Period"),
            alt.Tooltip("trajectory_text:N", title="Trajectory"),
        ]
        layers += [
            planned.mark_line(color=VERMILLION, strokeDash=TRAJECTORY_DASH, strokeWidth=2)
            .encode(x=x, y=traj_y)
            .properties(name="trajectory_line"),
            planned.mark_point(shape="diamond", filled=True, size=90, color=VERMILLION)
            .encode(x=x, y=traj_y, tooltip=tooltip)
            .properties(name="trajectory"),
        ]

    lines = _comparator_lines(indicator, rows, comparators)
    if lines is not None:
        layers += _comparator_layers(indicator, lines, x, keyed=keyed, y=y)
    measured = base.transform_filter("datum.has_result")
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
        alt.Tooltip("status_text:N", title="Status"),
        alt.Tooltip("note:N", title="Note"),
    ]
    drawn = rows.get_column("value").is_not_null().sum()
    if drawn > 1:  # a single period is a point, not a line
        layers.append(
            measured.mark_line(color=BLUE, strokeWidth=3, invalid="break-paths-show-domains")
            .encode(x=x, y=y)
            .properties(name="line")
        )
    layers.append(
        measured.mark_point(filled=True, size=140 if large else 90, opacity=1)
        .encode(
            x=x, y=y, tooltip=tooltip, color=keyed["color"], shape=keyed["shape"],
            strokeDash=keyed["strokeDash"],
        )
        .transform_calculate(key=f"'{OUR_FIGURE}'")
        .properties(name="points")
    )  # fmt: skip
    # every key entry drawn by a fixed mark (target, baseline, trajectory) still needs its
    # legend symbol: one invisible point per entry carries the legend
    layers.append(_legend_carrier(key, keyed))
    if rows.get_column("value").is_null().any():
        gaps = set(frame.filter(pl.col("has_result") & pl.col("value").is_null())["gap_text"])
        marks = {
            "fontSize": LARGE_FONT if large else LABEL_FONT, "color": GREY,
            "baseline": "bottom", "dy": -4,
        }  # fmt: skip
        gap = measured.transform_filter("!isValid(datum.value)")
        gap_y = alt.value("height") if fit else alt.datum(0)  # at the foot of the plot
        if len(gaps) == 1:  # one kind of gap: the same words at each
            gap = gap.mark_text(text=next(iter(gaps)), **marks).encode(x=x, y=gap_y)
        else:
            gap = gap.mark_text(**marks).encode(x=x, y=gap_y, text="gap_text:N")
        layers.append(gap.encode(tooltip=tooltip).properties(name="no_value"))
    description = summaries.chart_description(indicator, results)
    if lines is not None:
        description += " " + _comparator_description(indicator, lines)
    chart = alt.layer(*layers).properties(
        # only what the legend cannot show goes under the title: the words at a gap
        title=_title(indicator.title, "; ".join(key.notes), font=font + 4),
        description=description,
        height=LARGE_HEIGHT if large else TREND_HEIGHT,
    )
    return chart


# ---------------------------------------------------------------------------------------------
# Breakdowns, equity and population
# ---------------------------------------------------------------------------------------------


def _label_column(indicator: Indicator, frame: pl.DataFrame, column: str) -> float:
    """Where bar labels start: right of every bar, interval and target, so none overprints."""
    if _is_rate(indicator):
        return 100.0
    target = indicator.target.value if indicator.target and indicator.target.value else 0.0
    largest = frame.select(pl.max_horizontal(column, "upper").max()).item() or 1.0
    return float(max(largest, target))


def _x_value(indicator: Indicator, field: str, label_at: float) -> alt.X:
    """The bar scale, with room after `label_at` for the labels; the same on every layer."""
    if _is_rate(indicator):
        axis = _axis(labelExpr="datum.label + '%'", values=list(range(0, 101, 20)))
    else:
        axis = _axis(format=",d", tickMinStep=1)
    return alt.X(
        f"{field}:Q",
        scale=alt.Scale(domain=[0, label_at * LABEL_ROOM], nice=False),
        axis=axis,
        title=_y_title(indicator),
    )


def _list_words(frame: pl.DataFrame, label: str) -> str:
    """'Group: text; Group: text' for a chart description, built in one pass."""
    return frame.select(pl.concat_str("breakdown_group", pl.lit(": "), label).str.join("; ")).item()


def breakdown_chart(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    breakdown: str,
    period: str,
) -> alt.LayerChart | None:
    """Horizontal bars, one per group, with interval error bars and labelled values.

    Every group shows, however small; a rate on fewer than `min_denominator` children has a
    paler bar with a dark outline and says "too few to judge" in its label.
    """
    rows = _rows(results, indicator, breakdown=breakdown).filter(pl.col("period") == period)
    if _nothing_to_draw(rows):
        return None
    small = (
        pl.col("denominator") < indicator.min_denominator
        if indicator.type in summaries.RATE_TYPES
        else pl.lit(False)
    ).fill_null(False)
    frame = _with_texts(rows, indicator).with_columns(
        small=small,
        label=pl.concat_str(
            "value_text", pl.when(small).then(pl.lit(" — too few to judge")).otherwise(pl.lit(""))
        ),
        fill=pl.when(small).then(pl.lit(SKY)).otherwise(pl.lit(BLUE)),
    )
    label_at = _label_column(indicator, frame, "value")
    frame = frame.with_columns(label_x=pl.lit(label_at))
    y = alt.Y("breakdown_group:N", sort=None, title=breakdown, axis=_axis(labelLimit=240))
    x = _x_value(indicator, "value", label_at)
    base = alt.Chart(frame)
    tooltip = [
        alt.Tooltip("breakdown_group:N", title=breakdown),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    layers: list[alt.Chart] = [
        base.mark_bar(stroke=BLUE, strokeWidth=1.5, height={"band": 0.7})
        .encode(x=x, y=y, color=alt.Color("fill:N", scale=None), tooltip=tooltip)
        .properties(name="bars")
    ]
    if frame.get_column("lower").is_not_null().any():
        layers.append(
            base.mark_errorbar(ticks=True, color=BLACK, thickness=1.5)
            .encode(x=_x_value(indicator, "lower", label_at), x2="upper:Q", y=y)
            .properties(name="interval")
        )
    layers.append(
        base.mark_text(align="left", dx=10, fontSize=LABEL_FONT, color=BLACK)
        .encode(
            x=_x_value(indicator, "label_x", label_at),
            y=y,
            text="label:N",
            tooltip=tooltip,
        )
        .properties(name="labels")
    )
    target = indicator.target
    if target is not None and target.value is not None:
        layers.append(
            alt.Chart(pl.DataFrame({"value": [target.value], "label": [_target_label(indicator)]}))
            .mark_rule(strokeDash=TARGET_DASH, color=BLACK, size=2)
            .encode(x=_x_value(indicator, "value", label_at), tooltip="label:N")
            .properties(name="target")
        )
    when = periods.describe(period, indicator.period_type)
    notes = ["bars: the value"]
    if "interval" in {layer.name for layer in layers}:
        notes.append("black lines: 95% interval")
    if target is not None and target.value is not None:
        notes.append("dashed line: target")
    if frame.get_column("small").any():
        notes.append("paler bars: too few to judge")
    by = summaries.lower_first(breakdown)
    subtitle = f"By {by}, {when}. {summaries.upper_first('; '.join(notes))}."
    description = (
        f"Bar chart of {summaries.lower_first(summaries.bare_title(indicator))} by "
        f"{by} in {when}. {_list_words(frame, 'label')}."
    )
    return alt.layer(*layers).properties(
        title=_title(indicator.title, subtitle),
        description=description,
        height=alt.Step(32),
    )


def equity_chart(
    indicator: Indicator, results: pl.DataFrame | pl.LazyFrame
) -> alt.LayerChart | None:
    """Global majority and White over periods: colour, dash and point shape all differ."""
    rows = _rows(results, indicator, breakdown=EQUITY_BREAKDOWN).filter(
        pl.col("breakdown_group").is_in(EQUITY_GROUPS)
    )
    if _nothing_to_draw(rows):
        return None
    last = pl.col("period_start") == pl.col("period_start").max().over("breakdown_group")
    frame = _with_texts(rows, indicator).with_columns(is_last=last & pl.col("value").is_not_null())
    x = _x_period(indicator)
    y = _y_value(indicator, "value")
    group = "breakdown_group:N"
    colours = alt.Scale(domain=EQUITY_GROUPS, range=[BLUE, VERMILLION])
    colour = alt.Color(group, scale=colours, legend=_legend(title="Group"))
    # bands and end labels take the same colours without a second key
    colour_only = alt.Color(group, scale=colours, legend=None)
    dash = alt.StrokeDash(
        group,
        scale=alt.Scale(domain=EQUITY_GROUPS, range=[[1, 0], [6, 4]]),
        legend=_legend(title="Group"),
    )
    shape = alt.Shape(
        group,
        scale=alt.Scale(domain=EQUITY_GROUPS, range=["circle", "square"]),
        legend=_legend(title="Group"),
    )
    tooltip = [
        alt.Tooltip(group, title="Group"),
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("interval_text:N", title="95% interval"),
    ]
    base = alt.Chart(frame)
    layers: list[alt.Chart] = []
    if frame.get_column("lower").is_not_null().any():
        layers.append(
            base.mark_area(opacity=0.15)
            .encode(
                x=x,
                y=_y_value(indicator, "lower"),
                y2="upper:Q",
                color=colour_only,
            )
            .properties(name="interval")
        )
    layers += [
        base.mark_line(strokeWidth=3, invalid="break-paths-show-domains")
        .encode(x=x, y=y, color=colour, strokeDash=dash)
        .properties(name="lines"),
        base.mark_point(filled=True, size=90, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        .properties(name="points"),
        base.transform_filter("datum.is_last")
        .mark_text(align="left", dx=8, fontSize=LABEL_FONT)
        .encode(
            x=x,
            y=y,
            text=group,
            color=colour_only,
        )
        .properties(name="end_labels"),
    ]
    target = _target_label(indicator)
    if target is not None and indicator.target is not None and indicator.target.value is not None:
        layers += _reference_rule(
            indicator.target.value, target, dash=TARGET_DASH, colour=BLACK, name="target",
            right=False, y=y,
        )  # fmt: skip
    latest = frame.filter(pl.col("is_last"))
    description = (
        f"Line chart comparing {summaries.lower_first(summaries.bare_title(indicator))} for "
        f"global majority and White communities by "
        f"{summaries.PERIOD_AXIS_WORDS[indicator.period_type].split(' (')[0].lower()}. "
        f"Latest: {_list_words(latest, 'value_text')}."
    )
    subtitle = (
        "Global majority: solid blue line, circles; White: dashed vermillion line, squares; "
        "shaded bands: 95% intervals."
    )
    return alt.layer(*layers).properties(
        title=_title(f"{indicator.title}: global majority and White", subtitle),
        description=description,
        height=HEIGHT,
    )


def population_chart(
    indicator: Indicator, results: pl.DataFrame | pl.LazyFrame, breakdown: str
) -> alt.LayerChart | None:
    """The share of the population in each group at the latest period, labelled % and count.

    For a rate the group's size is its denominator; for a count, its value. Shares add up to
    a whole, which a held-back count would make false: with any count of the period suppressed
    (rows from disclosure.suppress_results) there is no chart, and the table shows `c`.
    """
    rows = _rows(results, indicator, breakdown=breakdown)
    if rows.height == 0:
        return None
    size = "denominator" if indicator.type in summaries.RATE_TYPES else "value"
    latest = rows.filter(pl.col("period_start") == pl.col("period_start").max())
    if withheld(latest):
        return None
    frame = latest.with_columns(count=pl.col(size).fill_null(0)).with_columns(
        total=pl.col("count").sum()
    )
    if frame.get_column("total")[0] == 0:
        return None
    frame = frame.with_columns(share=100 * pl.col("count") / pl.col("total")).with_columns(
        label=pl.concat_str(
            summaries.percent_expr(pl.col("share")),
            pl.lit(" ("),
            summaries.number_expr(pl.col("count")),
            pl.lit(" of "),
            summaries.number_expr(pl.col("total")),
            pl.lit(")"),
        )
    )
    x = alt.X(
        "share:Q",
        scale=alt.Scale(domain=[0, 100 * LABEL_ROOM], nice=False),
        axis=_axis(labelExpr="datum.label + '%'", values=list(range(0, 101, 20))),
        title="Per cent of all",
    )
    y = alt.Y("breakdown_group:N", sort="-x", title=breakdown, axis=_axis(labelLimit=240))
    tooltip = [
        alt.Tooltip("breakdown_group:N", title=breakdown),
        alt.Tooltip("label:N", title="Share"),
    ]
    base = alt.Chart(frame)
    layers = [
        base.mark_bar(color=BLUE, height={"band": 0.7})
        .encode(x=x, y=y, tooltip=tooltip)
        .properties(name="bars"),
        base.mark_text(align="left", dx=6, fontSize=LABEL_FONT, color=BLACK)
        .encode(x=x, y=y, text="label:N", tooltip=tooltip)
        .properties(name="labels"),
    ]
    period = frame.get_column("period")[0]
    when = periods.describe(period, indicator.period_type)
    subject = summaries.subject_words(indicator)
    by = summaries.lower_first(breakdown)
    return alt.layer(*layers).properties(
        title=_title(f"{subject} by {by}", f"Share of all, {when}."),
        description=(
            f"Bar chart of {summaries.lower_first(subject)} by {by} in {when}. "
            f"{_list_words(frame, 'label')}."
        ),
        height=alt.Step(32),
    )


# ---------------------------------------------------------------------------------------------
# Timeliness bands
# ---------------------------------------------------------------------------------------------


def bands_chart(
    indicator: Indicator, results: pl.DataFrame | pl.LazyFrame, period: str | None = None
) -> alt.LayerChart | None:
    """How long it took, as one stacked bar: within 20 weeks / 20 to 52 weeks / over 52 weeks.

    The latest period with bands unless `period` is given; the counts are written on the bar.
    """
    rows = _rows(results, indicator, breakdown=BAND_BREAKDOWN)
    if period is None:
        # the latest period with any plan in it; rows are sorted oldest first
        counted = rows.filter(pl.col("denominator") > 0)
        period = counted.get_column("period")[-1] if counted.height else None
    if period is None:
        return None
    rows = rows.filter(pl.col("period") == period)
    if rows.height == 0 or (rows.get_column("numerator").fill_null(0) == 0).all():
        return None
    if withheld(rows):  # the bands add up to a whole, which a held-back count would make false
        return None
    labels = [band.label for band in indicator.source.bands] or rows.get_column(
        "breakdown_group"
    ).unique(maintain_order=True).to_list()
    order = pl.DataFrame({"breakdown_group": labels}).with_row_index("band_order")
    frame = (
        rows.join(order, on="breakdown_group", how="left")
        .sort("band_order")
        .with_columns(count=pl.col("numerator").fill_null(0))
        .with_columns(end=pl.col("count").cum_sum())
        .with_columns(start=pl.col("end") - pl.col("count"))
        .with_columns(
            mid=(pl.col("start") + pl.col("end")) / 2,
            count_text=summaries.number_expr(pl.col("count")),
            share_text=summaries.value_text_expr(indicator),
        )
    )
    colours = BAND_COLOURS[: len(labels)]
    y = alt.Y("period:N", title=None, axis=_axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("breakdown_group:N", title="Time taken"),
        alt.Tooltip("count_text:N", title="Number"),
        alt.Tooltip("share_text:N", title="Share"),
    ]
    base = alt.Chart(frame)
    total = frame.get_column("count").sum()
    x_scale = alt.Scale(domain=[0, total], nice=False)
    layers = [
        base.mark_bar(stroke="white", strokeWidth=2, height={"band": 0.8})
        .encode(
            x=alt.X(
                "start:Q", scale=x_scale, title="Number", axis=_axis(format=",d", tickMinStep=1)
            ),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "breakdown_group:N",
                scale=alt.Scale(domain=labels, range=colours),
                sort=labels,
                legend=_legend(title="Time taken (left to right)"),
            ),
            order=alt.Order("band_order:Q"),
            tooltip=tooltip,
        )
        .properties(name="bars"),
        base.transform_filter("datum.count > 0")
        .mark_text(fontSize=LABEL_FONT + 2, fontWeight="bold", color=BLACK)
        .encode(x=alt.X("mid:Q", scale=x_scale), y=y, text="count_text:N", tooltip=tooltip)
        .properties(name="labels"),
    ]
    when = periods.describe(period, indicator.period_type)
    counts = frame.select(
        pl.concat_str("breakdown_group", pl.lit(": "), "count_text").str.join("; ")
    ).item()
    return alt.layer(*layers).properties(
        title=_title(
            f"How long it took, {when}",
            f"{indicator.title}. Number in each band, left to right: {', '.join(labels)}.",
        ),
        description=(
            f"Stacked bar of {summaries.lower_first(summaries.bare_title(indicator))} by time "
            f"taken in {when}, out of {summaries.number_text(total)}. {counts}."
        ),
        height=alt.Step(48),
    )


# ---------------------------------------------------------------------------------------------
# A series around an event
# ---------------------------------------------------------------------------------------------


def _event_month(
    indicator: Indicator, results: pl.DataFrame, event_date: dt.date | None
) -> dt.date | None:
    """The first day of the event's month: given, in the registry, or read off the results.

    Without a date, the month after the last month of the 'before' window is taken.
    """
    day = event_date or indicator.source.event_date
    if day is not None:
        return day.replace(day=1)
    before = results.filter(
        (pl.col("breakdown") == SERIES_BREAKDOWN)
        & pl.col("breakdown_group").str.contains(" before ", literal=True)
    )
    if before.height == 0:
        return None
    end = before.get_column("period_end").max()
    return end + dt.timedelta(days=1) if isinstance(end, dt.date) else None


def _windows(frame: pl.DataFrame, event: dt.date | None, months: int) -> pl.DataFrame:
    """Flag the event's period and the periods in the windows before and after it."""
    if event is None:
        return frame.with_columns(
            is_event=pl.lit(False), in_before=pl.lit(False), in_after=pl.lit(False)
        )
    start, day = pl.col("period_start"), pl.lit(event)
    return frame.with_columns(
        is_event=(start <= day) & (day <= pl.col("period_end")),
        in_before=(pl.col("period_end") < day) & (start >= day.dt.offset_by(f"-{months}mo")),
        in_after=(start > day) & (start < day.dt.offset_by(f"{months + 1}mo")),
    )


def series_chart(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    *,
    event_date: dt.date | None = None,
) -> alt.LayerChart | None:
    """Monthly values, the event marked by a labelled rule, and the mean before and after it.

    `event_date` is the day of the event (e.g. the review's completion date from the Action
    Plan); without it the registry's `event_date`, or the end of the 'before' window, is used.
    The event's own month belongs to neither window, as in the calculation.
    """
    everything = results.lazy().filter(pl.col("indicator_id") == indicator.id).collect()
    rows = _rows(everything, indicator)
    if _nothing_to_draw(rows):
        return None
    months = indicator.source.window_months
    event = _event_month(indicator, everything, event_date)
    frame = _with_texts(rows, indicator)
    event_words = indicator.source.event_label or "the review"
    event_text = ""
    if event is not None:
        event_text = f"{summaries.upper_first(event_words)} ({event:%B %Y})"
        label = periods.label_for(event, indicator.period_type)
        if label not in frame.get_column("period").to_list():
            # the event's period shows on the axis even before its figure arrives
            start, end = periods.parse(label, indicator.period_type)
            extra = pl.DataFrame({"period": [label], "period_start": [start], "period_end": [end]})
            frame = pl.concat([frame, extra], how="diagonal_relaxed").sort("period_start")
    per = "a month" if indicator.period_type is periods.PeriodType.month else "a quarter"
    frame = (
        _windows(frame, event, months)
        .with_columns(
            value_text=pl.col("value_text").fill_null(summaries.NO_VALUE),
            event_label=pl.lit(event_text),
            before_mean=pl.col("value").filter(pl.col("in_before")).mean(),
            after_mean=pl.col("value").filter(pl.col("in_after")).mean(),
            first_before=pl.col("in_before") & (pl.col("in_before").cum_sum() == 1),
            first_after=pl.col("in_after") & (pl.col("in_after").cum_sum() == 1),
        )
        .with_columns(
            pl.concat_str(
                pl.lit(f"Average {window}: "),
                summaries.number_expr(pl.col(f"{window}_mean").round(1)),
                pl.lit(f" {per}"),
            ).alias(f"{window}_label")
            for window in ("before", "after")
        )
    )
    x = _x_period(indicator)
    y = _y_value(indicator, "value")
    base = alt.Chart(frame)
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
    ]
    layers: list[alt.Chart] = [
        base.mark_line(color=BLUE, strokeWidth=3, invalid="break-paths-show-domains")
        .encode(x=x, y=y)
        .properties(name="line"),
        base.mark_point(shape="circle", filled=True, size=70, color=BLUE, opacity=1)
        .encode(x=x, y=y, tooltip=tooltip)
        .properties(name="points"),
    ]
    words = ["circles: the value"]
    extra_words: list[str] = []
    entries = [(OUR_FIGURE, *KEY_STYLES[OUR_FIGURE][:3], KEY_STYLES[OUR_FIGURE][3])]
    if event is not None:
        entries.append((event_text, BLACK, "stroke", [1, 0], "black vertical line"))
        marked = base.transform_filter("datum.is_event")
        layers += [
            marked.mark_rule(color=BLACK, size=2)
            .encode(x=x, tooltip=alt.Tooltip("event_label:N", title="Event"))
            .properties(name="event"),
            marked.mark_text(
                align="left", baseline="top", dx=4, y=4, fontSize=LABEL_FONT, color=BLACK
            )
            .encode(x=x, text="event_label:N")
            .properties(name="event_label"),
        ]
        words.append(f"solid vertical line: {event_words}")
        extra_words.append(f"A vertical line marks {event_words} ({event:%B %Y}).")
    for window, colour, dash, style in (
        ("before", VERMILLION, [6, 3], "dashed"),
        ("after", GREEN, [2, 2], "dotted"),
    ):
        if frame.get_column(f"{window}_mean")[0] is None:
            continue
        in_window = base.transform_filter(f"datum.in_{window}")
        mean_y = _y_value(indicator, f"{window}_mean")
        layers += [
            in_window.mark_line(color=colour, strokeDash=dash, strokeWidth=3)
            .encode(x=x, y=mean_y, tooltip=alt.Tooltip(f"{window}_label:N", title="Average"))
            .properties(name=f"{window}_mean"),
            in_window.transform_filter(f"datum.first_{window}")
            .mark_text(align="left", baseline="bottom", dy=-6, fontSize=LABEL_FONT, color=colour)
            .encode(x=x, y=mean_y, text=f"{window}_label:N")
            .properties(name=f"{window}_mean_label"),
        ]
        words.append(f"{style} line: average {window}")
        label = frame.get_column(f"{window}_label")[0]
        entries.append((label, colour, "stroke", dash, f"{style} line"))
        extra_words.append(f"{frame.get_column(f'{window}_label')[0]} ({style} line).")
    description = " ".join([summaries.chart_description(indicator, rows), *extra_words])
    # a real legend, as on the trend chart: one invisible point per entry carries it
    key = TrendKey(tuple(entries))
    keyed = _key_encodings(key, large=False)
    layers.append(_legend_carrier(key, keyed))
    return alt.layer(*layers).properties(
        title=_title(indicator.title, _subtitle(indicator, [])),
        description=description,
        height=TREND_HEIGHT,  # a trend on the priority and indicator pages: as tall as theirs
    )


# ---------------------------------------------------------------------------------------------
# Action Plan timeline
# ---------------------------------------------------------------------------------------------

SHORT_ACTION = 60


def milestone_timeline(
    frame: pl.DataFrame | pl.LazyFrame, *, today: dt.date | None = None
) -> alt.LayerChart | None:
    """One row per milestone: a point at its due date (shape and colour by status) and a line
    from today to the due date; status in words in the legend and tooltip.

    Columns: milestone_id, priority, action, lead, due_date, status (a Status value),
    status_date, completed_date.
    """
    rows = frame.lazy().collect()
    if rows.height == 0:
        return None
    when = today or dt.date.today()
    statuses = list(Status)
    status_words = [f"{STYLES[s].icon} {STYLES[s].words}" for s in statuses]
    action = pl.col("action").fill_null(pl.col("milestone_id"))
    short = (
        pl.when(action.str.len_chars() > SHORT_ACTION)
        .then(
            pl.concat_str(action.str.slice(0, SHORT_ACTION - 1).str.strip_chars_end(), pl.lit("…"))
        )
        .otherwise(action)
    )
    data = rows.with_columns(
        label=pl.concat_str(pl.lit("P"), pl.col("priority").cast(pl.String), pl.lit(": "), short),
        status_label=pl.col("status").replace_strict(
            dict(zip([s.value for s in statuses], status_words, strict=True)),
            default=status_words[statuses.index(Status.no_data)],
            return_dtype=pl.String,
        ),
        today=pl.lit(when),
        due_text=summaries.uk_date_expr(pl.col("due_date")).fill_null("no due date"),
        status_date_text=summaries.uk_date_expr(pl.col("status_date")).fill_null(""),
        completed_text=summaries.uk_date_expr(pl.col("completed_date")).fill_null("not yet"),
        lead=pl.col("lead").fill_null(""),
        open=pl.col("status").fill_null("") != Status.complete.value,
    )
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField(field="due_date", op="min"),
        title=None,
        axis=_axis(labelLimit=420),
    )
    x_axis = _axis(format="%b %Y", labelAngle=0)
    x_scale = alt.Scale(padding=16)  # keeps markers at either end whole
    tooltip = [
        alt.Tooltip("action:N", title="Action"),
        alt.Tooltip("lead:N", title="Lead"),
        alt.Tooltip("due_text:N", title="Due"),
        alt.Tooltip("status_label:N", title="Status"),
        alt.Tooltip("status_date_text:N", title="Status as at"),
        alt.Tooltip("completed_text:N", title="Completed"),
    ]
    base = alt.Chart(data)
    layers = [
        base.transform_filter("datum.open && isValid(datum.due_date)")
        .mark_rule(color=GREY, size=2)
        .encode(
            x=alt.X("today:T", title="Due date", axis=x_axis, scale=x_scale), x2="due_date:T", y=y
        )
        .properties(name="to_due"),
        base.mark_point(filled=True, size=180, opacity=1)
        .encode(
            x=alt.X("due_date:T", title="Due date", axis=x_axis, scale=x_scale),
            y=y,
            shape=alt.Shape(
                "status_label:N",
                scale=alt.Scale(domain=status_words, range=[STATUS_SHAPES[s] for s in statuses]),
                legend=_legend(title="Status", columns=3),
            ),
            color=alt.Color(
                "status_label:N",
                scale=alt.Scale(domain=status_words, range=[STYLES[s].colour for s in statuses]),
                legend=_legend(title="Status", columns=3),
            ),
            tooltip=tooltip,
        )
        .properties(name="due"),
        alt.Chart(pl.DataFrame({"today": [when], "label": [f"Today, {summaries.uk_date(when)}"]}))
        .mark_rule(color=BLACK, strokeDash=[2, 2], size=1.5)
        .encode(x=alt.X("today:T", title="Due date", axis=x_axis, scale=x_scale), tooltip="label:N")
        .properties(name="today"),
    ]
    by_status = data.group_by("status_label").len().sort("status_label")
    counts = by_status.select(
        pl.concat_str(pl.col("len").cast(pl.String), pl.lit(" "), "status_label").str.join(", ")
    ).item()
    return alt.layer(*layers).properties(
        title=_title(
            "Action Plan milestones",
            "Each row is a key action. The marker is its due date; its shape and colour show "
            "its status (see the key). The grey line runs from today to the due date.",
        ),
        description=(
            f"Timeline of {rows.height} Action Plan milestones by due date, as at "
            f"{summaries.uk_date(when)}: {counts}."
        ),
        height=alt.Step(30),
    )


# ---------------------------------------------------------------------------------------------
# The table behind a chart
# ---------------------------------------------------------------------------------------------


def chart_table(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    comparators: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The table view of the trend chart, one row per period, with readable column names;
    with `comparators`, a column each for England, the region and the comparison group.

    Rows from `disclosure.suppress_results` show as published: `c` for a held-back number and
    a Footnote column saying why.
    """
    rows = _rows(results, indicator)
    is_rate = indicator.type in summaries.RATE_TYPES
    published = summaries.is_published(rows)
    value = (
        pl.when(pl.col("value").is_null())
        .then(pl.col("published_value") if published else pl.lit(summaries.NO_VALUE))
        .otherwise(summaries.percent_expr(pl.col("value")))
        if is_rate
        else _value_words(rows, indicator)
    )
    columns: dict[str, pl.Expr] = {"Period": pl.col("period"), "Value": value}
    if is_rate and published:
        columns["Number"] = pl.col("published_numerator").fill_null("")
        columns["Out of"] = pl.col("published_denominator").fill_null("")
        columns["95% interval"] = pl.col("published_interval").fill_null("")
    elif is_rate:
        columns["Number"] = summaries.number_expr(pl.col("numerator")).fill_null("")
        columns["Out of"] = summaries.number_expr(pl.col("denominator")).fill_null("")
        columns["95% interval"] = summaries.interval_text_expr().fill_null("")
    target = indicator.target
    has_target = indicator.trajectory or (target is not None and target.value is not None)
    if has_target and indicator.type is not IndicatorType.milestone:
        columns["Target"] = _plain_expr(indicator, reference_expr(indicator)).fill_null("")
    columns["Status"] = summaries.status_text_expr(indicator)
    note_name = "Evidence" if indicator.type is IndicatorType.milestone else "Note"
    columns[note_name] = pl.col("note").fill_null("")
    if published:
        columns["Footnote"] = pl.col("footnote").fill_null("")
    table = rows.select(**columns)
    if comparators is None or comparators.height == 0:
        return table
    return _with_comparator_columns(indicator, table, comparators)


# ---------------------------------------------------------------------------------------------
# Comparators: England, the region and the comparison group beside our own line
# ---------------------------------------------------------------------------------------------

REDDISH_PURPLE = "#CC79A7"  # Okabe-Ito; 3:1 on white, and every line also has its own dash
# role: colour, dash, point shape, the style in words
COMPARATOR_STYLES: dict[str, tuple[str, list[int], str, str]] = {
    "england": (GREEN, [6, 3], "square", "green dashed line, squares"),
    "region": (REDDISH_PURPLE, [2, 2], "triangle-up", "purple dotted line, triangles"),
    "group": (GREY, [8, 3, 2, 3], "triangle-down", "grey dot and dash line, upside-down triangles"),
}


def _comparator_lines(
    indicator: Indicator, rows: pl.DataFrame, comparators: pl.DataFrame | None
) -> pl.DataFrame | None:
    """England, the region and the group, in the periods our own figures cover (rates only: a
    count of 26 children beside England's 600,000 would flatten our own line)."""
    if comparators is None or comparators.height == 0 or not _is_rate(indicator):
        return None
    first, last = rows.get_column("period_start").min(), rows.get_column("period_start").max()
    lines = comparators.filter(
        (pl.col("indicator_id") == indicator.id)
        & pl.col("role").is_in(list(COMPARATOR_STYLES))
        & pl.col("value").is_not_null()
        & pl.col("period_start").is_between(first, last)
    )
    if lines.height == 0:
        return None
    return lines.with_columns(
        value_text=summaries.value_text_expr(indicator),
        note=pl.col("note").fill_null(""),
        _order=pl.col("role").replace_strict(
            {r: i for i, r in enumerate(COMPARATOR_STYLES)}, return_dtype=pl.Int8
        ),
    ).sort("_order", "period_start")


def _comparator_scale(lines: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The comparators' names in legend order, and their roles."""
    pairs = lines.select("comparator", "role").unique(maintain_order=True)
    return pairs.get_column("comparator").to_list(), pairs.get_column("role").to_list()


def _comparator_layers(
    indicator: Indicator, lines: pl.DataFrame, x: alt.X, *, keyed: dict[str, Any], y: alt.Y
) -> list[alt.Chart]:
    """England, the region and the group as lines with points, styled by the chart's key."""
    colour, dash, shape = keyed["color"], keyed["strokeDash"], keyed["shape"]
    lines = lines.with_columns(key=pl.col("comparator"))
    tooltip = [
        alt.Tooltip("comparator:N", title="Area"),
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("note:N", title="Note"),
    ]
    base = alt.Chart(lines)
    return [
        base.mark_line(strokeWidth=2)
        .encode(x=x, y=y, color=colour, strokeDash=dash, detail="comparator:N")
        .properties(name="comparator_lines"),
        base.mark_point(filled=True, size=60, opacity=1)
        .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        .properties(name="comparator_points"),
    ]


def _comparator_words(lines: pl.DataFrame) -> list[str]:
    names, roles = _comparator_scale(lines)
    return [f"{COMPARATOR_STYLES[r][3]}: {name}" for name, r in zip(names, roles, strict=True)]


def _comparator_description(indicator: Indicator, lines: pl.DataFrame) -> str:
    """'Compared with, in 2024: England 46.4% (...); London 66.9% (...).'"""
    last = lines.filter(pl.col("period_start") == pl.col("period_start").max())
    when = summaries.period_short(indicator, last.get_column("period")[0])
    words = last.select(pl.concat_str("comparator", pl.lit(" "), "value_text").str.join("; "))
    return f"Compared with, in {when}: {words.item()}."


def _with_comparator_columns(
    indicator: Indicator, table: pl.DataFrame, comparators: pl.DataFrame
) -> pl.DataFrame:
    """The trend table with a column per comparator (England, the region, the group)."""
    wanted = comparators.filter(
        (pl.col("indicator_id") == indicator.id) & pl.col("role").is_in(list(COMPARATOR_STYLES))
    )
    if wanted.height == 0:
        return table
    names, _ = _comparator_scale(
        wanted.with_columns(
            _order=pl.col("role").replace_strict(
                {r: i for i, r in enumerate(COMPARATOR_STYLES)}, return_dtype=pl.Int8
            )
        ).sort("_order")
    )
    text = (
        pl.when(pl.col("value").is_null())
        .then(pl.concat_str(pl.lit("no figure ("), pl.col("symbol").fill_null("–"), pl.lit(")")))
        .otherwise(summaries.value_text_expr(indicator))
    )
    wide = (
        wanted.select(pl.col("period").alias("Period"), "comparator", text.alias("text"))
        .pivot(on="comparator", index="Period", values="text", aggregate_function="first")
        .select("Period", *(pl.col(n) for n in names if n in wanted["comparator"].to_list()))
    )
    clashes = [n for n in names if n in table.columns]
    if clashes:
        wide = wide.rename({n: f"{n} (official)" for n in clashes})
    return table.join(wide, on="Period", how="left").with_columns(
        pl.col(c).fill_null("") for c in wide.columns if c != "Period"
    )


# ---------------------------------------------------------------------------------------------
# Every local authority at one period, with ours marked
# ---------------------------------------------------------------------------------------------


def distribution_chart(
    indicator: Indicator,
    dist: comparators.Distribution | None,
    area_name: str,
    england: float | None = None,
) -> alt.LayerChart | None:
    """Every authority's figure as a dot, in rank order; ours a large diamond with its 95%
    interval, and a shaded band over the ranks it could plausibly hold."""
    if dist is None:
        return None
    frame = (
        dist.frame.filter(pl.col("value").is_not_null())
        .sort("rank", "area")
        .with_row_index("position", offset=1)
        .with_columns(
            value_text=summaries.value_text_expr(indicator),
            rank_text=pl.col("rank").cast(pl.String),
        )
    )
    if frame.height == 0:
        return None
    when = periods.describe(dist.period, indicator.period_type)
    order = "highest" if dist.higher_first else "lowest"
    x_scale = alt.Scale(domain=[0, frame.height + 1], nice=False)
    x = alt.X(
        "position:Q",
        scale=x_scale,
        title=f"Local authorities in order, {order} first",
        axis=_axis(format="d", tickMinStep=1),
    )
    y = _y_value(indicator, "value")
    tooltip = [
        alt.Tooltip("area:N", title="Local authority"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("rank_text:N", title="Rank"),
    ]
    base = alt.Chart(frame)
    layers: list[alt.Chart] = []
    words = ["grey dots: each local authority"]
    home = frame.filter(pl.col("is_home"))
    if dist.best_rank is not None and dist.worst_rank is not None and home.height:
        band = pl.DataFrame(
            {
                "start": [dist.best_rank - 0.5],
                "end": [dist.worst_rank + 0.5],
                "label": [
                    f"Ranks {area_name} could plausibly hold: "
                    f"{comparators.ordinal(dist.best_rank)} to "
                    f"{comparators.ordinal(dist.worst_rank)}"
                ],
            }
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(color=SKY, opacity=0.3)
            .encode(x=alt.X("start:Q", scale=x_scale), x2="end:Q", tooltip=alt.Tooltip("label:N"))
            .properties(name="plausible_ranks")
        )
        words.append(f"shaded band: the ranks {area_name} could plausibly hold")
    layers.append(
        base.transform_filter("!datum.is_home")
        .mark_circle(size=36, color=GREY, opacity=0.8)
        .encode(x=x, y=y, tooltip=tooltip)
        .properties(name="authorities")
    )
    if england is not None:
        label = f"England {summaries.plain_number(indicator, round(england, 1))}"
        layers += _reference_rule(
            england, label, dash=[6, 3], colour=GREEN, name="england", right=True, y=y
        )
        words.append("green dashed line: England")
    if home.height:
        home_base = alt.Chart(home)
        near_end = home.get_column("position")[0] > 0.6 * frame.height
        if home.get_column("numerator").is_not_null().all() and dist.home is not None:
            lower, upper = dist.home.get("lower"), dist.home.get("upper")
            if lower is not None and upper is not None:
                bar = home.with_columns(lower=pl.lit(lower), upper=pl.lit(upper))
                layers.append(
                    alt.Chart(bar)
                    .mark_rule(color=BLUE, size=3)
                    .encode(x=x, y=_y_value(indicator, "lower"), y2="upper:Q")
                    .properties(name="home_interval")
                )
                words.append("blue vertical line: its 95% interval")
        layers += [
            home_base.mark_point(shape="diamond", filled=True, size=260, color=BLUE, opacity=1)
            .encode(x=x, y=y, tooltip=tooltip)
            .properties(name="home"),
            home_base.mark_text(
                # label on the side with room: a low rank sits at the right-hand edge
                align="right" if near_end else "left",
                dx=-12 if near_end else 12,
                fontSize=LABEL_FONT + 1,
                fontWeight="bold",
                color=BLACK,
            )
            .encode(
                x=x,
                y=y,
                text=alt.value(
                    f"{area_name}: {home.get_column('value_text')[0]}, "
                    f"{comparators.ordinal(int(home.get_column('rank')[0]))}"
                ),
            )
            .properties(name="home_label"),
        ]
        words.insert(1, f"blue diamond: {area_name}")
    description = (
        f"Dot plot of {summaries.lower_first(summaries.bare_title(indicator))} for "
        f"{frame.height} local authorities in {when}, {order} first. "
    )
    return alt.layer(*layers).properties(
        title=_title(
            f"{summaries.bare_title(indicator)}: every local authority, {when}",
            summaries.upper_first("; ".join(words)) + ".",
        ),
        description=description,
        height=HEIGHT,
    )


def distribution_table(indicator: Indicator, dist: comparators.Distribution) -> pl.DataFrame:
    """Every authority in rank order, ours marked, with its counts where published."""
    value = (
        pl.when(pl.col("value").is_null())
        .then(pl.concat_str(pl.lit("no figure ("), pl.col("symbol").fill_null("–"), pl.lit(")")))
        .otherwise(summaries.value_text_expr(indicator))
    )
    return dist.frame.sort("rank", "area", nulls_last=True).select(
        pl.col("rank").cast(pl.String).fill_null("–").alias("Rank"),
        pl.when(pl.col("is_home"))
        .then(pl.concat_str(pl.lit("▶ "), "area"))
        .otherwise(pl.col("area"))
        .alias("Local authority"),
        value.alias("Value"),
    )


# ---------------------------------------------------------------------------------------------
# Statistical process control (XmR) chart
# ---------------------------------------------------------------------------------------------

# point kind: colour and shape (the key also names it in words)
SPC_POINT_STYLES: dict[str, tuple[str, str]] = {
    spc.POINT_KINDS[0]: (GREY, "circle"),
    spc.POINT_KINDS[1]: (BLUE, "triangle-up"),
    spc.POINT_KINDS[2]: (VERMILLION, "cross"),
    spc.POINT_KINDS[3]: (REDDISH_PURPLE, "square"),
}


def spc_chart(indicator: Indicator, result: spc.SpcResult | None) -> alt.LayerChart | None:
    """Values against their mean and process limits; special-cause points by shape, colour
    and words; the target, and where the limits were worked out afresh."""
    if result is None or result.points.height == 0:
        return None
    sign = better_sign(indicator)
    frame = result.points.with_columns(
        kind=spc.point_kind_expr(sign),
        value_text=summaries.number_expr(pl.col("value")),
        # a count cannot fall below zero, so neither is its lower limit drawn there
        lcl_shown=pl.col("lcl").clip(lower_bound=0.0),
        limits_text=pl.concat_str(
            summaries.number_expr(pl.col("lcl").clip(lower_bound=0.0).round(1)),
            pl.lit(" to "),
            summaries.number_expr(pl.col("ucl").round(1)),
        ),
        mean_text=summaries.number_expr(pl.col("mean").round(1)),
        rules=pl.col("rules").fill_null(""),
    )
    kinds = [k for k in spc.POINT_KINDS if k in frame.get_column("kind").to_list()]
    x = _x_period(indicator)
    y = _y_value(indicator, "value")
    base = alt.Chart(frame)
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("kind:N", title="Variation"),
        alt.Tooltip("rules:N", title="Why"),
        alt.Tooltip("mean_text:N", title="Average"),
        alt.Tooltip("limits_text:N", title="Process limits"),
    ]
    legend = _legend(title="Variation")
    layers: list[alt.Chart] = [
        base.mark_line(color=GREY, strokeDash=[6, 3], strokeWidth=1.5)
        .encode(x=x, y=_y_value(indicator, "ucl"), detail="segment:N")
        .properties(name="upper_limit"),
        base.mark_line(color=GREY, strokeDash=[6, 3], strokeWidth=1.5)
        .encode(x=x, y=_y_value(indicator, "lcl_shown"), detail="segment:N")
        .properties(name="lower_limit"),
        base.mark_line(color=GREY, strokeWidth=1.5)
        .encode(x=x, y=_y_value(indicator, "mean"), detail="segment:N")
        .properties(name="mean"),
        base.mark_line(color=BLUE, strokeWidth=2).encode(x=x, y=y).properties(name="line"),
        base.mark_point(filled=True, size=80, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[SPC_POINT_STYLES[k][0] for k in kinds]),
                legend=legend,
            ),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[SPC_POINT_STYLES[k][1] for k in kinds]),
                legend=legend,
            ),
            tooltip=tooltip,
        )
        .properties(name="points"),
    ]
    words = [
        "points: each period, shaped by variation (see the key)",
        "solid grey line: the average",
        "dashed grey lines: the process limits",
    ]
    if result.target is not None:
        label = _target_label(indicator) or f"Target {result.target:g}"
        layers += _reference_rule(
            result.target, label, dash=TARGET_DASH, colour=BLACK, name="target", right=False, y=y
        )
        words.append("black dashed line: target")
    if result.recalculated_from is not None:
        marker = frame.filter(pl.col("segment") == frame.get_column("segment").max()).head(1)
        marker = marker.with_columns(label=pl.lit("Limits worked out afresh from here"))
        layers += [
            alt.Chart(marker)
            .mark_rule(color=BLACK, size=1.5, strokeDash=[2, 2])
            .encode(x=x, tooltip=alt.Tooltip("label:N"))
            .properties(name="recalculated"),
            alt.Chart(marker)
            .mark_text(
                align="left",
                baseline="bottom",
                dx=4,
                y=HEIGHT - 4,
                fontSize=LABEL_FONT,
                color=BLACK,
            )
            .encode(x=x, text="label:N")
            .properties(name="recalculated_label"),
        ]
        words.append("dotted vertical line: where the limits were worked out afresh")
    description = spc.sentence(indicator, result)
    if result.warning:
        description += f" {result.warning}"
    return alt.layer(*layers).properties(
        title=_title(
            f"{summaries.bare_title(indicator)}: real change or noise?",
            f"Statistical process control (XmR) chart. {summaries.upper_first('; '.join(words))}.",
        ),
        description=description,
        height=HEIGHT,
    )
