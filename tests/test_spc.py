"""Statistical process control: XmR limits and each special-cause rule, on hand-worked series.

The limits are mean ± 2.66 × mean moving range; two sigma is mean ± 2 × mean moving range /
1.128. Every expected number below is worked out by hand in the comment above it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from metrics import periods, results, spc
from metrics.registry import Indicator, Source, Target
from metrics.spc import Assurance, Variation


def monthly(values: list[float], start: str = "2024-01") -> pl.DataFrame:
    """A monthly series from `start`, one value a month."""
    labels = [start]
    for _ in values[1:]:
        labels.append(periods.following(labels[-1], "month"))
    return pl.DataFrame(
        {
            "period": labels,
            "period_start": [periods.start_of(p, "month") for p in labels],
            "value": [float(v) for v in values],
        }
    )


def flags(points: pl.DataFrame, rule: str) -> list[int]:
    """The positions (0 = first point) a rule flags."""
    return points.with_row_index().filter(pl.col(rule)).get_column("index").to_list()


def no_signal(points: pl.DataFrame) -> bool:
    return not points.get_column("special").any()


# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------

# 12 months of pure noise around 11.
NOISE = [10, 12, 11, 13, 9, 11, 12, 10, 11, 12, 10, 11]


def test_limits_are_the_mean_plus_and_minus_2_66_mean_moving_ranges() -> None:
    points = spc.xmr(monthly(NOISE))

    # mean = 132 / 12 = 11
    # moving ranges: 2, 1, 2, 4, 2, 1, 2, 1, 1, 2, 1 -> sum 19 over 11 -> 1.7273
    # limits = 11 ± 2.66 × 19/11 = 11 ± 4.5945 -> 6.4055 to 15.5945
    row = points.row(0, named=True)
    assert row["mean"] == pytest.approx(11)
    assert row["mr_mean"] == pytest.approx(19 / 11)
    assert row["ucl"] == pytest.approx(15.5945, abs=1e-4)
    assert row["lcl"] == pytest.approx(6.4055, abs=1e-4)
    # two sigma = 11 ± 2 × 1.7273 / 1.128 = 11 ± 3.0626
    assert row["upper_2s"] == pytest.approx(14.0626, abs=1e-4)
    assert row["lower_2s"] == pytest.approx(7.9374, abs=1e-4)
    assert points.get_column("moving_range").to_list() == [
        None, 2, 1, 2, 4, 2, 1, 2, 1, 1, 2, 1,
    ]  # fmt: skip


def test_pure_noise_raises_no_signal() -> None:
    # no point beyond 6.41-15.59 or beyond two sigma (7.94-14.06); the longest run on one side
    # is 1 (the points at 11 sit on the mean and break runs); no 3 points in a row rise
    points = spc.xmr(monthly(NOISE))
    assert no_signal(points)
    # an alternating series (mean 11, every moving range 2, limits 5.68 to 16.32) is noise too
    assert no_signal(spc.xmr(monthly([10, 12] * 6)))


# --------------------------------------------------------------------------------------------
# The four rules
# --------------------------------------------------------------------------------------------


def test_a_point_outside_the_limits() -> None:
    series = [8, 14, 8, 14, 8, 14, 40, 14, 8, 14, 8, 14]
    points = spc.xmr(monthly(series))

    # mean = (5×8 + 6×14 + 40) / 12 = 164 / 12 = 13.667
    # moving ranges: nine of 6 and two of 26 (14->40, 40->14) -> 106 / 11 = 9.636
    # upper limit = 13.667 + 2.66 × 9.636 = 39.30, so 40 is outside
    assert points.get_column("ucl")[0] == pytest.approx(39.2994, abs=1e-4)
    assert flags(points, "outside") == [6]
    assert points.get_column("direction")[6] == "high"
    # two sigma: 13.667 + 2 × 9.636 / 1.128 = 30.75: only the 40 is beyond it, and alone
    assert flags(points, "two_of_three") == []
    assert flags(points, "shift") == flags(points, "trend") == []


# A shift at a known month: six months alternating 10 and 14, then eight alternating 16 and 20.
SHIFTED = [10, 14, 10, 14, 10, 14, 16, 20, 16, 20, 16, 20, 16, 20]


def test_seven_or_more_points_on_one_side_of_the_mean_are_a_shift() -> None:
    points = spc.xmr(monthly(SHIFTED))

    # mean = (72 + 144) / 14 = 15.43: the first six are below it (a run of 6: not enough),
    # the last eight above it (a run of 8: a shift)
    # moving ranges: five of 4, one of 2 (14->16), seven of 4 -> 50 / 13 = 3.846
    # limits 15.43 ± 10.23 = 5.20 to 25.66 and two sigma 8.61 to 22.25: nothing beyond them
    assert points.get_column("mean")[0] == pytest.approx(216 / 14)
    assert points.get_column("mr_mean")[0] == pytest.approx(50 / 13)
    assert flags(points, "shift") == list(range(6, 14))
    assert set(points.get_column("direction").drop_nulls()) == {"high"}
    assert flags(points, "outside") == flags(points, "trend") == flags(points, "two_of_three") == []


def test_recalculating_from_the_month_of_the_shift_gives_each_part_its_own_limits() -> None:
    series = monthly(SHIFTED)
    points = spc.xmr(series, recalculate_from=series.get_column("period_start")[6])

    # before: 10, 14, ... mean 12, moving ranges all 4 -> limits 12 ± 10.64 = 1.36 to 22.64
    # after: 16, 20, ... mean 18, moving ranges all 4 -> limits 18 ± 10.64 = 7.36 to 28.64
    # (the moving range across the break, 14 -> 16, belongs to neither part)
    before, after = points.row(0, named=True), points.row(6, named=True)
    assert (before["mean"], before["ucl"], before["lcl"]) == pytest.approx((12, 22.64, 1.36))
    assert (after["mean"], after["ucl"], after["lcl"]) == pytest.approx((18, 28.64, 7.36))
    assert after["moving_range"] is None
    assert points.get_column("segment").to_list() == [0] * 6 + [1] * 8
    # each part on its own is noise
    assert no_signal(points)


def test_six_points_in_a_row_rising_are_a_trend() -> None:
    series = [12, 8, 12, 8, 9, 10, 11, 12, 13, 8, 12, 8]
    points = spc.xmr(monthly(series))

    # 8, 9, 10, 11, 12, 13 (positions 3 to 8) rise: six points
    # mean = 123 / 12 = 10.25; moving ranges 4, 4, 4, 1, 1, 1, 1, 1, 5, 4, 4 -> 30 / 11 = 2.727
    # limits 10.25 ± 7.25 = 3.00 to 17.50; two sigma 5.41 to 15.09; runs on one side <= 3
    assert flags(points, "trend") == [3, 4, 5, 6, 7, 8]
    assert set(points.get_column("direction").drop_nulls()) == {"high"}
    assert flags(points, "outside") == flags(points, "shift") == flags(points, "two_of_three") == []


def test_five_points_in_a_row_rising_are_not_a_trend() -> None:
    # 8, 9, 10, 11, 12 rise: five points only. mean = 110 / 11 = 10; moving ranges
    # 4, 4, 4, 1, 1, 1, 1, 4, 4, 4 -> 2.8; limits 2.55 to 17.45; two sigma 5.04 to 14.96
    assert no_signal(spc.xmr(monthly([12, 8, 12, 8, 9, 10, 11, 12, 8, 12, 8])))


def test_six_points_in_a_row_falling_are_a_trend_downwards() -> None:
    # the rising series turned upside down (20 - x): 12, 11, 10, 9, 8, 7 fall
    series = [20 - x for x in [12, 8, 12, 8, 9, 10, 11, 12, 13, 8, 12, 8]]
    points = spc.xmr(monthly(series))
    assert flags(points, "trend") == [3, 4, 5, 6, 7, 8]
    assert set(points.get_column("direction").drop_nulls()) == {"low"}


def test_two_of_three_points_beyond_two_sigma_on_one_side() -> None:
    series = [10, 12, 10, 12, 10, 12, 10, 12, 10, 17, 17, 10]
    points = spc.xmr(monthly(series))

    # mean = (5×10 + 4×12 + 2×17 + 10) / 12 = 142 / 12 = 11.833
    # moving ranges: eight of 2, then 7, 0, 7 -> 30 / 11 = 2.727
    # two sigma above: 11.833 + 2 × 2.727 / 1.128 = 16.67, so both 17s are beyond it;
    # the upper limit 11.833 + 7.25 = 19.09 is not reached
    assert points.get_column("upper_2s")[0] == pytest.approx(16.6689, abs=1e-4)
    assert flags(points, "two_of_three") == [9, 10]
    assert flags(points, "outside") == flags(points, "shift") == flags(points, "trend") == []


def test_two_points_beyond_two_sigma_on_opposite_sides_are_not_a_signal() -> None:
    series = [10, 12, 10, 12, 10, 12, 10, 12, 10, 19, 3, 10]
    points = spc.xmr(monthly(series))

    # mean = (5×10 + 4×12 + 19 + 3 + 10) / 12 = 130 / 12 = 10.833
    # moving ranges: eight of 2, then 9, 16, 7 -> 48 / 11 = 4.364
    # two sigma: 10.833 ± 2 × 4.364 / 1.128 = 10.833 ± 7.737 -> 3.10 to 18.57: the 19 is above
    # and the 3 below, one on each side, so no side has 2 of 3 beyond it
    # the limits, 10.833 ± 11.607 = -0.77 to 22.44, hold both
    assert (points.get_column("lower_2s")[0], points.get_column("upper_2s")[0]) == pytest.approx(
        (3.0964, 18.5703), abs=1e-4
    )
    assert no_signal(points)


# --------------------------------------------------------------------------------------------
# Variation and assurance, by polarity
# --------------------------------------------------------------------------------------------


def visits(polarity: str = "higher_is_better", **fields: Any) -> Indicator:
    return Indicator(
        id="visits", priority="1", measure="visits increase", title="Website visits",
        description="Visits a month.", type="series", unit="count", polarity=polarity,
        period_type="month", update_frequency="monthly", methodology="Analytics.",
        source=Source(dataset="indicator_values"), **fields,
    )  # fmt: skip


def result_rows(indicator: Indicator, values: list[float]) -> pl.DataFrame:
    series = monthly(values)
    return results.conform(
        series.with_columns(
            indicator_id=pl.lit(indicator.id),
            period_end=pl.col("period").map_elements(
                lambda p: periods.end_of(p, "month"), return_dtype=pl.Date
            ),
        )
    ).collect()


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("higher_is_better", Variation.improvement_high),
        ("lower_is_better", Variation.concern_high),
        ("none", Variation.neither_high),
    ],
)
def test_a_shift_upwards_is_judged_by_the_indicators_polarity(
    polarity: str, expected: Variation
) -> None:
    ind = visits(polarity)
    found = spc.analyse(ind, result_rows(ind, SHIFTED))
    assert found is not None
    assert found.variation is expected
    assert spc.label(expected).startswith(spc.VARIATION_STYLES[expected].icon + " ")


def test_the_latest_point_decides_the_variation() -> None:
    ind = visits()
    # the outside point is in the middle of the series; the latest point is ordinary
    found = spc.analyse(ind, result_rows(ind, [8, 14, 8, 14, 8, 14, 40, 14, 8, 14, 8, 14]))
    assert found is not None
    assert found.variation is Variation.common_cause
    assert spc.label(found.variation) == "↔ Common cause variation"


# Alternating 10 and 12: mean 11, every moving range 2, limits 11 ± 5.32 = 5.68 to 16.32.
@pytest.mark.parametrize(
    ("target", "polarity", "expected"),
    [
        (4, "higher_is_better", Assurance.passing),  # the lower limit 5.68 is above 4
        (20, "higher_is_better", Assurance.failing),  # the upper limit 16.32 is below 20
        (11, "higher_is_better", Assurance.hit_and_miss),  # 11 lies between the limits
        (20, "lower_is_better", Assurance.passing),  # every value stays under 20
        (4, "lower_is_better", Assurance.failing),  # no value gets down to 4
    ],
)
def test_assurance_compares_the_limits_with_the_target(
    target: float, polarity: str, expected: Assurance
) -> None:
    ind = visits(polarity, target=Target(value=target))
    found = spc.analyse(ind, result_rows(ind, [10, 12] * 6))
    assert found is not None
    assert found.assurance is expected


def test_no_target_value_means_no_assurance() -> None:
    ind = visits(target=Target(direction="increase"))
    found = spc.analyse(ind, result_rows(ind, NOISE))
    assert found is not None
    assert found.assurance is None


def test_fewer_than_12_points_carry_a_warning() -> None:
    ind = visits()
    short = spc.analyse(ind, result_rows(ind, NOISE[:11]))
    assert short is not None
    assert short.warning == (
        "Only 11 months: the limits are provisional. They need at least 12 points to tell a "
        "real change from noise with confidence."
    )
    full = spc.analyse(ind, result_rows(ind, NOISE))
    assert full is not None and full.warning is None


def test_recalculating_leaves_a_warning_when_the_new_part_is_short() -> None:
    ind = visits()
    # SHIFTED starts in January 2024, so its seventh month is July 2024
    found = spc.analyse(ind, result_rows(ind, SHIFTED), recalculate_from="2024-07")
    assert found is not None
    assert found.recalculated_from == "2024-07"
    assert found.variation is Variation.common_cause
    assert found.warning is not None
    assert found.warning.startswith("Only 8 months since July 2024")


def test_the_summary_sentence_gives_the_variation_and_the_assurance_in_words() -> None:
    ind = visits(target=Target(value=20))
    found = spc.analyse(ind, result_rows(ind, [10, 12] * 6))
    assert found is not None
    # the last point, December 2024, is 12
    assert spc.sentence(ind, found) == (
        "December 2024: 12, within the usual range (5.7 to 16.3 around an average of 11): "
        "common cause variation, no significant change. Against the target of 20: consistently "
        "failing the target."
    )
    shifted = spc.analyse(ind, result_rows(ind, SHIFTED))
    assert shifted is not None
    assert spc.sentence(ind, shifted).startswith(
        "February 2025: 20. Special cause: improvement (higher) — a real change, not noise: "
        "7 or more in a row on one side of the mean."
    )


def test_spc_applies_to_monthly_and_quarterly_counts_only() -> None:
    assert spc.applies(visits())
    assert not spc.applies(visits().model_copy(update={"update_frequency": "annually"}))
    yearly = visits().model_copy(update={"period_type": "calendar_year"})
    assert not spc.applies(yearly)


def test_too_few_points_give_no_chart() -> None:
    ind = visits()
    assert spc.analyse(ind, result_rows(ind, [10])) is None


def test_the_rules_are_stated_in_words() -> None:
    points = spc.xmr(monthly([8, 14, 8, 14, 8, 14, 40, 14, 8, 14, 8, 14]))
    assert points.get_column("rules")[6] == "outside the process limits"
    assert points.get_column("rules")[0] == ""
    assert dt.date(2024, 7, 1) == points.get_column("period_start")[6]
