"""Chart builders: what each chart draws, read from its Vega-Lite spec (`chart.to_dict()`).

Every layer is named, so a test can ask "is there a target line?" and read the line's own
data. The charts are accessible by construction: a title and a description on every chart,
text of at least 12px, and groups told apart by dash and shape as well as colour.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

import altair as alt
import polars as pl
import pytest
from conftest import ROOT

from metrics import charts, periods, results
from metrics.registry import Band, Baseline, Condition, Indicator, Source, Target, TrajectoryPoint
from metrics.status import STYLES, Status

UNITS = {"rate": "percent", "survey": "percent", "milestone": "status"}
DAYS = ("request_received_date", "plan_issued_date")


def indicator(ind_id: str, title: str, ind_type: str, **fields: Any) -> Indicator:
    """A registry entry with plain defaults; only what a test is about is spelled out."""
    defaults: dict[str, Any] = {
        "id": ind_id,
        "priority": "1",
        "measure": "a measure of success",
        "title": title,
        "description": "What it is, in plain English.",
        "type": ind_type,
        "unit": UNITS.get(ind_type, "count"),
        "polarity": "higher_is_better",
        "period_type": "calendar_year",
        "update_frequency": "annually",
        "methodology": "How it is counted.",
        "source": Source(dataset="indicator_values"),
    }
    return Indicator(**(defaults | fields))


def days(**limits: int) -> Condition:
    return Condition(days_from=DAYS[0], days_to=DAYS[1], **limits)


PLANS_20WK = indicator(
    "plans_20wk",
    "EHC plans issued within 20 weeks",
    "rate",
    target=Target(value=100),
    baseline=Baseline(value=100, period="2023"),
    source=Source(
        dataset="ehc_requests",
        date_column="plan_issued_date",
        numerator=(days(at_most=140),),
        breakdowns=("global_majority", "sex"),
        bands=(
            Band(label="Within 20 weeks", where=(days(at_most=140),)),
            Band(label="20 to 52 weeks", where=(days(more_than=140, at_most=364),)),
            Band(label="Over 52 weeks", where=(days(more_than=364),)),
        ),
    ),
)
DECISIONS = indicator("decisions", "Decisions made within 6 weeks", "rate")
DECISIONS_PLANNED = DECISIONS.model_copy(
    update={
        "target": Target(value=90, date=dt.date(2026, 12, 31)),
        "trajectory": (
            TrajectoryPoint(period="2025", value=80),
            TrajectoryPoint(period="2026", value=90),
        ),
    }
)
ACTIVE_PLANS = indicator(
    "active_plans",
    "Children and young people with an EHC plan",
    "count",
    priority="context",
    polarity="none",
    period_type="month",
)
AUTISM = indicator(
    "autism",
    "Children and young people with an EHC plan whose main need is autism",
    "rate",
    priority="context",
    polarity="none",
    period_type="month",
)
VISITS = indicator(
    "visits",
    "Visits to the Local Offer website",
    "series",
    period_type="month",
    source=Source(dataset="indicator_values", event_milestone="review", window_months=3),
)


def row(ind: Indicator, period: str, value: float | None, **more: Any) -> dict[str, Any]:
    """A result row, dated from its period label (a headline row unless a breakdown is given)."""
    start, end = periods.parse(period, ind.period_type)
    return {
        "indicator_id": ind.id,
        "period": period,
        "period_start": start,
        "period_end": end,
        "breakdown": None,
        "breakdown_group": None,
        "value": value,
        **more,
    }


def group(ind: Indicator, period: str, breakdown: str, name: str, **more: Any) -> dict[str, Any]:
    return row(
        ind, period, more.pop("value", None), breakdown=breakdown, breakdown_group=name, **more
    )


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return results.conform(pl.DataFrame(list(rows), infer_schema_length=None)).collect()


def spec(chart: alt.TopLevelMixin | None) -> dict[str, Any]:
    assert chart is not None
    return chart.to_dict()


def layers(chart_spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The chart's layers by name."""
    return {layer["name"]: layer for layer in chart_spec["layer"]}


def data(chart_spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a layer draws from (before its own filters)."""
    source = layer.get("data", chart_spec.get("data"))
    return chart_spec["datasets"][source["name"]]


# 4 of 5 plans in 2025, none counted in 2024 (every plan had an exception), 5 of 5 in 2023.
# Wilson intervals: 5/5 -> 56.6% to 100%; 4/5 -> 37.6% to 96.4%.
PLANS = frame(
    row(PLANS_20WK, "2025", 80.0, numerator=4, denominator=5, lower=37.6, upper=96.4,
        status="at_risk"),
    row(PLANS_20WK, "2023", 100.0, numerator=5, denominator=5, lower=56.6, upper=100.0,
        status="on_track"),
    row(PLANS_20WK, "2024", None, numerator=0, denominator=0, note="Every plan had an exception."),
    group(PLANS_20WK, "2025", "Global majority and White", "Global majority", value=200 / 3,
          numerator=2, denominator=3, lower=20.8, upper=93.9),
    group(PLANS_20WK, "2025", "Global majority and White", "White", value=100.0,
          numerator=2, denominator=2, lower=34.2, upper=100.0),
    group(PLANS_20WK, "2025", "Global majority and White", "Not known", value=None,
          numerator=0, denominator=0),
    group(PLANS_20WK, "2023", "Global majority and White", "Global majority", value=100.0,
          numerator=3, denominator=3, lower=43.9, upper=100.0),
    group(PLANS_20WK, "2023", "Global majority and White", "White", value=100.0,
          numerator=2, denominator=2, lower=34.2, upper=100.0),
    group(PLANS_20WK, "2025", "Sex", "Female", value=75.0, numerator=3, denominator=4,
          lower=30.1, upper=95.4),
    group(PLANS_20WK, "2025", "Sex", "Male", value=100.0, numerator=1, denominator=1,
          lower=20.7, upper=100.0),
    group(PLANS_20WK, "2025", "Band", "Within 20 weeks", value=80.0, numerator=4, denominator=5),
    group(PLANS_20WK, "2025", "Band", "20 to 52 weeks", value=20.0, numerator=1, denominator=5),
    group(PLANS_20WK, "2025", "Band", "Over 52 weeks", value=0.0, numerator=0, denominator=5),
    group(PLANS_20WK, "2023", "Band", "Within 20 weeks", value=100.0, numerator=5, denominator=5),
    group(PLANS_20WK, "2023", "Band", "20 to 52 weeks", value=0.0, numerator=0, denominator=5),
    group(PLANS_20WK, "2023", "Band", "Over 52 weeks", value=0.0, numerator=0, denominator=5),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Trend
# --------------------------------------------------------------------------------------------


def test_a_trend_has_a_title_and_a_description_for_screen_readers() -> None:
    chart = spec(charts.trend_chart(PLANS_20WK, PLANS))
    assert chart["title"]["text"] == "EHC plans issued within 20 weeks"
    assert chart["description"] == (
        "Line chart of EHC plans issued within 20 weeks by calendar year, from 2023 to 2025. "
        "It was 100.0% (5 of 5) in 2023 and 80.0% (4 of 5) in 2025: down 20.0 points overall "
        "(worse). There is no figure for 2024. The shaded band is the 95% interval. "
        "The dashed line is the target of 100%. The dotted line is the baseline of 100% in 2023."
    )


def test_a_trend_puts_periods_in_time_order_and_values_on_a_percent_scale() -> None:
    points = layers(spec(charts.trend_chart(PLANS_20WK, PLANS)))["points"]
    x, y = points["encoding"]["x"], points["encoding"]["y"]
    assert (x["field"], x["type"]) == ("period", "ordinal")
    assert x["sort"] == {"field": "period_start", "op": "min"}
    assert (y["field"], y["scale"]["domain"]) == ("value", [0, 100])
    assert [t["field"] for t in points["encoding"]["tooltip"]] == [
        "period", "value_text", "interval_text", "status_text", "note"
    ]  # fmt: skip


def test_a_trend_point_shows_the_formatted_value_with_its_count() -> None:
    chart = spec(charts.trend_chart(PLANS_20WK, PLANS))
    rows = {r["period"]: r for r in data(chart, layers(chart)["points"])}
    assert rows["2025"]["value_text"] == "80.0% (4 of 5)"
    assert rows["2025"]["interval_text"] == "37.6% to 96.4%"
    assert rows["2025"]["status_text"] == "▲ At risk"
    assert rows["2024"]["value_text"] == "no value"
    assert rows["2024"]["note"] == "Every plan had an exception."


def test_a_trend_draws_the_interval_target_and_baseline_the_registry_gives() -> None:
    chart = spec(charts.trend_chart(PLANS_20WK, PLANS))
    drawn = layers(chart)
    assert drawn["interval"]["mark"]["type"] == "area"
    assert drawn["interval"]["encoding"]["y"]["field"] == "lower"
    assert drawn["interval"]["encoding"]["y2"]["field"] == "upper"
    assert drawn["target"]["mark"]["type"] == "rule"
    assert drawn["target"]["mark"]["strokeDash"] == charts.TARGET_DASH
    assert data(chart, drawn["target_label"]) == [{"value": 100.0, "label": "Target 100%"}]
    assert drawn["baseline"]["mark"]["strokeDash"] == charts.BASELINE_DASH
    assert data(chart, drawn["baseline_label"]) == [
        {"value": 100.0, "label": "Baseline 100% (2023)"}
    ]
    # a real legend names each line, and the page's key says the same in words
    legend = drawn["key"]["encoding"]["color"]
    assert legend["legend"]["title"] == "Key"
    assert legend["scale"]["domain"] == [
        "Our figure", "95% interval", "Target 100%", "Baseline 100% (2023)"
    ]  # fmt: skip
    dashes = drawn["key"]["encoding"]["strokeDash"]["scale"]["range"]
    assert dashes[2:] == [charts.TARGET_DASH, charts.BASELINE_DASH]
    key = charts.trend_key(PLANS_20WK, PLANS)
    assert key is not None
    assert "black dashed line: Target 100%" in key.words()
    assert "grey dotted line: Baseline 100% (2023)" in key.words()
    # the key is no longer a paragraph in the subtitle: that holds only what a gap means
    assert chart["title"]["subtitle"] == ["'no figure': no value for that period (see its note)"]


def test_a_period_without_a_value_is_marked_no_figure() -> None:
    drawn = layers(spec(charts.trend_chart(PLANS_20WK, PLANS)))
    assert drawn["no_value"]["mark"]["text"] == "no figure"


def test_a_trend_without_target_or_baseline_draws_neither() -> None:
    found = frame(
        row(DECISIONS, "2024", 90.0, numerator=9, denominator=10, lower=59.6, upper=98.2),
        row(DECISIONS, "2025", 80.0, numerator=8, denominator=10, lower=49.0, upper=94.3),
    )
    drawn = layers(spec(charts.trend_chart(DECISIONS, found)))
    assert {"interval", "line", "points"} <= drawn.keys()
    assert not {"target", "target_label", "baseline", "baseline_label"} & drawn.keys()
    assert not {"trajectory", "trajectory_line", "no_value"} & drawn.keys()


def test_a_count_has_no_interval_band_and_a_whole_number_axis() -> None:
    found = frame(row(ACTIVE_PLANS, "2025-01", 26.0), row(ACTIVE_PLANS, "2025-02", 27.0))
    drawn = layers(spec(charts.trend_chart(ACTIVE_PLANS, found)))
    assert "interval" not in drawn
    y = drawn["points"]["encoding"]["y"]
    assert (y["title"], y["axis"]["format"], y["axis"]["tickMinStep"]) == ("Number", ",d", 1)


def test_a_trend_draws_the_trajectory_when_the_registry_has_one() -> None:
    found = frame(row(DECISIONS_PLANNED, "2025", 75.0, numerator=15, denominator=20))
    chart = spec(charts.trend_chart(DECISIONS_PLANNED, found))
    drawn = layers(chart)
    assert drawn["trajectory"]["mark"]["shape"] == "diamond"
    assert drawn["trajectory_line"]["mark"]["strokeDash"] == charts.TRAJECTORY_DASH
    # the planned 2026 point shows on the axis before its result arrives
    planned = {r["period"]: r["trajectory"] for r in data(chart, drawn["trajectory"])}
    assert planned == {"2025": 80.0, "2026": 90.0}
    assert data(chart, drawn["target_label"])[0]["label"] == "Target 90% by 31 December 2026"


def test_one_period_is_still_a_chart_with_one_point() -> None:
    found = frame(row(DECISIONS, "2025", 80.0, numerator=8, denominator=10))
    chart = spec(charts.trend_chart(DECISIONS, found))
    points = layers(chart)["points"]
    assert points["mark"]["type"] == "point"
    assert [r["period"] for r in data(chart, points)] == ["2025"]
    assert "line" not in layers(chart)  # a point, not a line to nowhere
    two = frame(
        row(DECISIONS, "2024", 70.0, numerator=7, denominator=10),
        row(DECISIONS, "2025", 80.0, numerator=8, denominator=10),
    )
    assert "line" in layers(spec(charts.trend_chart(DECISIONS, two)))


def test_the_value_axis_starts_at_zero_unless_fitted_to_the_data() -> None:
    found = frame(row(DECISIONS, "2024", 70.0), row(DECISIONS, "2025", 80.0))
    zero = layers(spec(charts.trend_chart(DECISIONS, found)))["points"]["encoding"]["y"]
    assert zero["scale"] == {"domain": [0, 100]}  # a percentage: 0 to 100% by default
    fitted = spec(charts.trend_chart(DECISIONS, found, None, "fitted"))
    y = layers(fitted)["points"]["encoding"]["y"]
    assert y["scale"]["zero"] is False and y["scale"]["domainMax"] == 100
    count = frame(row(ACTIVE_PLANS, "2025-01", 26.0), row(ACTIVE_PLANS, "2025-02", 27.0))
    counted = layers(spec(charts.trend_chart(ACTIVE_PLANS, count, None, "fitted")))
    assert counted["points"]["encoding"]["y"]["scale"]["zero"] is False
    counted = layers(spec(charts.trend_chart(ACTIVE_PLANS, count)))
    assert counted["points"]["encoding"]["y"]["scale"]["zero"] is True


def test_the_trend_is_tall_enough_and_meeting_mode_larger_with_text_of_16px() -> None:
    found = frame(row(DECISIONS, "2024", 70.0), row(DECISIONS, "2025", 80.0))
    normal = spec(charts.trend_chart(DECISIONS, found))
    large = spec(charts.trend_chart(DECISIONS, found, None, "zero", True))
    assert normal["height"] == charts.TREND_HEIGHT >= 360
    assert large["height"] == charts.LARGE_HEIGHT > charts.TREND_HEIGHT
    assert min(_font_sizes(large)) >= 16
    count = frame(row(ACTIVE_PLANS, "2025-01", 26.0), row(ACTIVE_PLANS, "2025-02", 27.0))
    assert min(_font_sizes(spec(charts.trend_chart(ACTIVE_PLANS, count, None, "zero", True)))) >= 16


def test_nothing_to_draw_gives_none() -> None:
    assert charts.trend_chart(PLANS_20WK, results.empty()) is None
    only_gaps = frame(row(PLANS_20WK, "2024", None, numerator=0, denominator=0))
    assert charts.trend_chart(PLANS_20WK, only_gaps) is None
    other_indicator = frame(row(DECISIONS, "2025", 80.0))
    assert charts.trend_chart(PLANS_20WK, other_indicator) is None


# --------------------------------------------------------------------------------------------
# Breakdowns and equity
# --------------------------------------------------------------------------------------------


def test_a_breakdown_draws_every_group_with_its_interval_and_label() -> None:
    chart = spec(charts.breakdown_chart(PLANS_20WK, PLANS, "Sex", "2025"))
    drawn = layers(chart)
    assert drawn["bars"]["encoding"]["y"]["field"] == "breakdown_group"
    assert drawn["bars"]["encoding"]["x"]["field"] == "value"
    assert drawn["interval"]["mark"]["type"] == "errorbar"
    labels = {r["breakdown_group"]: r["label"] for r in data(chart, drawn["labels"])}
    # both groups are below the minimum of 5, so both say so, and both are drawn
    assert labels == {
        "Female": "75.0% (3 of 4) — too few to judge",
        "Male": "100.0% (1 of 1) — too few to judge",
    }
    assert " ".join(chart["title"]["subtitle"]) == (
        "By sex, 2025. Bars: the value; black lines: 95% interval; dashed line: target; "
        "paler bars: too few to judge."
    )
    # the labels stand in a column right of the 100% mark, clear of bars, lines and target
    assert {r["label_x"] for r in data(chart, drawn["labels"])} == {100.0}
    assert chart["description"] == (
        "Bar chart of EHC plans issued within 20 weeks by sex in 2025. "
        "Female: 75.0% (3 of 4) — too few to judge; Male: 100.0% (1 of 1) — too few to judge."
    )


def test_a_breakdown_with_no_rows_for_that_period_gives_none() -> None:
    assert charts.breakdown_chart(PLANS_20WK, PLANS, "Sex", "2023") is None
    assert charts.breakdown_chart(PLANS_20WK, PLANS, "Age", "2025") is None


def test_the_equity_chart_tells_its_two_groups_apart_by_colour_dash_and_shape() -> None:
    chart = spec(charts.equity_chart(PLANS_20WK, PLANS))
    drawn = layers(chart)
    lines, points = drawn["lines"]["encoding"], drawn["points"]["encoding"]
    for channel in (lines["color"], lines["strokeDash"], points["shape"]):
        assert channel["field"] == "breakdown_group"
        assert channel["scale"]["domain"] == ["Global majority", "White"]
        first, second = channel["scale"]["range"]
        assert first != second
    assert lines["strokeDash"]["scale"]["range"] == [[1, 0], [6, 4]]
    assert points["shape"]["scale"]["range"] == ["circle", "square"]
    assert drawn["interval"]["mark"]["type"] == "area"
    # "Not known" is not part of the comparison
    groups = {r["breakdown_group"] for r in data(chart, drawn["lines"])}
    assert groups == {"Global majority", "White"}
    assert chart["description"].endswith(
        "Latest: Global majority: 66.7% (2 of 3); White: 100.0% (2 of 2)."
    )


def test_the_equity_chart_without_equity_rows_gives_none() -> None:
    assert charts.equity_chart(DECISIONS, frame(row(DECISIONS, "2025", 80.0))) is None


def test_the_population_chart_shows_each_groups_share_with_its_count() -> None:
    need = "Primary need"
    found = frame(
        group(AUTISM, "2024-12", need, "Autism", value=100.0, numerator=10, denominator=10),
        group(AUTISM, "2025-01", need, "Autism", value=100.0, numerator=18, denominator=18),
        group(AUTISM, "2025-01", need, "Social, emotional and mental health",
              value=0.0, numerator=0, denominator=5),
        group(AUTISM, "2025-01", need, "Speech, language and communication",
              value=0.0, numerator=0, denominator=2),
    )  # fmt: skip
    chart = spec(charts.population_chart(AUTISM, found, "Primary need"))
    labels = {r["breakdown_group"]: r["label"] for r in data(chart, layers(chart)["labels"])}
    # the latest month only: 18 + 5 + 2 = 25 children; 18/25 = 72.0%, 5/25 = 20.0%, 2/25 = 8.0%
    assert labels == {
        "Autism": "72.0% (18 of 25)",
        "Social, emotional and mental health": "20.0% (5 of 25)",
        "Speech, language and communication": "8.0% (2 of 25)",
    }
    assert chart["title"]["text"] == "Children and young people with an EHC plan by primary need"
    assert charts.population_chart(AUTISM, found, "Sex") is None


# --------------------------------------------------------------------------------------------
# Timeliness bands
# --------------------------------------------------------------------------------------------


def test_the_bands_chart_stacks_the_latest_year_in_band_order_with_counts() -> None:
    chart = spec(charts.bands_chart(PLANS_20WK, PLANS))
    drawn = layers(chart)
    bars = data(chart, drawn["bars"])
    # 4 within 20 weeks, then 1 from 20 to 52 weeks, then none over 52 weeks: 5 plans in 2025
    assert [(r["breakdown_group"], r["start"], r["end"]) for r in bars] == [
        ("Within 20 weeks", 0, 4),
        ("20 to 52 weeks", 4, 5),
        ("Over 52 weeks", 5, 5),
    ]
    assert {r["period"] for r in bars} == {"2025"}
    assert drawn["bars"]["encoding"]["color"]["scale"]["domain"] == [
        "Within 20 weeks", "20 to 52 weeks", "Over 52 weeks"
    ]  # fmt: skip
    assert drawn["labels"]["encoding"]["text"]["field"] == "count_text"
    assert drawn["labels"]["transform"] == [{"filter": "datum.count > 0"}]
    assert chart["description"] == (
        "Stacked bar of EHC plans issued within 20 weeks by time taken in 2025, out of 5. "
        "Within 20 weeks: 4; 20 to 52 weeks: 1; Over 52 weeks: 0."
    )


def test_the_bands_chart_can_show_an_earlier_year_and_none_when_there_is_nothing() -> None:
    chart = spec(charts.bands_chart(PLANS_20WK, PLANS, period="2023"))
    assert {r["period"] for r in data(chart, layers(chart)["bars"])} == {"2023"}
    assert charts.bands_chart(PLANS_20WK, PLANS, period="2024") is None
    assert charts.bands_chart(DECISIONS, PLANS) is None


# --------------------------------------------------------------------------------------------
# A series around an event
# --------------------------------------------------------------------------------------------

# Monthly visits in 2025: 100 in January, rising by 10 a month to 210 in December.
MONTHLY = [row(VISITS, f"2025-{m:02d}", 100.0 + 10 * (m - 1)) for m in range(1, 13)]


def test_the_series_marks_the_event_and_the_averages_before_and_after() -> None:
    chart = spec(charts.series_chart(VISITS, frame(*MONTHLY), event_date=dt.date(2025, 6, 10)))
    drawn = layers(chart)
    rows = data(chart, drawn["line"])
    event = [r["period"] for r in rows if r["is_event"]]
    before = [r["period"] for r in rows if r["in_before"]]
    after = [r["period"] for r in rows if r["in_after"]]
    # the review was in June; the 3-month windows leave June itself out
    assert event == ["2025-06"]
    assert before == ["2025-03", "2025-04", "2025-05"]
    assert after == ["2025-07", "2025-08", "2025-09"]
    # before: (120 + 130 + 140) / 3 = 130; after: (160 + 170 + 180) / 3 = 170
    assert rows[0]["before_label"] == "Average before: 130 a month"
    assert rows[0]["after_label"] == "Average after: 170 a month"
    assert drawn["event"]["mark"]["type"] == "rule"
    assert drawn["event"]["transform"] == [{"filter": "datum.is_event"}]
    assert rows[0]["event_label"] == "The review (June 2025)"
    assert drawn["before_mean"]["mark"]["strokeDash"] != drawn["after_mean"]["mark"]["strokeDash"]
    assert chart["description"].endswith(
        "A vertical line marks the review (June 2025). Average before: 130 a month (dashed "
        "line). Average after: 170 a month (dotted line)."
    )


def test_the_series_finds_the_event_from_the_before_window_when_not_told() -> None:
    before_window = row(
        VISITS, "2025-05", 390.0, numerator=390.0, denominator=3.0,
        breakdown="Before and after", breakdown_group="3 months before the review",
    )  # fmt: skip
    chart = spec(charts.series_chart(VISITS, frame(*MONTHLY, before_window)))
    rows = data(chart, layers(chart)["event"])
    assert [r["period"] for r in rows if r["is_event"]] == ["2025-06"]
    # the legend names the event line beside our figure
    legend = layers(chart)["key"]["encoding"]["color"]["scale"]["domain"]
    assert legend[:2] == ["Our figure", "The review (June 2025)"]


def test_the_series_without_an_event_draws_only_the_values() -> None:
    chart = spec(charts.series_chart(VISITS, frame(*MONTHLY)))
    drawn = layers(chart)
    assert set(drawn) == {"line", "points", "key"}  # the key's invisible points: the legend
    assert drawn["key"]["encoding"]["color"]["scale"]["domain"] == ["Our figure"]
    assert chart["title"]["subtitle"] == ["Number by month."]  # no key in words up there
    assert charts.series_chart(VISITS, results.empty()) is None


# --------------------------------------------------------------------------------------------
# Action Plan timeline
# --------------------------------------------------------------------------------------------

MILESTONES = pl.DataFrame(
    {
        "milestone_id": ["p1_local_offer_review", "p3_awareness_plan", "p5_ap_qa_framework"],
        "priority": ["1", "3", "5"],
        "action": [
            "Review the Local Offer with the City Parent Carer Forum and publish the new pages",
            "Develop a plan to raise awareness of SEND",
            "Embed the quality assurance framework for alternative provision",
        ],
        "lead": ["Head of SEND", "Workforce lead", None],
        "due_date": [dt.date(2026, 3, 31), dt.date(2025, 12, 31), dt.date(2025, 9, 30)],
        "status": ["on_track", "complete", "off_track"],
        "status_date": [dt.date(2025, 10, 1)] * 3,
        "completed_date": [None, dt.date(2025, 11, 20), None],
    },
    schema_overrides={"completed_date": pl.Date},
)


def test_the_timeline_has_a_row_per_milestone_with_status_as_shape_colour_and_words() -> None:
    chart = spec(charts.milestone_timeline(MILESTONES, today=dt.date(2025, 10, 15)))
    drawn = layers(chart)
    due = drawn["due"]["encoding"]
    assert (due["x"]["field"], due["x"]["type"]) == ("due_date", "temporal")
    assert due["y"]["sort"] == {"field": "due_date", "op": "min"}
    words = [f"{STYLES[s].icon} {STYLES[s].words}" for s in Status]
    assert due["shape"]["scale"]["domain"] == words
    assert len(set(due["shape"]["scale"]["range"])) == len(Status)
    assert due["color"]["scale"]["range"] == [STYLES[s].colour for s in Status]
    rows = {r["milestone_id"]: r for r in data(chart, drawn["due"])}
    assert rows["p1_local_offer_review"]["status_label"] == "✔ On track"
    assert rows["p1_local_offer_review"]["due_text"] == "31 March 2026"
    # long actions are shortened to 60 characters for the row label (the tooltip has it all)
    assert rows["p1_local_offer_review"]["label"] == (
        "P1: Review the Local Offer with the City Parent Carer Forum and…"
    )
    assert rows["p3_awareness_plan"]["completed_text"] == "20 November 2025"
    assert rows["p5_ap_qa_framework"]["lead"] == ""
    # the line from today to the due date is for milestones not yet complete
    assert drawn["to_due"]["transform"] == [{"filter": "datum.open && isValid(datum.due_date)"}]
    assert [r["open"] for r in data(chart, drawn["to_due"])] == [True, False, True]
    assert data(chart, drawn["today"])[0]["label"] == "Today, 15 October 2025"
    assert chart["description"] == (
        "Timeline of 3 Action Plan milestones by due date, as at 15 October 2025: "
        "1 ★ Complete, 1 ✔ On track, 1 ✖ Off track."
    )


def test_an_empty_action_plan_gives_none() -> None:
    assert charts.milestone_timeline(MILESTONES.head(0)) is None


# --------------------------------------------------------------------------------------------
# The table view
# --------------------------------------------------------------------------------------------


def test_the_table_view_of_a_rate_has_readable_columns_in_period_order() -> None:
    table = charts.chart_table(PLANS_20WK, PLANS)
    assert table.to_dicts() == [
        {"Period": "2023", "Value": "100.0%", "Number": "5", "Out of": "5",
         "95% interval": "56.6% to 100.0%", "Target": "100%", "Status": "✔ On track", "Note": ""},
        {"Period": "2024", "Value": "no value", "Number": "0", "Out of": "0",
         "95% interval": "", "Target": "100%", "Status": "Not judged",
         "Note": "Every plan had an exception."},
        {"Period": "2025", "Value": "80.0%", "Number": "4", "Out of": "5",
         "95% interval": "37.6% to 96.4%", "Target": "100%", "Status": "▲ At risk", "Note": ""},
    ]  # fmt: skip


def test_the_table_view_of_a_count_has_no_rate_columns() -> None:
    table = charts.chart_table(ACTIVE_PLANS, frame(row(ACTIVE_PLANS, "2025-01", 1520.0)))
    assert table.to_dicts() == [
        {"Period": "2025-01", "Value": "1,520", "Status": "No target (context measure)",
         "Note": ""},
    ]  # fmt: skip


def test_the_table_view_shows_the_trajectory_as_the_target_for_its_period() -> None:
    found = frame(row(DECISIONS_PLANNED, "2025", 75.0, numerator=15, denominator=20))
    assert charts.chart_table(DECISIONS_PLANNED, found)["Target"].to_list() == ["80%"]


# --------------------------------------------------------------------------------------------
# Accessible by construction
# --------------------------------------------------------------------------------------------


@cache
def _every_chart() -> list[dict[str, Any]]:
    built = [
        charts.trend_chart(PLANS_20WK, PLANS),
        charts.trend_chart(DECISIONS_PLANNED, frame(row(DECISIONS_PLANNED, "2025", 75.0))),
        charts.breakdown_chart(PLANS_20WK, PLANS, "Sex", "2025"),
        charts.equity_chart(PLANS_20WK, PLANS),
        charts.bands_chart(PLANS_20WK, PLANS),
        charts.series_chart(VISITS, frame(*MONTHLY), event_date=dt.date(2025, 6, 10)),
        charts.milestone_timeline(MILESTONES, today=dt.date(2025, 10, 15)),
        charts.population_chart(
            AUTISM,
            frame(
                group(AUTISM, "2025-01", "Sex", "Male", value=72.0, numerator=18, denominator=25)
            ),
            "Sex",
        ),
    ]
    return [spec(chart) for chart in built]


def _font_sizes(node: Any) -> Iterator[float]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("ontSize") and isinstance(value, int | float):
                yield value
            yield from _font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _font_sizes(item)


@pytest.mark.parametrize("index", range(8))
def test_every_chart_has_a_title_a_description_and_text_of_at_least_12px(index: int) -> None:
    chart = _every_chart()[index]
    assert chart["title"]["text"]
    assert chart["title"]["fontSize"] >= 14
    assert len(chart["description"]) > 20
    assert min(_font_sizes(chart)) >= 12


def test_the_summaries_need_no_altair_and_the_charts_no_streamlit() -> None:
    code = (
        "import sys\n"
        "import metrics.summaries\n"
        "assert 'altair' not in sys.modules, 'metrics.summaries imported altair'\n"
        "import metrics.charts\n"
        "assert 'streamlit' not in sys.modules, 'metrics.charts imported streamlit'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
