"""Status against target (DESIGN.md section 5), judged on hand-made result rows.

Each row gives a value with its 95% Wilson interval (worked by hand, see test_stats.py for
the method) and the denominator, as the calculators would.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import polars as pl
import pytest

from metrics import status
from metrics.registry import Indicator, Polarity, Target, TrajectoryPoint
from metrics.status import Status

D = dt.date

# financial years and their last days
FY = {
    "2022-23": D(2023, 3, 31),
    "2023-24": D(2024, 3, 31),
    "2024-25": D(2025, 3, 31),
    "2025-26": D(2026, 3, 31),
    "2026-27": D(2027, 3, 31),
}


def indicator(toml: str, **extra: Any) -> Indicator:
    """A financial-year indicator from a registry entry; wording fields are not under test."""
    words = {"measure": "m", "title": "t", "description": "d", "methodology": "m"}
    base = {
        "id": "x",
        "priority": "3",
        "update_frequency": "annually",
        "period_type": "financial_year",
        "source": {"dataset": "panel_requests", "date_column": "panel_date"},
    }
    return Indicator.model_validate({**base, **words, **tomllib.loads(toml), **extra})


def rate(
    period: str,
    value: float | None,
    lower: float | None = None,
    upper: float | None = None,
    denominator: float | None = 100,
    breakdown: str | None = None,
) -> dict[str, Any]:
    return {
        "period": period,
        "period_end": FY[period],
        "breakdown": breakdown,
        "value": value,
        "lower": lower,
        "upper": upper,
        "denominator": denominator,
    }


def count(period: str, value: float | None) -> dict[str, Any]:
    return rate(period, value, denominator=None)


def judge(ind: Indicator, *rows: dict[str, Any]) -> list[str | None]:
    frame = pl.LazyFrame(
        list(rows),
        schema={
            "period": pl.String,
            "period_end": pl.Date,
            "breakdown": pl.String,
            "value": pl.Float64,
            "lower": pl.Float64,
            "upper": pl.Float64,
            "denominator": pl.Float64,
        },
    )
    return status.assess(ind, frame).collect()["status"].to_list()


HIGH_QUALITY_REQUESTS = indicator(
    """
    type = "rate"
    unit = "percent"
    polarity = "higher_is_better"
    target = {value = 80}
    """
)


# ---------------------------------------------------------------------------------------------
# Rates against a fixed target of 80%, higher is better
# ---------------------------------------------------------------------------------------------


def test_a_rate_at_or_above_target_is_on_track() -> None:
    # 9/10 = 90%, Wilson 59.58% to 98.21%; 8/10 = 80% exactly
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", 90, 59.58, 98.21, 10)) == ["on_track"]
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", 80, 49.02, 94.33, 10)) == ["on_track"]


def test_below_target_but_the_interval_contains_it_is_at_risk_not_off_track() -> None:
    # 7/10 = 70%: Wilson centre (0.7 + 0.1920729) / 1.3841459 = 0.6444934, half-width
    # 1.959964 × sqrt(0.021 + 0.0096036) / 1.3841459 = 0.2477153 -> 39.68% to 89.22%:
    # 80% is inside, so chance could explain the shortfall
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", 70, 39.68, 89.22, 10)) == ["at_risk"]
    # 4/5 = 80% against a target of 90%: Wilson 37.55% to 96.38% contains 90 -> at risk
    ninety = HIGH_QUALITY_REQUESTS.model_copy(update={"target": Target(value=90)})
    assert judge(ninety, rate("2024-25", 80, 37.55, 96.38, 5)) == ["at_risk"]


def test_below_target_with_the_interval_wholly_below_it_is_off_track() -> None:
    # 5/10 = 50%: centre 0.5, half-width 1.959964 × sqrt(0.025 + 0.0096036) / 1.3841459
    # = 0.2634069 -> 23.66% to 76.34%: 80% is outside
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", 50, 23.66, 76.34, 10)) == ["off_track"]


def test_too_few_to_judge() -> None:
    # 3 out of 4 = 75%: fewer than the 5 the registry asks for by default
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", 75, 30.06, 95.44, 4)) == ["too_few"]
    # a smaller minimum lets the same 4 be judged
    lenient = HIGH_QUALITY_REQUESTS.model_copy(update={"min_denominator": 3})
    assert judge(lenient, rate("2024-25", 75, 30.06, 95.44, 4)) == ["at_risk"]


def test_nothing_in_the_denominator_is_too_few_and_a_missing_value_is_no_data() -> None:
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", None, denominator=0)) == ["too_few"]
    assert judge(HIGH_QUALITY_REQUESTS, rate("2024-25", None, denominator=None)) == ["no_data"]


def test_breakdown_rows_get_no_status() -> None:
    rows = (
        rate("2024-25", 90, 59.58, 98.21, 10),
        rate("2024-25", 50, 23.66, 76.34, 10, breakdown="Request type"),
    )
    assert judge(HIGH_QUALITY_REQUESTS, *rows) == ["on_track", None]


def test_no_target_no_status() -> None:
    context = indicator('type = "rate"\nunit = "percent"\npolarity = "none"', priority="context")
    assert judge(context, rate("2024-25", 50, 23.66, 76.34, 10)) == [None]


# ---------------------------------------------------------------------------------------------
# Lower is better: a tribunal appeal rate with a target of 5%
# ---------------------------------------------------------------------------------------------

APPEALS = indicator(
    """
    type = "rate"
    unit = "percent"
    polarity = "lower_is_better"
    target = {value = 5}
    """
)


def test_lower_is_better_at_or_below_target_is_on_track() -> None:
    # 2/40 = 5%, Wilson 1.38% to 16.50%; 1%
    assert judge(APPEALS, rate("2024-25", 5, 1.38, 16.50, 40)) == ["on_track"]
    assert judge(APPEALS, rate("2024-25", 1, 0.18, 5.45, 100)) == ["on_track"]


def test_lower_is_better_above_target_within_the_interval_is_at_risk() -> None:
    # 3/50 = 6%: n = 50, centre (0.06 + 0.0384146) / 1.0768292 = 0.0913929,
    # half-width 1.959964 × sqrt(0.001128 + 0.0003841) / 1.0768292 = 0.0707780
    # -> 2.06% to 16.22%, which contains 5%
    assert judge(APPEALS, rate("2024-25", 6, 2.06, 16.22, 50)) == ["at_risk"]


def test_lower_is_better_well_above_target_is_off_track() -> None:
    # 30/100 = 30%: centre (0.3 + 0.0192073) / 1.0384146 = 0.3073987, half-width
    # 1.959964 × sqrt(0.0021 + 0.0000960) / 1.0384146 = 0.0884498 -> 21.89% to 39.58%
    assert judge(APPEALS, rate("2024-25", 30, 21.89, 39.58, 100)) == ["off_track"]


# ---------------------------------------------------------------------------------------------
# Counts: within 10% of the reference is at risk
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "target", "value", "expected"),
    [
        ("higher_is_better", 100, 100, "on_track"),
        ("higher_is_better", 100, 120, "on_track"),
        ("higher_is_better", 100, 90, "at_risk"),  # 10% short: 100 × 0.9 = 90
        ("higher_is_better", 100, 89, "off_track"),
        ("lower_is_better", 10, 9, "on_track"),
        ("lower_is_better", 10, 11, "at_risk"),  # 10% over: 10 × 1.1 = 11
        ("lower_is_better", 10, 12, "off_track"),
    ],
)
def test_count_against_its_target(
    polarity: str, target: float, value: float, expected: str
) -> None:
    ind = indicator(
        f'type = "count"\nunit = "count"\npolarity = "{polarity}"\ntarget = {{value = {target}}}'
    )
    assert judge(ind, count("2024-25", value)) == [expected]


def test_a_count_with_no_value_is_no_data() -> None:
    ind = indicator(
        'type = "count"\nunit = "count"\npolarity = "higher_is_better"\ntarget = {value = 10}'
    )
    assert judge(ind, count("2024-25", None)) == ["no_data"]


# ---------------------------------------------------------------------------------------------
# The reference: trajectory, the straight line from baseline to a dated target, the baseline
# ---------------------------------------------------------------------------------------------

# baseline 50% in 2023-24 (ends 31 March 2024), target 90% by 31 March 2026.
# 31 March 2024 -> 31 March 2025 = 365 days (29 February 2024 is before it), -> 31 March 2026
# = 365 more: 730 in all. At the end of 2024-25 the line is 50 + 40 × 365/730 = 70.
RISING = indicator(
    """
    type = "rate"
    unit = "percent"
    polarity = "higher_is_better"
    target = {value = 90, date = 2026-03-31}
    baseline = {value = 50, period = "2023-24"}
    """
)


def test_reference_follows_a_straight_line_to_a_dated_target() -> None:
    assert status.reference(RISING, "2022-23") == 50  # before the baseline: the baseline
    assert status.reference(RISING, "2023-24") == 50
    assert status.reference(RISING, "2024-25") == pytest.approx(70)
    assert status.reference(RISING, "2025-26") == 90  # the target date
    assert status.reference(RISING, "2026-27") == 90  # after it: the target


def test_a_rate_is_judged_against_the_line_not_the_final_target() -> None:
    # 72/100 = 72%, Wilson 62.51% to 79.86%: above the line's 70 for 2024-25, though below
    # the final 90 (and its interval does not reach 90)
    assert judge(RISING, rate("2024-25", 72, 62.51, 79.86, 100)) == ["on_track"]
    assert judge(RISING, rate("2025-26", 72, 62.51, 79.86, 100)) == ["off_track"]


def test_a_trajectory_point_wins_over_the_line() -> None:
    agreed = RISING.model_copy(
        update={"trajectory": (TrajectoryPoint(period="2024-25", value=75),)}
    )
    assert status.reference(agreed, "2024-25") == 75
    assert status.reference(agreed, "2025-26") == 90
    # 72% against 75: below, but 75 is inside 62.51% to 79.86% -> at risk
    assert judge(agreed, rate("2024-25", 72, 62.51, 79.86, 100)) == ["at_risk"]


def test_a_target_without_a_date_is_the_reference_throughout() -> None:
    assert status.reference(HIGH_QUALITY_REQUESTS, "2022-23") == 80
    assert status.reference(HIGH_QUALITY_REQUESTS, "2026-27") == 80


INCREASE = indicator(
    """
    type = "rate"
    unit = "percent"
    polarity = "higher_is_better"
    target = {direction = "increase"}
    baseline = {value = 40, period = "2023-24"}
    """
)


def test_a_direction_only_target_is_judged_against_the_baseline() -> None:
    # 45/100 = 45% (35.61% to 54.76%) >= 40: on track
    assert judge(INCREASE, rate("2024-25", 45, 35.61, 54.76)) == ["on_track"]
    # 38/100 = 38% (29.10% to 47.79%): below 40, but 40 is inside -> at risk
    assert judge(INCREASE, rate("2024-25", 38, 29.10, 47.79)) == ["at_risk"]
    # 20/100 = 20% (13.34% to 28.88%): off track
    assert judge(INCREASE, rate("2024-25", 20, 13.34, 28.88)) == ["off_track"]


def test_a_direction_only_target_is_not_due_until_after_the_baseline() -> None:
    rows = (rate("2022-23", 45, 35.61, 54.76), rate("2023-24", 20, 13.34, 28.88))
    assert judge(INCREASE, *rows) == ["not_yet_due", "not_yet_due"]


def test_a_direction_without_a_baseline_starts_from_the_first_period_that_can_be_judged() -> None:
    no_baseline = INCREASE.model_copy(update={"baseline": None})
    rows = (
        # 3 out of 4: too few to judge, and too few to be the baseline
        rate("2022-23", 75, 30.06, 95.44, denominator=4),
        # 45/100: the first judgeable period, so the baseline: nothing to compare yet
        rate("2023-24", 45, 35.61, 54.76),
        # 50/100 (40.38% to 59.62%) >= 45: on track
        rate("2024-25", 50, 40.38, 59.62),
        # 38/100 (29.10% to 47.79%): below 45, but 45 is inside -> at risk
        rate("2025-26", 38, 29.10, 47.79),
        # 20/100 (13.34% to 28.88%): off track
        rate("2026-27", 20, 13.34, 28.88),
    )
    assert judge(no_baseline, *rows) == [
        "too_few",
        "not_yet_due",
        "on_track",
        "at_risk",
        "off_track",
    ]
    # there is no reference to draw before the data says what it is
    assert status.reference(no_baseline, "2024-25") is None


def test_a_count_to_increase_without_a_baseline_compares_with_its_first_year() -> None:
    more = indicator(
        'type = "count"\nunit = "count"\npolarity = "higher_is_better"\n'
        'target = {direction = "increase"}'
    )
    rows = (count("2023-24", 10), count("2024-25", 12), count("2025-26", 9), count("2026-27", 8))
    # 10 is the baseline; 12 >= 10; 9 is within 10% of 10 (9 to 10); 8 is not
    assert judge(more, *rows) == ["not_yet_due", "on_track", "at_risk", "off_track"]


def test_a_decrease_is_lower_is_better_even_without_a_polarity() -> None:
    fewer = indicator(
        """
        type = "rate"
        unit = "percent"
        polarity = "none"
        target = {direction = "decrease"}
        baseline = {value = 40, period = "2023-24"}
        """
    )
    assert status.better_sign(fewer) == -1
    assert judge(fewer, rate("2024-25", 20, 13.34, 28.88)) == ["on_track"]


def test_maintain_means_staying_within_the_interval() -> None:
    steady = indicator(
        """
        type = "rate"
        unit = "percent"
        polarity = "none"
        target = {direction = "maintain"}
        baseline = {value = 90, period = "2023-24"}
        """
    )
    # 85/100 = 85% (76.72% to 90.69%) contains 90: maintained
    assert judge(steady, rate("2024-25", 85, 76.72, 90.69)) == ["on_track"]
    # 99/100 = 99% (94.55% to 99.82%) has moved away from 90, and nothing says up is better
    assert judge(steady, rate("2024-25", 99, 94.55, 99.82)) == ["off_track"]
    # with higher is better, 99% is more than maintained
    better = steady.model_copy(update={"polarity": Polarity.higher_is_better})
    assert judge(better, rate("2024-25", 99, 94.55, 99.82)) == ["on_track"]


# ---------------------------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------------------------


def test_milestone_status_rules() -> None:
    due = D(2026, 3, 31)
    cases = [
        ("complete", D(2026, 9, 1), Status.complete),
        ("at_risk", D(2025, 6, 1), Status.at_risk),
        ("delayed", D(2025, 6, 1), Status.off_track),
        ("in_progress", D(2025, 6, 1), Status.on_track),
        ("in_progress", D(2026, 4, 1), Status.off_track),
        ("not_started", D(2026, 4, 1), Status.off_track),
        ("not_started", D(2026, 1, 1), Status.at_risk),  # due in 89 days
        ("not_started", D(2025, 6, 1), Status.not_yet_due),  # due in 303 days
    ]
    frame = pl.DataFrame(
        {
            "s": [c[0] for c in cases],
            "due": [due] * len(cases),
            "on": [c[1] for c in cases],
        }
    )
    out = frame.select(status.milestone_status_expr(pl.col("s"), pl.col("due"), pl.col("on")))
    assert out[:, 0].to_list() == [c[2].value for c in cases]


def test_words_and_icons_never_rest_on_colour_alone() -> None:
    assert status.label(Status.off_track) == "✖ Off track"
    assert status.words("too_few") == "Too few to judge"
