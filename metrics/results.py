"""The shape of every computed result: one row per indicator, period and breakdown group."""

from __future__ import annotations

import polars as pl

# breakdown and breakdown_group are null for the headline figure.
# value, lower and upper are percentages (0-100) for rates and plain numbers for counts.
# note says in plain English why a value is missing or what it rests on.
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "indicator_id": pl.String(),
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "breakdown": pl.String(),
    "breakdown_group": pl.String(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "value": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "status": pl.String(),
    "note": pl.String(),
}


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT_SCHEMA)


def conform(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Give a calculator's output exactly the result columns, in order, with their types."""
    lf = frame.lazy()
    names = lf.collect_schema().names()
    return lf.select(
        (pl.col(c) if c in names else pl.lit(None)).cast(t).alias(c)
        for c, t in RESULT_SCHEMA.items()
    )
