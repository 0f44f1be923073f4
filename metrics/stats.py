"""Small-number statistics: the 95% Wilson score interval for a proportion, in percent.

The Wilson interval behaves well where the simple "p ± 1.96 SE" interval fails: at 0% and
100% and on the handful of children a City of London rate rests on (Wilson 1927; it is the
interval the NHS and ONS recommend for proportions).
"""

from __future__ import annotations

import math

import polars as pl

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson(numerator: float, denominator: float, z: float = Z95) -> tuple[float, float] | None:
    """Lower and upper bound, in percent, of the Wilson interval for numerator/denominator.

    None when the denominator is 0: there is no proportion to bound.
    """
    if denominator <= 0:
        return None
    n = float(denominator)
    p = numerator / n
    z2 = z * z
    scale = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / scale
    # at p = 0 and p = 1 a bound is exactly 0% or 100%; rounding would leave it a hair off
    lower = 0.0 if numerator <= 0 else max(centre - half, 0.0)
    upper = 1.0 if numerator >= n else min(centre + half, 1.0)
    return 100 * lower, 100 * upper


def wilson_exprs(
    numerator: pl.Expr, denominator: pl.Expr, z: float = Z95
) -> tuple[pl.Expr, pl.Expr]:
    """The same interval as polars expressions; null where the denominator is 0 or null."""
    n = denominator.cast(pl.Float64)
    p = numerator.cast(pl.Float64) / n
    z2 = z * z
    scale = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / scale
    half = z * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt() / scale
    x = numerator.cast(pl.Float64)
    lower = pl.when(x <= 0).then(0.0).otherwise((centre - half).clip(0.0, 1.0))
    upper = pl.when(x >= n).then(1.0).otherwise((centre + half).clip(0.0, 1.0))
    valid = n > 0
    return pl.when(valid).then(100 * lower), pl.when(valid).then(100 * upper)


def percent_expr(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """100 × numerator / denominator; null where the denominator is 0 or null."""
    n = denominator.cast(pl.Float64)
    return pl.when(n > 0).then(100 * numerator.cast(pl.Float64) / n)
