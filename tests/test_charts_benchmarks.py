"""The comparator lines on the trend, the every-authority chart and the SPC chart, read from
their Vega-Lite specs."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from test_charts import _font_sizes, data, layers, spec
from test_charts import frame as results_frame
from test_charts import row as result_row
from test_comparators import AREA, PLANS, borough, city, england, london
from test_comparators import frame as official_frame
from test_spc import SHIFTED, result_rows, visits

from metrics import charts, comparators, spc
from metrics.registry import Target

OFFICIAL = official_frame(
    england(period="2023", num=38471, den=76506, value=50.3),
    england(period="2024", num=39407, den=84866, value=46.4),
    england(period="2019", num=29895, den=49519, value=60.4),  # before our own figures start
    london(period="2024", num=8390, den=12544, value=66.9),
    city(period="2024", num=4, den=5),
    borough("A", period="2024", num=30, den=40),
    borough("B", period="2024", num=10, den=60),
)
SERIES = comparators.comparator_series(OFFICIAL, PLANS, AREA)
OURS = results_frame(
    result_row(PLANS, "2023", 100.0, numerator=5, denominator=5, lower=56.6, upper=100.0),
    result_row(PLANS, "2024", 80.0, numerator=4, denominator=5, lower=37.6, upper=96.4),
)


def test_the_trend_draws_england_the_region_and_the_group_in_our_periods() -> None:
    chart = spec(charts.trend_chart(PLANS, OURS, SERIES))
    named = layers(chart)

    drawn = data(chart, named["comparator_lines"])
    assert sorted((r["comparator"], r["period"]) for r in drawn) == [
        ("England", "2023"), ("England", "2024"), ("London", "2024"), ("Neighbours", "2024"),
    ]  # fmt: skip
    # 2019 is before our first figure; the members and our own published row are not lines
    # one key for the chart: our figure and its interval, then the comparators
    colour = named["comparator_points"]["encoding"]["color"]
    assert colour["scale"]["domain"] == [
        "Our figure", "95% interval", "England", "London", "Neighbours"
    ]  # fmt: skip
    dash = named["comparator_lines"]["encoding"]["strokeDash"]["scale"]["range"]
    assert len({str(d) for d in dash[2:]}) == 3  # told apart by dash as well as colour
    shapes = named["comparator_points"]["encoding"]["shape"]["scale"]["range"]
    assert shapes[2:] == ["square", "triangle-up", "triangle-down"]
    # our own line is drawn last, on top (the key's invisible points carry only the legend)
    assert list(named)[-3:] == ["line", "points", "key"]


def test_the_trend_names_its_comparators_in_its_key_and_description() -> None:
    chart = spec(charts.trend_chart(PLANS, OURS, SERIES))
    key = charts.trend_key(PLANS, OURS, SERIES)
    assert key is not None
    words = key.words()
    assert "green dashed line, squares: England" in words
    assert "purple dotted line, triangles: London" in words
    assert "grey dot and dash line, upside-down triangles: Neighbours" in words
    assert chart["description"].endswith(
        "Compared with, in 2024: England 46.4% (39,407 of 84,866); London 66.9% (8,390 of "
        "12,544); Neighbours 40.0% (40 of 100)."
    )


def test_a_trend_without_comparators_or_for_a_count_draws_none() -> None:
    plain = layers(spec(charts.trend_chart(PLANS, OURS)))
    assert "comparator_lines" not in plain
    count = PLANS.model_copy(update={"type": "count", "unit": "count"})
    counts = results_frame(result_row(count, "2024", 26.0))
    assert "comparator_lines" not in layers(spec(charts.trend_chart(count, counts, SERIES)))


def test_the_trend_table_has_a_column_per_comparator() -> None:
    table = charts.chart_table(PLANS, OURS, SERIES)
    assert table.columns[-3:] == ["England", "London", "Neighbours"]
    latest = table.filter(pl.col("Period") == "2024").row(0, named=True)
    assert latest["England"] == "46.4% (39,407 of 84,866)"
    assert latest["Neighbours"] == "40.0% (40 of 100)"
    earlier = table.filter(pl.col("Period") == "2023").row(0, named=True)
    assert earlier["London"] == ""  # no London figure for 2023 in this set


# --------------------------------------------------------------------------------------------
# Every authority
# --------------------------------------------------------------------------------------------

FIELD = official_frame(
    city(num=4, den=5),
    *(
        borough("A", value=v, code=f"E09000{500 + i}", old=f"{500 + i}")
        for i, v in enumerate([99, 90, 85, 80, 70, 50, 30, 10])
    ),
)
DIST = comparators.distribution(FIELD, PLANS, AREA)


def test_every_authority_is_a_dot_and_ours_a_diamond_with_its_interval() -> None:
    assert DIST is not None
    chart = spec(charts.distribution_chart(PLANS, DIST, "City of London", england=46.4))
    named = layers(chart)
    assert len(data(chart, named["authorities"])) == 9  # ours is drawn apart, on top
    home = data(chart, named["home"])
    # 4th, level with another authority at 80% and placed after it (alphabetical order)
    assert [(r["area"], r["position"], r["rank"]) for r in home] == [("City of London", 5, 4)]
    assert named["home"]["mark"]["shape"] == "diamond"
    # the interval of 4 of 5, 37.6% to 96.4%, as a vertical line
    (bar,) = data(chart, named["home_interval"])
    assert (round(bar["lower"], 1), round(bar["upper"], 1)) == (37.6, 96.4)
    # ranks 2 to 7 plausible: the band runs from 1.5 to 7.5 on the rank axis
    (band,) = data(chart, named["plausible_ranks"])
    assert (band["start"], band["end"]) == (1.5, 7.5)
    assert band["label"] == "Ranks City of London could plausibly hold: 2nd to 7th"
    assert "england" in named
    assert named["home_label"]["encoding"]["text"]["value"] == (
        "City of London: 80.0% (4 of 5), 4th"
    )


def test_without_our_figure_the_chart_still_shows_every_other_authority() -> None:
    rows = official_frame(city(num=0, den=0, symbol="x"), borough("A", value=50.0))
    dist = comparators.distribution(rows, PLANS, AREA)
    chart = spec(charts.distribution_chart(PLANS, dist, "City of London"))
    assert "home" not in layers(chart)
    assert charts.distribution_chart(PLANS, None, "City of London") is None


def test_the_every_authority_table_marks_ours_and_keeps_rank_order() -> None:
    assert DIST is not None
    table = charts.distribution_table(PLANS, DIST)
    assert table.get_column("Rank").to_list() == ["1", "2", "3", "4", "4", "6", "7", "8", "9"]
    assert "▶ City of London" in table.get_column("Local authority").to_list()


# --------------------------------------------------------------------------------------------
# SPC
# --------------------------------------------------------------------------------------------


VISITS = visits()


def spc_spec(**kw: Any) -> dict[str, Any]:
    ind = visits(target=kw.pop("target", None))
    found = spc.analyse(ind, result_rows(ind, SHIFTED), **kw)
    return spec(charts.spc_chart(ind, found))


def test_the_spc_chart_draws_limits_mean_values_and_special_cause_points() -> None:
    chart = spc_spec()
    named = layers(chart)
    assert {"upper_limit", "lower_limit", "mean", "line", "points"} <= set(named)
    colour = named["points"]["encoding"]["color"]["scale"]
    # SHIFTED: the first six months are ordinary, the last eight a shift upwards (better)
    assert colour["domain"] == ["Common cause", "Special cause: improvement"]
    shapes = named["points"]["encoding"]["shape"]["scale"]["range"]
    assert shapes == ["circle", "triangle-up"]
    kinds = [r["kind"] for r in data(chart, named["points"])]
    assert kinds == ["Common cause"] * 6 + ["Special cause: improvement"] * 8
    assert chart["description"].startswith("February 2025: 20. Special cause: improvement")


def test_the_spc_chart_draws_the_target_and_where_the_limits_start_afresh() -> None:
    chart = spc_spec(target=Target(value=30), recalculate_from="2024-07")
    named = layers(chart)
    assert "target" in named
    (marker,) = data(chart, named["recalculated"])
    assert marker["period"] == "2024-07"
    assert "dotted vertical line: where the limits were worked out afresh" in " ".join(
        chart["title"]["subtitle"]
    )
    # the warning about a short series is part of the text alternative
    assert "Only 8 months since July 2024" in chart["description"]


@pytest.mark.parametrize("which", ["trend", "distribution", "spc"])
def test_each_new_chart_has_a_title_a_description_and_text_of_at_least_12px(which: str) -> None:
    built = {
        "trend": lambda: charts.trend_chart(PLANS, OURS, SERIES),
        "distribution": lambda: charts.distribution_chart(PLANS, DIST, "City of London", 46.4),
        "spc": lambda: charts.spc_chart(VISITS, spc.analyse(VISITS, result_rows(VISITS, SHIFTED))),
    }[which]()
    chart = spec(built)
    assert chart["title"]["text"]
    assert chart["title"]["fontSize"] >= 14
    assert len(chart["description"]) > 20
    assert min(_font_sizes(chart)) >= 12
