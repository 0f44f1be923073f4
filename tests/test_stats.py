"""The 95% Wilson score interval, checked against values worked out by hand.

For x successes out of n, with p = x/n and z = 1.959963984540054 (z² = 3.8414588207):

    centre     = (p + z²/2n) / (1 + z²/n)
    half-width = z × sqrt(p(1 - p)/n + z²/4n²) / (1 + z²/n)

The decimals below were worked on a calculator from these formulas, not by the code.
"""

from __future__ import annotations

import polars as pl
import pytest

from metrics import stats


def test_z_is_the_two_sided_95_percent_point() -> None:
    # tables of the standard normal give 1.95996 for the 97.5th percentile
    assert abs(stats.Z95 - 1.95996) < 1e-5


def test_four_out_of_five() -> None:
    # n = 5: z²/n = 0.7682918, so 1 + z²/n = 1.7682918; z²/2n = 0.3841459; z²/4n² = 0.0384146
    # centre = (0.8 + 0.3841459) / 1.7682918 = 1.1841459 / 1.7682918 = 0.6696553
    # half   = 1.959964 × sqrt(0.8 × 0.2 / 5 + 0.0384146) / 1.7682918
    #        = 1.959964 × sqrt(0.032 + 0.0384146) / 1.7682918
    #        = 1.959964 × 0.2653575 / 1.7682918 = 0.5200913 / 1.7682918 = 0.2941206
    # lower = 0.6696553 - 0.2941206 = 0.3755347 -> 37.55%; upper = 0.9637759 -> 96.38%
    lower, upper = stats.wilson(4, 5)
    assert lower == pytest.approx(37.5535, abs=1e-3)
    assert upper == pytest.approx(96.3776, abs=1e-3)


def test_five_out_of_five_reaches_exactly_100() -> None:
    # centre = (1 + 0.3841459) / 1.7682918 = 0.7827588
    # half   = 1.959964 × sqrt(0 + 0.0384146) / 1.7682918 = 1.959964 × 0.1959964 / 1.7682918
    #        = 0.3841459 / 1.7682918 = 0.2172412
    # lower = 0.5655175 -> 56.55%; upper = 0.7827588 + 0.2172412 = 1 -> 100%
    lower, upper = stats.wilson(5, 5)
    assert lower == pytest.approx(56.5518, abs=1e-3)
    assert upper == 100.0


def test_none_out_of_five_starts_at_exactly_0() -> None:
    # centre = (0 + 0.3841459) / 1.7682918 = 0.2172412, half = 0.2172412 (as above)
    # lower = 0 -> 0%; upper = 0.4344825 -> 43.45%
    lower, upper = stats.wilson(0, 5)
    assert lower == 0.0
    assert upper == pytest.approx(43.4482, abs=1e-3)


def test_one_out_of_one_is_very_uncertain() -> None:
    # n = 1: 1 + z² = 4.8414588; centre = (1 + 1.9207294) / 4.8414588 = 0.6032747
    # half = 1.959964 × sqrt(0 + 3.8414588/4) / 4.8414588 = 1.959964 × 0.9799820 / 4.8414588
    #      = 1.9207294 / 4.8414588 = 0.3967253
    # lower = 0.2065494 -> 20.65%; upper = 1 -> 100%
    lower, upper = stats.wilson(1, 1)
    assert lower == pytest.approx(20.6549, abs=1e-3)
    assert upper == 100.0


def test_nothing_out_of_nothing_has_no_interval() -> None:
    assert stats.wilson(0, 0) is None


def test_the_interval_contains_the_rate() -> None:
    # 1 out of 3 = 33.3%; n = 3: 1 + z²/3 = 2.2804863; z²/2n = 0.6402431; z²/4n² = 0.1067072
    # centre = (0.3333333 + 0.6402431) / 2.2804863 = 0.4269162
    # half   = 1.959964 × sqrt(0.0740741 + 0.1067072) / 2.2804863
    #        = 1.959964 × 0.4251838 / 2.2804863 = 0.3654242 -> (6.15%, 79.23%)
    lower, upper = stats.wilson(1, 3)
    assert lower == pytest.approx(6.1492, abs=1e-3)
    assert upper == pytest.approx(79.2340, abs=1e-3)
    assert lower < 100 / 3 < upper


def test_polars_expressions_give_the_same_interval() -> None:
    frame = pl.DataFrame({"num": [4, 5, 0, 1, 0], "den": [5, 5, 5, 1, 0]})
    lower, upper = stats.wilson_exprs(pl.col("num"), pl.col("den"))
    out = frame.select(
        value=stats.percent_expr(pl.col("num"), pl.col("den")), lower=lower, upper=upper
    )
    # the same hand-worked figures as the tests above; 0 out of 0 has none
    assert out["value"].to_list()[:4] == pytest.approx([80.0, 100.0, 0.0, 100.0])
    assert out["lower"].to_list()[:4] == pytest.approx([37.5535, 56.5518, 0.0, 20.6549], abs=1e-3)
    assert out["upper"].to_list()[:4] == pytest.approx([96.3776, 100.0, 43.4482, 100.0], abs=1e-3)
    assert out.row(4) == (None, None, None)


def test_bounds_at_0_and_100_percent_are_exact() -> None:
    # at 0/n the lower bound is (z²/2n - z × sqrt(z²/4n²)) / (1 + z²/n) = 0 exactly, and at
    # n/n the upper bound is 1 exactly; floating point alone would leave a trace like 5e-15.
    # n = 3: the other bound of 0/3 is (z²/6 + z × sqrt(z²/36)) / (1 + z²/3)
    # = (0.6402431 + 0.6402431) / 2.2804863 = 0.5614970, and of 3/3 is 1 - 0.5614970
    frame = pl.DataFrame({"num": [0, 3], "den": [3, 3]})
    lower, upper = stats.wilson_exprs(pl.col("num"), pl.col("den"))
    out = frame.select(lower=lower, upper=upper)
    assert out["lower"][0] == 0.0
    assert out["upper"][1] == 100.0
    assert stats.wilson(0, 3) == (0.0, pytest.approx(56.1497, abs=1e-3))
    assert stats.wilson(3, 3) == (pytest.approx(43.8503, abs=1e-3), 100.0)
