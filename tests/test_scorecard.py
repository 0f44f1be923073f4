"""The scorecard's rows, counts and icons (metrics/scorecard.py) against hand-worked cases.

Every expected value below is worked out by hand in the comment beside it: statuses, the change
judged by polarity, the SPC signals (XmR limits worked out from the values), a figure held back
in the publication view, and a period still under way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from test_charts import frame, indicator, row

from metrics import api, disclosure, scorecard
from metrics.registry import Registry, Target

REG = api.registry()

RATE = indicator("plans", "EHC plans issued within 20 weeks", "rate", target=Target(value=90))
COUNT_DOWN = indicator(
    "waits", "Families waiting", "count", polarity="lower_is_better", priority="2"
)
MILESTONE = indicator(
    "offer",
    "Support offer designed together with families",
    "milestone",
    period_type="quarter",
    target=Target(date=dt.date(2027, 3, 31)),
    short_title="Offer co-designed",
)
MONTHLY = indicator(
    "visits",
    "Visits to the Local Offer website",
    "series",
    period_type="month",
    update_frequency="monthly",
    target=Target(value=5),
)


def registry(*indicators: Any) -> Registry:
    """The shipped registry's area and first two priorities, with only these indicators."""
    return REG.model_copy(
        update={"priorities": REG.priorities[:2], "indicators": tuple(indicators)}
    )


def months(ind: Any, values: list[float], start: int = 2024) -> pl.DataFrame:
    """One value a month from January of `start`."""
    labels = [f"{start + i // 12}-{i % 12 + 1:02d}" for i in range(len(values))]
    return frame(*(row(ind, p, v) for p, v in zip(labels, values, strict=True)))


# ---------------------------------------------------------------------------------------------
# Status, value, target and change
# ---------------------------------------------------------------------------------------------


def test_each_status_is_an_icon_with_its_words() -> None:
    expected = {
        "on_track": ("✔", "On track"),
        "at_risk": ("▲", "At risk"),
        "off_track": ("✖", "Off track"),
        "complete": ("★", "Complete"),
        "not_yet_due": ("◷", "Not yet due"),
        "too_few": ("≈", "Too few to judge"),
        "no_data": ("○", "No data"),
    }
    for key, (icon, words) in expected.items():
        got = scorecard.row(RATE, frame(row(RATE, "2024", 50.0, status=key)))
        assert (got.status.icon, got.status.words, got.status.key) == (icon, words, key)


def test_a_measure_with_no_rows_is_no_data_and_one_without_status_is_not_judged() -> None:
    empty = scorecard.row(RATE, frame(row(COUNT_DOWN, "2024", 3.0)))
    assert (empty.status.key, empty.value, empty.period, empty.sparkline) == (
        "no_data", "no data", None, ()
    )  # fmt: skip
    unjudged = scorecard.row(RATE, frame(row(RATE, "2024", 50.0)))
    assert unjudged.status.key == scorecard.NOT_JUDGED
    assert unjudged.status.words == "Not judged"  # it has a target, so 'not judged'


def test_a_rate_row_reads_value_period_target_and_change_better() -> None:
    results = frame(
        row(RATE, "2023", 75.0, numerator=15, denominator=20, status="at_risk"),
        row(RATE, "2024", 80.0, numerator=16, denominator=20, status="on_track"),
    )
    got = scorecard.row(RATE, results)
    assert got.short_title == RATE.title  # no short title in the registry: the title
    assert got.value == "80.0% (16 of 20)"
    assert got.period == "2024"
    assert got.target == "90%"
    # 80.0 - 75.0 = 5.0 points up; higher is better
    assert got.change is not None
    assert (got.change.icon, got.change.words, got.change.key) == (
        "▲",
        "+5.0 pts, better",
        "better",
    )
    assert got.change_words == "up 5.0 points (better) from 75.0% in 2023"
    assert [(p.period, p.value, p.text) for p in got.sparkline] == [
        ("2023", 75.0, "75.0%"),
        ("2024", 80.0, "80.0%"),
    ]


def test_a_fall_is_better_when_lower_is_better_and_no_change_is_said() -> None:
    down = scorecard.row(
        COUNT_DOWN, frame(row(COUNT_DOWN, "2023", 10.0), row(COUNT_DOWN, "2024", 7.0))
    )
    # 7 - 10 = -3; lower is better
    assert down.change is not None and (down.change.icon, down.change.words) == ("▼", "−3, better")
    up = scorecard.row(RATE, frame(row(RATE, "2023", 80.0), row(RATE, "2024", 70.0)))
    assert up.change is not None and (up.change.words, up.change.key) == (
        "−10.0 pts, worse",
        "worse",
    )
    same = scorecard.row(RATE, frame(row(RATE, "2023", 80.0), row(RATE, "2024", 80.0)))
    assert same.change is not None and (same.change.words, same.change.key) == ("no change", "same")
    only = scorecard.row(RATE, frame(row(RATE, "2024", 80.0)))
    assert only.change is None and only.change_words == "no earlier period"


def test_a_milestone_has_its_short_title_and_a_target_date() -> None:
    results = frame(row(MILESTONE, "2026-Q1", 0.0), row(MILESTONE, "2026-Q2", 50.0))
    got = scorecard.row(MILESTONE, results)
    assert got.short_title == "Offer co-designed"
    assert got.title == MILESTONE.title  # the full title goes with it, for the row's page
    assert got.target == "complete by March 2027"
    assert got.change is not None and (got.change.words, got.change.key) == (
        "moved on, better",
        "better",
    )


def test_a_period_under_way_says_so_far() -> None:
    got = scorecard.row(RATE, frame(row(RATE, "2026", 80.0)), today=dt.date(2026, 11, 27))
    assert got.period == "2026 so far (to 27 November)"
    assert got.period_brief == "2026 so far"
    full = scorecard.row(RATE, frame(row(RATE, "2025", 80.0)), today=dt.date(2026, 11, 27))
    assert (full.period, full.period_brief) == ("2025", "2025")


def test_the_sparkline_keeps_the_last_eight_periods() -> None:
    got = scorecard.row(MONTHLY, months(MONTHLY, [float(v) for v in range(1, 11)]))
    # ten months, January to October 2024: the last eight are March to October, 3 to 10
    assert [p.value for p in got.sparkline] == [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    assert got.sparkline[0].period == "2024-03"


# ---------------------------------------------------------------------------------------------
# The publication view
# ---------------------------------------------------------------------------------------------


def test_a_held_back_value_reads_c_with_no_number_anywhere_in_the_row() -> None:
    reg = registry(COUNT_DOWN)
    results = frame(row(COUNT_DOWN, "2023", 10.0), row(COUNT_DOWN, "2024", 3.0))
    published = disclosure.suppress_results(results, registry=reg)
    got = scorecard.row(COUNT_DOWN, published)
    # 3 is below the threshold of 5: shown as c, and the change is not worked out from it
    assert got.value == "c"
    assert [(p.value, p.text) for p in got.sparkline] == [(10.0, "10"), (None, "c")]
    assert got.change is not None and got.change.key == "held"
    assert "3" not in got.change.words and "3" not in got.change_words
    assert got.footnote and "fewer than 5" in got.footnote
    # the internal view shows the true figure
    assert scorecard.row(COUNT_DOWN, results).value == "3"


# ---------------------------------------------------------------------------------------------
# SPC: variation and assurance in the "Making Data Count" convention
# ---------------------------------------------------------------------------------------------

# Eleven months at 10, then 30. Moving ranges: ten 0s and one 20, mean 20/11 = 1.818. Mean of
# the values (110 + 30) / 12 = 11.667; upper limit 11.667 + 2.66 x 1.818 = 16.50: 30 is outside.
JUMP = [10.0] * 11 + [30.0]
# 10, 12, 10, 12, ...: mean 11, every moving range 2, limits 11 +- 5.32 = 5.68 to 16.32; two
# sigma 11 +- 2 x 2 / 1.128 = 7.45 to 14.55, no point beyond; no run of 7 on one side (they
# alternate), no run of 6 rising or falling: common cause.
STEADY = [10.0, 12.0] * 6


def test_a_point_above_the_limits_is_improvement_when_higher_is_better() -> None:
    got = scorecard.row(MONTHLY, months(MONTHLY, JUMP))
    assert got.variation is not None
    assert (got.variation.icon, got.variation.key) == ("⬆", "improvement_high")
    assert got.variation.words == "Special cause: improvement (higher)"


def test_the_same_point_is_a_concern_when_lower_is_better() -> None:
    lower = MONTHLY.model_copy(update={"polarity": "lower_is_better", "target": None})
    got = scorecard.row(lower, months(lower, JUMP))
    assert got.variation is not None and got.variation.key == "concern_high"
    assert got.variation.words == "Special cause: concern (higher)"
    assert got.assurance is None  # no target, no assurance


def test_a_fall_with_no_better_direction_is_special_cause_of_neither_kind() -> None:
    neutral = MONTHLY.model_copy(update={"polarity": "none", "target": None})
    # the mirror of JUMP: eleven at 30 then 10, below the lower limit 28.333 - 4.836 = 23.50
    got = scorecard.row(neutral, months(neutral, [30.0] * 11 + [10.0]))
    assert got.variation is not None
    assert (got.variation.icon, got.variation.key) == ("⬇", "neither_low")


def test_common_cause_and_each_assurance_against_the_limits() -> None:
    # limits 5.68 to 16.32 (above)
    cases = {5.0: "passing", 20.0: "failing", 11.0: "hit_and_miss"}
    words = {
        "passing": ("✔", "Consistently passing the target"),
        "failing": ("✖", "Consistently failing the target"),
        "hit_and_miss": ("↕", "Hit and miss"),
    }
    for target, key in cases.items():
        ind = MONTHLY.model_copy(update={"target": Target(value=target)})
        got = scorecard.row(ind, months(ind, STEADY))
        assert got.variation is not None
        assert (got.variation.icon, got.variation.key) == ("↔", "common_cause")
        assert got.variation.words == "Common cause variation"
        assert got.assurance is not None
        assert (got.assurance.icon, got.assurance.words, got.assurance.key) == (*words[key], key)


def test_fewer_than_twelve_points_are_marked_provisional() -> None:
    got = scorecard.row(MONTHLY, months(MONTHLY, STEADY[:8]))
    assert got.variation is not None and got.variation.words.endswith(
        "(provisional: too few points)"
    )


def test_no_spc_for_an_annual_measure() -> None:
    got = scorecard.row(RATE, frame(*(row(RATE, str(y), 80.0) for y in range(2010, 2024))))
    assert got.variation is None and got.assurance is None


# ---------------------------------------------------------------------------------------------
# England, rows and counts
# ---------------------------------------------------------------------------------------------


def _official(*rows: tuple[str, str, float | None]) -> pl.DataFrame:
    data = [
        {"indicator_id": RATE.id, "period": p, "period_start": dt.date(int(p), 1, 1),
         "period_end": dt.date(int(p), 12, 31), "role": role, "value": v}
        for role, p, v in rows
    ]  # fmt: skip
    return pl.DataFrame(data).with_columns(pl.col("value").cast(pl.Float64))


def test_england_is_its_latest_figure_with_the_period() -> None:
    official = _official(
        ("england", "2022", 49.2), ("england", "2023", 50.3), ("region", "2024", 40.0),
        ("england", "2024", None),
    )  # fmt: skip
    got = scorecard.row(RATE, frame(row(RATE, "2024", 80.0)), comparators=official)
    # 2024 has no England figure: the latest one is 2023's
    assert got.england == "50.3% (2023)"
    assert scorecard.row(RATE, frame(row(RATE, "2024", 80.0))).england is None


def test_rows_follow_the_registry_and_counts_are_per_priority() -> None:
    first, second = REG.priorities[0].id, REG.priorities[1].id
    a = RATE.model_copy(update={"id": "a", "priority": first})
    b = RATE.model_copy(update={"id": "b", "priority": first})
    c = RATE.model_copy(update={"id": "c", "priority": first, "headline": False})
    d = COUNT_DOWN.model_copy(update={"id": "d", "priority": second})
    e = RATE.model_copy(update={"id": "e", "priority": second})
    reg = registry(a, b, c, d, e)
    results = frame(
        row(a, "2024", 80.0, status="on_track"),
        row(b, "2024", 40.0, status="off_track"),
        row(c, "2024", 40.0, status="off_track"),
        row(d, "2024", 4.0),
    )
    got = scorecard.rows(reg, results)
    assert [r.indicator_id for r in got] == ["a", "b", "d", "e"]  # c is not a headline measure
    table = scorecard.counts(reg, got)
    assert table.get_column("priority").to_list() == [first, second]
    one, two = table.row(0, named=True), table.row(1, named=True)
    assert (one["on_track"], one["off_track"], one["no_data"], one["total"]) == (1, 1, 0, 2)
    # d has a figure and no target: not judged; e has no rows: no data
    assert (two["not_judged"], two["no_data"], two["on_track"], two["total"]) == (1, 1, 0, 2)
    assert scorecard.counts_sentence(one) == "2 measures: 1 On track, 1 Off track"
    assert [r.indicator_id for r in scorecard.rows(reg, results, priority=second)] == ["d", "e"]


def test_the_shipped_registry_gives_one_row_per_headline_measure() -> None:
    expected = [i.id for p in REG.priorities for i in REG.for_priority(p.id) if i.headline]
    got = scorecard.rows(REG, frame())
    assert [r.indicator_id for r in got] == expected
    assert all(r.status.key == "no_data" for r in got)
    # every short title fits on one line of the scorecard
    assert all(len(r.short_title) <= 45 for r in got)
