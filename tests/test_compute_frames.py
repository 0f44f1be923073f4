"""Period columns computed in polars: the period each date falls in, and periods from labels."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics import periods
from metrics.compute.frames import (
    dataset_frame,
    months_in,
    periods_between,
    with_period,
    with_period_from_label,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "period_type", "label", "start", "end"),
    [
        # 29 February 2024 in each kind of period
        (D(2024, 2, 29), "calendar_year", "2024", D(2024, 1, 1), D(2024, 12, 31)),
        (D(2024, 2, 29), "academic_year", "2023/24", D(2023, 9, 1), D(2024, 8, 31)),
        (D(2024, 2, 29), "financial_year", "2023-24", D(2023, 4, 1), D(2024, 3, 31)),
        (D(2024, 2, 29), "quarter", "2024-Q1", D(2024, 1, 1), D(2024, 3, 31)),
        (D(2024, 2, 29), "month", "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        # the first and last days of years
        (D(2024, 9, 1), "academic_year", "2024/25", D(2024, 9, 1), D(2025, 8, 31)),
        (D(2024, 8, 31), "academic_year", "2023/24", D(2023, 9, 1), D(2024, 8, 31)),
        (D(2025, 3, 31), "financial_year", "2024-25", D(2024, 4, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), "financial_year", "2025-26", D(2025, 4, 1), D(2026, 3, 31)),
        (D(2024, 12, 31), "quarter", "2024-Q4", D(2024, 10, 1), D(2024, 12, 31)),
        (D(1999, 12, 31), "academic_year", "1999/00", D(1999, 9, 1), D(2000, 8, 31)),
    ],
)
def test_period_of_a_date(
    day: dt.date, period_type: str, label: str, start: dt.date, end: dt.date
) -> None:
    out = pl.LazyFrame({"d": [day]}).pipe(with_period, pl.col("d"), period_type).collect()
    assert out.select("period", "period_start", "period_end").row(0) == (label, start, end)


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_period_columns_agree_with_the_periods_module(day: dt.date) -> None:
    frame = pl.LazyFrame({"d": [day]})
    for ptype in periods.PeriodType:
        out = frame.pipe(with_period, pl.col("d"), ptype).collect()
        label = periods.label_for(day, ptype)
        assert out.select("period", "period_start", "period_end").row(0) == (
            label,
            *periods.parse(label, ptype),
        )


@pytest.mark.parametrize(
    ("label", "period_type", "start", "end"),
    [
        ("2024", "calendar_year", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024/25", "academic_year", D(2024, 9, 1), D(2025, 8, 31)),
        ("2024-25", "financial_year", D(2024, 4, 1), D(2025, 3, 31)),
        ("2024-Q3", "quarter", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", "month", D(2023, 2, 1), D(2023, 2, 28)),
    ],
)
def test_period_from_a_label(label: str, period_type: str, start: dt.date, end: dt.date) -> None:
    out = pl.LazyFrame({"p": [label]}).pipe(with_period_from_label, "p", period_type).collect()
    assert out.select("period", "period_start", "period_end").row(0) == (label, start, end)


def test_labels_of_another_period_type_are_dropped() -> None:
    labels = ["2024/26", "2024-Q5", "24", "2024-13", "2024-25", "2024/25"]
    out = pl.LazyFrame({"p": labels}).pipe(with_period_from_label, "p", "academic_year").collect()
    assert out["period"].to_list() == ["2024/25"]


def test_months_in_a_period() -> None:
    out = pl.DataFrame(
        {
            "s": [D(2024, 1, 1), D(2024, 1, 1), D(2023, 9, 1), D(2024, 11, 1)],
            "e": [D(2024, 1, 31), D(2024, 3, 31), D(2024, 8, 31), D(2025, 2, 28)],
        }
    ).select(months_in(pl.col("s"), pl.col("e")))
    # a month; a quarter; an academic year; November to February across a new year
    assert out[:, 0].to_list() == [1, 3, 12, 4]


def test_a_run_of_periods_includes_those_with_no_data() -> None:
    bounds = pl.LazyFrame({"_first": [D(2024, 11, 15)], "_last": [D(2026, 2, 1)]})
    out = periods_between(bounds, "financial_year").sort("period_start").collect()
    assert out["period"].to_list() == ["2024-25", "2025-26"]
    assert out["period_end"].to_list() == [D(2025, 3, 31), D(2026, 3, 31)]


def test_a_missing_dataset_is_an_empty_frame_with_typed_columns() -> None:
    out = dataset_frame({}, "ap_placements").collect()
    assert out.is_empty()
    assert out.schema["start_date"] == pl.Date
    assert out.schema["placed_by"] == pl.String


def test_columns_arrive_with_their_dataset_types() -> None:
    raw = pl.LazyFrame({"panel_date": [D(2025, 1, 22)], "extra": ["kept"]})
    out = dataset_frame({"panel_requests": raw}, "panel_requests").collect()
    assert out.schema["quality_rating"] == pl.String  # absent: a typed null column
    assert out["extra"].to_list() == ["kept"]
