"""Registry conditions as row filters. A null fails every test except `blank`."""

from __future__ import annotations

import datetime as dt
import tomllib

import polars as pl

from metrics.compute.conditions import compile_all, compile_condition
from metrics.registry import Condition

D = dt.date

ROWS = pl.DataFrame(
    {
        "outcome": ["plan_issued", "withdrawn", None, ""],
        "age": [4, 12, None, 25],
        "received": [D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1), None],
        "issued": [D(2024, 5, 20), D(2024, 5, 21), None, D(2024, 5, 21)],
    }
)


def condition(toml: str) -> Condition:
    """A condition written as it is in indicators.toml."""
    return Condition.model_validate(tomllib.loads(f"c = {toml}")["c"])


def passing(toml: str) -> list[bool]:
    return ROWS.select(compile_condition(condition(toml)))[:, 0].to_list()


def test_in_lists_the_values_that_pass() -> None:
    assert passing('{column = "outcome", in = ["plan_issued"]}') == [True, False, False, False]


def test_not_in_fails_nulls_too() -> None:
    # a missing outcome is not known to be "not withdrawn"; an empty text is a value
    assert passing('{column = "outcome", not_in = ["withdrawn"]}') == [True, False, False, True]


def test_blank_means_null_or_empty() -> None:
    assert passing('{column = "outcome", blank = true}') == [False, False, True, True]
    assert passing('{column = "outcome", blank = false}') == [True, True, False, False]
    assert passing('{column = "issued", blank = false}') == [True, True, False, True]


def test_numeric_bounds() -> None:
    assert passing('{column = "age", below = 12}') == [True, False, False, False]
    assert passing('{column = "age", at_least = 12}') == [False, True, False, True]
    assert passing('{column = "age", at_least = 5, below = 25}') == [False, True, False, False]


def test_days_between_two_dates() -> None:
    # 1 Jan -> 20 May 2024 = 31 + 29 + 31 + 30 + 19 = 140 days; 21 May = 141
    days = '{days_from = "received", days_to = "issued", '
    assert passing(days + "at_most = 140}") == [True, False, False, False]
    assert passing(days + "more_than = 140}") == [False, True, False, False]
    assert passing(days + "more_than = 139, at_most = 140}") == [True, False, False, False]


def test_all_conditions_must_pass() -> None:
    both = [
        condition('{column = "outcome", not_in = ["withdrawn"]}'),
        condition('{column = "age", below = 12}'),
    ]
    assert ROWS.select(compile_all(both))[:, 0].to_list() == [True, False, False, False]


def test_no_conditions_let_every_row_through() -> None:
    assert ROWS.filter(compile_all([])).height == 4


def test_yes_no_and_category_columns_compare_as_text() -> None:
    frame = pl.DataFrame({"priority": ["1", "4"], "taken_up": ["yes", "no"]})
    cond = condition('{column = "taken_up", in = ["yes"]}')
    assert frame.select(compile_condition(cond))[:, 0].to_list() == [True, False]
    cond = condition('{column = "priority", in = ["4"]}')
    assert frame.select(compile_condition(cond))[:, 0].to_list() == [False, True]
