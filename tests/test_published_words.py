"""A suppressed figure is shown as published everywhere the dashboard writes a number: `c`
and its footnote on tiles and in the tables under charts, never "no value" or a blank, and no
change or chart description that states or gives away the number.

Worked example (DfE's City of London figure, reference-data): in 2024, 4 of 5 EHC plans were
issued within 20 weeks including exceptions; in 2023, 5 of 5. 4 is below the threshold of 5:
it is `c`, and 80% is withheld (80% of 5 gives the 4 back).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from metrics import api, charts, disclosure, periods, summaries
from metrics.results import RESULT_SCHEMA

REG = api.registry()
PLANS = REG.indicator("ehc_20wk_incl_exceptions")
AP = REG.indicator("ap_children")  # a count of children in alternative provision
C_NOTE = "c: fewer than 5 children; suppressed to protect privacy"
WITHHELD_NOTE = "withheld: a percentage is not shown when a number it rests on is suppressed"


def rows(indicator_id: str, *figures: tuple[str, float, float | None]) -> pl.DataFrame:
    """Headline rows (period, numerator or count, denominator) as the calculators give them."""
    ind = REG.indicator(indicator_id)
    out: list[dict[str, Any]] = []
    for period, num, den in figures:
        start, end = periods.parse(period, ind.period_type)
        is_rate = den is not None
        out.append({
            "indicator_id": indicator_id, "period": period, "period_start": start,
            "period_end": end, "breakdown": None, "breakdown_group": None,
            "numerator": num if is_rate else None, "denominator": den,
            "value": 100 * num / den if is_rate and den else num,
            "lower": None, "upper": None, "status": None, "note": None,
        })  # fmt: skip
    return pl.DataFrame(out, schema=RESULT_SCHEMA)


def published(frame: pl.DataFrame) -> pl.DataFrame:
    return disclosure.suppress_results(frame, 5, registry=REG)


TIMELINESS = published(rows(PLANS.id, ("2023", 5, 5), ("2024", 4, 5)))
IN_AP = published(rows(AP.id, ("2024/25", 1, None), ("2025/26", 2, None), ("2026/27", 6, None)))


def test_a_tile_shows_c_for_a_suppressed_figure_not_no_value() -> None:
    latest = summaries.latest(TIMELINESS, PLANS.id)
    assert latest is not None
    assert summaries.value_words(PLANS, latest) == "c (c of 5)"
    earlier = summaries.latest(IN_AP.filter(pl.col("period") != "2026/27"), AP.id)
    assert earlier is not None
    assert summaries.value_words(AP, earlier) == "c"
    # an unsuppressed figure reads as before
    assert summaries.value_words(
        PLANS, summaries.headline_rows(TIMELINESS, PLANS.id).row(0, named=True)
    ) == ("100.0% (5 of 5)")


def test_the_table_under_a_trend_chart_shows_c_and_the_footnote() -> None:
    table = charts.chart_table(PLANS, TIMELINESS)

    assert table.columns[:5] == ["Period", "Value", "Number", "Out of", "95% interval"]
    year = table.filter(pl.col("Period") == "2024").row(0, named=True)
    assert (year["Value"], year["Number"], year["Out of"], year["95% interval"]) == (
        "c", "c", "5", ""
    )  # fmt: skip
    assert year["Footnote"] == f"{C_NOTE} | {WITHHELD_NOTE}"
    counts = charts.chart_table(AP, IN_AP)
    assert counts["Value"].to_list() == ["c", "c", "6"]
    assert "no value" not in counts["Value"].to_list()
    # the internal view has no footnote column and shows the true figures
    internal = charts.chart_table(AP, rows(AP.id, ("2024/25", 1, None)))
    assert "Footnote" not in internal.columns and internal["Value"].to_list() == ["1"]


def test_a_trend_chart_marks_a_suppressed_period_c() -> None:
    spec = charts.trend_chart(AP, IN_AP).to_dict()
    (gap,) = [layer for layer in spec["layer"] if layer.get("name") == "no_value"]
    assert gap["mark"]["text"] == "c"
    assert "'c': suppressed to protect privacy" in " ".join(spec["title"]["subtitle"])
    assert (
        "The figures for 2024/25, 2025/26 are withheld to protect privacy." in (spec["description"])
    )
    records = [r for data in spec["datasets"].values() for r in data]
    assert not [r for r in records if r.get("value") in (1, 2)]


def test_a_change_is_never_worked_out_from_a_suppressed_figure() -> None:
    # 2 in 2025/26, 6 in 2026/27: "up 4 from 2" would give the 2 away
    words = summaries.change_since_previous(AP, IN_AP)
    assert words == "not worked out: the figure for 2025/26 is suppressed to protect privacy"
    assert summaries.what_changed(REG, IN_AP) == []
    before = IN_AP.filter(pl.col("period") != "2026/27")
    assert summaries.change_since_previous(AP, before) == (
        "not published for 2025/26: the figure is suppressed to protect privacy"
    )


def test_a_chart_description_with_one_figure_shown_does_not_say_one_year_so_far() -> None:
    description = summaries.chart_description(AP, IN_AP)
    assert description.startswith(
        "Line chart of City children and young people in alternative provision by academic "
        "year, from 2024/25 to 2026/27. The one figure shown is 6 in 2026/27."
    )
