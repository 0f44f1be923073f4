"""What a reader knows from the definitions of the measures, for `metrics.disclosure`.

A published figure counts a set of rows of one dataset: those dated in the period that pass
the indicator's conditions (and, for a breakdown row, fall in the group). Written as a
`RowSet`, two figures can be compared the way a reader who knows what each measure means
compares them:
- a breakdown group's numerator is all of its denominator ("boys" in "% male") or none of it
  ("girls" in "% male"), whatever the data: the definitional relations;
- one measure counts part of another's rows (plans without an exception are part of all
  plans; placements rated at Panel are part of all placements), so their difference is a count
  of children too; or both count the same rows, so they are the same number.

Conditions on a column whose values are a short list (a category, yes/no, a bounded whole
number such as age) are compared by the values they let through, so `placed_by in [school]`
and the "School" group of the "Placed by" breakdown are the same rows. Other conditions
(dates, days between dates, free text) are compared as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import polars as pl

from metrics import datasets
from metrics.breakdowns import BREAKDOWNS
from metrics.compute.conditions import compile_condition
from metrics.datasets import ColumnType
from metrics.registry import Condition, Indicator, IndicatorType

ALL = "all"  # every row of the group is in the numerator
NONE = "none"  # no row of the group is in the numerator
BAND_BREAKDOWN = "Band"  # as metrics.compute.rates names the timeliness bands
NOT_KNOWN = "Not known"  # the group of rows with no value (metrics.compute.frames.group_expr)
_SURVEY_POSITIVE = ("strongly_agree", "agree")  # as metrics.compute.rates.survey counts them
_UNLISTED = "group of "


def domain(column: datasets.Column) -> pl.Series | None:
    """Every value a column can hold (None included), where that is a short list."""
    if column.type in (ColumnType.category, ColumnType.yes_no):
        return pl.Series("v", [*column.allowed_values, None], dtype=pl.String)
    if (
        column.type is ColumnType.integer
        and column.minimum is not None
        and column.maximum is not None
        and column.maximum - column.minimum <= 1_000
    ):
        return pl.Series("v", [*range(int(column.minimum), int(column.maximum) + 1), None])
    return None


@cache
def _dataset(name: str) -> datasets.Dataset | None:
    try:
        return datasets.get(name)
    except KeyError:
        return None


@cache
def _column_domain(dataset: str, column: str) -> tuple[object, ...] | None:
    ds = _dataset(dataset)
    if ds is None or column not in ds.column_names:
        return None
    values = domain(ds.column(column))
    return None if values is None else tuple(values.to_list())


@cache
def _passing(dataset: str, cond: Condition) -> frozenset[object] | None:
    """The values of its one column a condition lets through (None: not a short list)."""
    if cond.column is None:
        return None
    values = _column_domain(dataset, cond.column)
    if values is None:
        return None
    frame = pl.DataFrame({cond.column: list(values)})
    ok = frame.select(compile_condition(cond, {cond.column: frame.schema[cond.column]}))
    return frozenset(v for v, keep in zip(values, ok.to_series().to_list(), strict=True) if keep)


@cache
def group_values(dataset: str, breakdown: str, group: str) -> tuple[str, frozenset[object]] | None:
    """The column and the values that make up one group of a breakdown (None: not a list)."""
    spec = next((b for b in BREAKDOWNS.values() if b.title == breakdown), None)
    ds = _dataset(dataset)
    if spec is None or ds is None:
        return None
    column = spec.column_in(ds)
    values = _column_domain(dataset, column) if column else None
    if column is None or values is None:
        return None
    frame = pl.DataFrame({column: list(values)})
    labels = frame.select(spec.expr(column).cast(pl.String).fill_null(NOT_KNOWN)).to_series()
    return column, frozenset(v for v, g in zip(values, labels.to_list(), strict=True) if g == group)


@dataclass(frozen=True)
class RowSet:
    """The rows a published figure counts: allowed values per listed column, other tests."""

    base: tuple[object, ...]  # dataset, date column, end column, distinct, period type
    values: tuple[tuple[str, frozenset[object]], ...]  # sorted by column
    other: frozenset[object]  # conditions compared as written

    @property
    def empty(self) -> bool:
        """No row can ever pass (e.g. 'male' within the group 'Female')."""
        return any(not allowed for _, allowed in self.values)

    def within(self, bigger: RowSet) -> bool:
        """Every row of this set is in `bigger`, by definition."""
        if self.base != bigger.base or not bigger.other <= self.other:
            return False
        mine = dict(self.values)
        return all(c in mine and mine[c] <= allowed for c, allowed in bigger.values)


def _row_set(base: tuple[object, ...], dataset: str, tests: Iterable[object]) -> RowSet:
    allowed: dict[str, frozenset[object]] = {}
    other: set[object] = set()
    for test in tests:
        if isinstance(test, tuple):  # (column, values) of a breakdown group
            column, values = test
        elif isinstance(test, Condition) and (values := _passing(dataset, test)) is not None:
            column = test.column
        else:
            other.add(test)
            continue
        allowed[column] = allowed.get(column, values) & values
    full = {c: frozenset(_column_domain(dataset, c) or ()) for c in allowed}
    kept = tuple(sorted((c, v) for c, v in allowed.items() if v != full[c]))
    return RowSet(base, kept, frozenset(other))


def _conditions(indicator: Indicator) -> tuple[list[object], list[object]] | None:
    """The tests of the denominator (or count) and of the numerator, or None if not records."""
    src = indicator.source
    ds = _dataset(src.dataset)
    if ds is None or ds.shape != "record":
        return None
    where: list[object] = list(src.where)
    numerator: list[object] = list(src.numerator)
    if indicator.type is IndicatorType.survey:
        where += [
            Condition(column="question", in_=(src.question or "",)),
            Condition(column="respondent_group", in_=src.respondent_groups),
            Condition(column="response", not_in=("dont_know",)),
        ]
        numerator.append(Condition(column="response", in_=_SURVEY_POSITIVE))
    return where, where + numerator


def row_set(
    indicator: Indicator, quantity: str, breakdown: str | None = None, group: str | None = None
) -> RowSet | None:
    """The rows one published cell counts; None where that cannot be said (uploaded counts)."""
    if indicator.type in (IndicatorType.milestone, IndicatorType.series):
        return None
    tests = _conditions(indicator)
    if tests is None:
        return None
    where, numerator = tests
    src = indicator.source
    chosen = numerator if quantity == "numerator" else where
    extra: list[object] = []
    if breakdown == BAND_BREAKDOWN:
        band = next((b for b in src.bands if b.label == group), None)
        if band is None:
            return None
        if quantity == "numerator":  # a band's count; its denominator is the headline's
            chosen = where
            extra = list(band.where)
    elif breakdown is not None:
        found = group_values(src.dataset, breakdown, group or "")
        extra = [found if found is not None else _unlisted_group(breakdown, group)]
    base = (src.dataset, src.date_column, src.end_column, src.distinct, indicator.period_type)
    return _row_set(base, src.dataset, [*chosen, *extra])


def _unlisted_group(breakdown: str, group: str | None) -> str:
    """A breakdown group over a column whose values are not a short list, as a test."""
    return f"{_UNLISTED}{breakdown}: {group}"


def _unlisted(rows: RowSet) -> bool:
    return any(isinstance(t, str) and t.startswith(_UNLISTED) for t in rows.other)


def group_relation(indicator: Indicator, breakdown: str, group: str) -> str | None:
    """ALL or NONE where the definitions alone say so for a breakdown group, else None."""
    if indicator.type not in (IndicatorType.rate, IndicatorType.survey):
        return None
    if breakdown == BAND_BREAKDOWN:
        return None  # a band's denominator is the headline's: see metrics.disclosure
    num = row_set(indicator, "numerator", breakdown, group)
    den = row_set(indicator, "denominator", breakdown, group)
    if num is None or den is None or _unlisted(num):
        return None
    if num.empty:
        return NONE
    if den.within(num):
        return ALL
    return None


def defined_by_data(indicator: Indicator, breakdown: str, group: str) -> bool:
    """Whether the definitions cannot say what a group's numerator is, so the data must.

    True for uploaded counts and for breakdowns over a column whose values are not a short
    list; there a group whose numerator is all or none of it is taken as known to a reader
    (erring towards protection).
    """
    if indicator.type not in (IndicatorType.rate, IndicatorType.survey):
        return False
    if breakdown == BAND_BREAKDOWN:
        return False
    num = row_set(indicator, "numerator", breakdown, group)
    return num is None or _unlisted(num)
