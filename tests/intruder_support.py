"""The intruder: works suppressed counts out of what is published, as a determined reader would.

Written apart from `metrics.disclosure` (it imports nothing of it but the entry point that
makes the published rows), so that it checks the suppression rather than repeating it. The
reader sees the published rows (numbers, `c`, which footnote each `c` has) and knows what
every measure means from the registry:
- the groups of a breakdown add up to the headline, a breakdown whose groups are unions of a
  finer one's adds up from it, and the timeliness bands add up to the plans issued;
- a breakdown group's numerator is all of its denominator, or none of it, where the measure's
  conditions and the breakdown's definition say so ("boys" in "% male");
- two measures counting the same rows are the same number; where one counts part of the
  other's rows (plans without an exception, of all plans) their difference is a count of
  children, from 0 up; each period of a running total less the one before is a count;
- `c` marked "fewer than 5" is 1 to 4; a secondary `c` is 0 or at least 5.

From these it solves, with exact whole-number arithmetic, every equation and bound it can:
bounds are propagated through every equation and then every alternative value of a hidden
count is tried by exhaustive search. A finding is a count from 1 to threshold-1 shown as `c`,
or a difference between related measures or periods from 1 to threshold-1, that has only one
possible value. The rule on complements (About page) is the reader's too: a rate's own
"not in the numerator" (its denominator less its numerator) is published, so it is no finding.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from sqlalchemy import Engine

from metrics import api, datasets
from metrics.breakdowns import BREAKDOWNS
from metrics.compute.conditions import compile_condition
from metrics.registry import Condition, Indicator, IndicatorType, Registry

BANDS = "Band"
NOT_KNOWN = "Not known"
POSITIVE = ("strongly_agree", "agree")  # what a survey counts as agreeing (methodology)
NOT_PEOPLE = (IndicatorType.milestone, IndicatorType.series)
RATES = (IndicatorType.rate, IndicatorType.survey)


class SearchTooLarge(Exception):
    """The exhaustive search met its budget: the audit cannot say either way."""


@dataclass(frozen=True)
class Finding:
    """A count a reader can work out exactly although it is from 1 to threshold-1."""

    what: str
    value: int

    def __str__(self) -> str:
        return f"{self.what} = {self.value}"


# ---------------------------------------------------------------------------------------------
# What a measure's definition says: the rows a published figure counts
# ---------------------------------------------------------------------------------------------


@cache
def _values_of(dataset: str, column: str) -> list[Any] | None:
    """The values a column can hold (with a blank), where they are a short list."""
    try:
        col = datasets.get(dataset).column(column)
    except KeyError:
        return None
    if col.type in (datasets.ColumnType.category, datasets.ColumnType.yes_no):
        return [*col.allowed_values, None]
    bounded = col.minimum is not None and col.maximum is not None
    if col.type is datasets.ColumnType.integer and bounded and col.maximum - col.minimum <= 1000:
        return [*range(int(col.minimum), int(col.maximum) + 1), None]
    return None


@cache
def _passes(dataset: str, cond: Condition) -> frozenset[Any] | None:
    if cond.column is None:
        return None
    values = _values_of(dataset, cond.column)
    if values is None:
        return None
    frame = pl.DataFrame({cond.column: values})
    ok = frame.select(compile_condition(cond, dict(frame.schema))).to_series().to_list()
    return frozenset(v for v, keep in zip(values, ok, strict=True) if keep)


@cache
def _group_members(dataset: str, breakdown: str, group: str) -> tuple[str, frozenset[Any]] | None:
    spec = next((b for b in BREAKDOWNS.values() if b.title == breakdown), None)
    if spec is None:
        return None
    column = spec.column_in(datasets.get(dataset))
    values = _values_of(dataset, column) if column else None
    if column is None or values is None:
        return None
    frame = pl.DataFrame({column: values})
    labels = frame.select(spec.expr(column).cast(pl.String).fill_null(NOT_KNOWN)).to_series()
    return column, frozenset(v for v, g in zip(values, labels.to_list(), strict=True) if g == group)


@dataclass(frozen=True)
class Rows:
    """The rows a figure counts: per listed column the values let through; other tests."""

    family: tuple[Any, ...]
    columns: frozenset[tuple[str, frozenset[Any]]]
    tests: frozenset[str]

    def part_of(self, other: Rows) -> bool:
        if self.family != other.family or not other.tests <= self.tests:
            return False
        mine = dict(self.columns)
        return all(c in mine and mine[c] <= v for c, v in other.columns)

    @property
    def nothing(self) -> bool:
        return any(not v for _, v in self.columns)


def family(ind: Indicator) -> tuple[Any, ...] | None:
    """Figures of measures in one family count rows of the same dataset, dated the same way."""
    src = ind.source
    if ind.type in NOT_PEOPLE or datasets.get(src.dataset).shape != "record":
        return None
    return (src.dataset, src.date_column, src.end_column, src.distinct, ind.period_type.value)


def rows_counted(ind: Indicator, quantity: str, breakdown: str | None, group: str | None):
    """The `Rows` one published cell counts, or None if the registry cannot say."""
    fam = family(ind)
    if fam is None:
        return None
    src = ind.source
    tests: list[Any] = list(src.where)
    if ind.type is IndicatorType.survey:
        tests += [
            Condition(column="question", in_=(src.question or "",)),
            Condition(column="respondent_group", in_=src.respondent_groups),
            Condition(column="response", not_in=("dont_know",)),
        ]
    if quantity == "numerator" and breakdown != BANDS:
        tests += list(src.numerator)
        if ind.type is IndicatorType.survey:
            tests.append(Condition(column="response", in_=POSITIVE))
    if breakdown == BANDS:
        band = next((b for b in src.bands if b.label == group), None)
        if band is None:
            return None
        if quantity == "numerator":
            tests += list(band.where)
    elif breakdown is not None:
        members = _group_members(src.dataset, breakdown, group or "")
        if members is None:
            return None
        tests.append(members)
    allowed: dict[str, frozenset[Any]] = {}
    other: set[str] = set()
    for test in tests:
        if isinstance(test, tuple):
            column, values = test
        else:
            values = _passes(src.dataset, test)
            if values is None:
                other.add(test.model_dump_json())
                continue
            column = test.column
        allowed[column] = allowed[column] & values if column in allowed else values
    everything = {c: frozenset(_values_of(src.dataset, c) or ()) for c in allowed}
    listed = frozenset((c, v) for c, v in allowed.items() if v != everything[c])
    return Rows(fam, listed, frozenset(other))


# ---------------------------------------------------------------------------------------------
# The reader's equations
# ---------------------------------------------------------------------------------------------

Cell = tuple[str, str, str | None, str | None, str]  # indicator, period, breakdown, group, quantity


@dataclass
class Knowledge:
    """Unknowns (with what a reader knows of their range) and equations between figures."""

    threshold: int
    truth: dict[Cell, int]
    shown: dict[Cell, int | None]  # a published number, or None for `c`
    kind: dict[Cell, str]  # for a `c`: "primary" (1 to t-1) or anything else (0 or >= t)
    differences: dict[str, int] = field(default_factory=dict)  # name -> true value
    equations: list[dict[Any, int]] = field(default_factory=list)  # terms; sum == 0

    def holds(self, terms: Mapping[Any, int]) -> bool:
        return sum(c * self.value(k) for k, c in terms.items()) == 0

    def value(self, key: Any) -> int:
        return self.differences[key] if isinstance(key, str) else self.truth[key]

    def equal_sum(self, parts: Sequence[Cell], total: Cell) -> None:
        """sum(parts) = total, if all are published rows and the data agree."""
        if not parts or any(p not in self.shown for p in (*parts, total)):
            return
        terms: dict[Any, int] = {}
        for p in parts:
            terms[p] = terms.get(p, 0) + 1
        terms[total] = terms.get(total, 0) - 1
        terms = {k: c for k, c in terms.items() if c}
        if terms and self.holds(terms):
            self.equations.append(terms)

    def difference(self, part: Cell, whole: Cell) -> None:
        """whole - part is a count (0 or more) the reader can work out."""
        gap = self.truth[whole] - self.truth[part]
        if gap < 0:
            return
        name = f"{whole} less {part}"
        self.differences[name] = gap
        self.equations.append({whole: 1, part: -1, name: -1})


def _quantities(ind: Indicator) -> tuple[str, ...]:
    return ("numerator", "denominator") if ind.type in RATES else ("value",)


def _number(value: Any) -> int | None:
    if value is None or value != value:
        return None
    return round(float(value))


def knowledge(
    registry: Registry, truth: pl.DataFrame, published: pl.DataFrame, threshold: int
) -> Knowledge:
    """Everything the reader of `published` knows, as unknowns and equations."""
    indicators = {i.id: i for i in registry.indicators if i.type not in NOT_PEOPLE}
    true_cells: dict[Cell, int] = {}
    for row in truth.filter(pl.col("indicator_id").is_in(list(indicators))).iter_rows(named=True):
        for q in _quantities(indicators[row["indicator_id"]]):
            v = _number(row[q])
            if v is not None:
                key = (row["indicator_id"], row["period"], row["breakdown"], row["breakdown_group"])
                true_cells[(*key, q)] = v
    shown: dict[Cell, int | None] = {}
    kind: dict[Cell, str] = {}
    for row in published.filter(pl.col("indicator_id").is_in(list(indicators))).iter_rows(
        named=True
    ):
        ind = indicators[row["indicator_id"]]
        key = (row["indicator_id"], row["period"], row["breakdown"], row["breakdown_group"])
        for q in _quantities(ind):
            text = row[f"published_{q}"]
            cell = (*key, q)
            if cell not in true_cells or text is None:
                continue
            if text == "c":
                shown[cell] = None
                kind[cell] = row[f"{q}_flag"] or "secondary"
            else:
                shown[cell] = int(text.replace(",", "").split(".")[0])
                assert shown[cell] == true_cells[cell], (cell, text)
    know = Knowledge(threshold, true_cells, shown, kind)
    _sums(know, indicators)
    _definitions(know, indicators)
    _related(know, indicators)
    _running_totals(know, indicators)
    return know


def _rows_of(know: Knowledge) -> dict[tuple[str, str], dict[tuple[str | None, str | None], set]]:
    out: dict[tuple[str, str], dict[tuple[str | None, str | None], set]] = {}
    for ind, period, breakdown, group, q in know.shown:
        out.setdefault((ind, period), {}).setdefault((breakdown, group), set()).add(q)
    return out


def _sums(know: Knowledge, indicators: Mapping[str, Indicator]) -> None:
    for (ind_id, period), rows in _rows_of(know).items():
        ind = indicators[ind_id]
        head = (None, None)
        by_breakdown: dict[str, list[str]] = {}
        for breakdown, group in rows:
            if breakdown is not None:
                by_breakdown.setdefault(breakdown, []).append(group)
        for breakdown, groups in by_breakdown.items():
            if breakdown == BANDS:
                parts = [(ind_id, period, BANDS, g, "numerator") for g in groups]
                know.equal_sum(parts, (ind_id, period, None, None, "denominator"))
                for g in groups:
                    know.equal_sum(
                        [(ind_id, period, BANDS, g, "denominator")],
                        (ind_id, period, None, None, "denominator"),
                    )
                    band = next((b for b in ind.source.bands if b.label == g), None)
                    if band is not None and band.where == ind.source.numerator:
                        know.equal_sum(
                            [(ind_id, period, BANDS, g, "numerator")],
                            (ind_id, period, None, None, "numerator"),
                        )
                continue
            for q in _quantities(ind):
                parts = [(ind_id, period, breakdown, g, q) for g in groups]
                know.equal_sum(parts, (ind_id, period, *head, q))
        # a coarse group made of fine groups (ethnic groups within global majority)
        for fine, coarse in itertools.permutations(by_breakdown, 2):
            if BANDS in (fine, coarse):
                continue
            src = ind.source.dataset
            made_of: dict[str, list[str]] = {}
            fits = True
            for g in by_breakdown[fine]:
                members = _group_members(src, fine, g)
                homes = [
                    c
                    for c in by_breakdown[coarse]
                    if members
                    and (cm := _group_members(src, coarse, c))
                    and cm[0] == members[0]
                    and members[1] <= cm[1]
                ]
                if len(homes) != 1:
                    fits = False
                    break
                made_of.setdefault(homes[0], []).append(g)
            if not fits:
                continue
            for c, gs in made_of.items():
                for q in _quantities(ind):
                    know.equal_sum(
                        [(ind_id, period, fine, g, q) for g in gs], (ind_id, period, coarse, c, q)
                    )


def _definitions(know: Knowledge, indicators: Mapping[str, Indicator]) -> None:
    """A group's numerator is all or none of it, where the definitions say so."""
    for ind_id, period, breakdown, group, q in list(know.shown):
        ind = indicators[ind_id]
        if q != "numerator" or breakdown in (None, BANDS):
            continue
        num = rows_counted(ind, "numerator", breakdown, group)
        den = rows_counted(ind, "denominator", breakdown, group)
        if num is None or den is None:
            continue
        n = (ind_id, period, breakdown, group, "numerator")
        d = (ind_id, period, breakdown, group, "denominator")
        if num.nothing and know.holds({n: 1}):
            know.equations.append({n: 1})  # the numerator is 0
        elif den.part_of(num) and d in know.shown:
            know.equal_sum([n], d)


def _related(know: Knowledge, indicators: Mapping[str, Indicator]) -> None:
    """Equal row sets are one number; nested ones give a difference (rates' own complements
    aside)."""
    sets: dict[Cell, Rows] = {}
    for cell in know.shown:
        ind_id, _period, breakdown, group, q = cell
        found = rows_counted(indicators[ind_id], q, breakdown, group)
        if found is not None:
            sets[cell] = found
    complements = set()
    for cell, rows in sets.items():
        if cell[4] == "numerator" and (den := (*cell[:4], "denominator")) in sets:
            complements.add((rows, sets[den]))
    by_period: dict[str, list[Cell]] = {}
    for cell in sets:
        by_period.setdefault(cell[1], []).append(cell)
    for cells in by_period.values():
        for a, b in itertools.combinations(cells, 2):
            if a[0] == b[0] or sets[a].family != sets[b].family:
                continue
            if sets[a] == sets[b]:
                know.equal_sum([a], b)
            elif a[2:4] == b[2:4]:
                if sets[a].part_of(sets[b]) and (sets[a], sets[b]) not in complements:
                    know.difference(a, b)
                elif sets[b].part_of(sets[a]) and (sets[b], sets[a]) not in complements:
                    know.difference(b, a)


def _running_totals(know: Knowledge, indicators: Mapping[str, Indicator]) -> None:
    for ind in indicators.values():
        if ind.type is not IndicatorType.cumulative_count:
            continue
        cells = [c for c in know.shown if c[0] == ind.id and c[2] is None]
        cells.sort(key=lambda c: c[1])
        for before, after in itertools.pairwise(cells):
            know.difference(before, after)


# ---------------------------------------------------------------------------------------------
# Solving: bounds propagation and exhaustive search, in whole numbers
# ---------------------------------------------------------------------------------------------


@dataclass
class _System:
    names: list[Any]
    lo: list[int]
    hi: list[int]
    gap: list[bool]  # a secondary `c`: never 1 to threshold-1
    rows: list[tuple[list[tuple[int, int]], int]]  # sum(coef * x) == rhs
    threshold: int
    budget: int = 200_000
    uses: list[list[int]] = field(default_factory=list)  # per unknown: the equations it is in

    def __post_init__(self) -> None:
        self.uses = [[] for _ in self.names]
        for i, (terms, _rhs) in enumerate(self.rows):
            for v, _c in terms:
                self.uses[v].append(i)

    def _tighten(self, lo: list[int], hi: list[int]) -> bool:
        """Narrow every range through every equation until nothing changes; False if none fit."""
        t = self.threshold
        todo = set(range(len(self.rows)))
        while todo:
            terms, rhs = self.rows[todo.pop()]
            total_min = sum(c * (lo[v] if c > 0 else hi[v]) for v, c in terms)
            total_max = sum(c * (hi[v] if c > 0 else lo[v]) for v, c in terms)
            if not total_min <= rhs <= total_max:
                return False
            for v, c in terms:
                mn = c * (lo[v] if c > 0 else hi[v])
                mx = c * (hi[v] if c > 0 else lo[v])
                a, b = rhs - (total_max - mx), rhs - (total_min - mn)  # c * x in [a, b]
                if c > 0:
                    new_lo, new_hi = -(-a // c), b // c
                else:
                    new_lo, new_hi = -(-b // c), a // c
                if self.gap[v]:
                    if 1 <= new_lo < t:
                        new_lo = t
                    if 1 <= new_hi < t:
                        new_hi = 0
                if new_lo > lo[v] or new_hi < hi[v]:
                    lo[v], hi[v] = max(lo[v], new_lo), min(hi[v], new_hi)
                    if lo[v] > hi[v]:
                        return False
                    todo.update(self.uses[v])
                    break  # this equation's sums are stale; it is back in `todo`
        return True

    def feasible(self, lo: list[int], hi: list[int]) -> bool:
        self.budget -= 1
        if self.budget < 0:
            raise SearchTooLarge(str(self.names))
        lo, hi = list(lo), list(hi)
        if not self._tighten(lo, hi):
            return False
        open_vars = [v for v in range(len(lo)) if lo[v] < hi[v]]
        if not open_vars:
            return True
        v = min(open_vars, key=lambda x: hi[x] - lo[x])
        if hi[v] - lo[v] <= 8:
            choices = [(x, x) for x in range(lo[v], hi[v] + 1)]
        else:
            mid = (lo[v] + hi[v]) // 2
            choices = [(lo[v], mid), (mid + 1, hi[v])]
        for a, b in choices:
            lo2, hi2 = list(lo), list(hi)
            lo2[v], hi2[v] = a, b
            if self.feasible(lo2, hi2):
                return True
        return False

    def pinned(self, v: int, true: int) -> bool:
        """Whether `true` is the only value the unknown can take."""
        below = list(self.hi)
        below[v] = min(below[v], true - 1)
        if self.lo[v] <= below[v] and self.feasible(self.lo, below):
            return False
        above = list(self.lo)
        above[v] = max(above[v], true + 1)
        return not (above[v] <= self.hi[v] and self.feasible(above, self.hi))


def findings(know: Knowledge) -> list[Finding]:
    """Every small count shown as `c`, or small difference, that has only one possible value."""
    t = know.threshold
    unknown = [c for c, v in know.shown.items() if v is None] + list(know.differences)
    index = {name: i for i, name in enumerate(unknown)}
    true = [know.value(n) for n in unknown]
    cap = 2 * max([*know.truth.values(), *know.differences.values(), 0]) + 2 * t
    lo, hi, gap = [], [], []
    for name in unknown:
        if isinstance(name, str):
            lo.append(0), hi.append(cap), gap.append(False)
        elif know.kind[name] == "primary":
            lo.append(1), hi.append(t - 1), gap.append(False)
        else:
            lo.append(0), hi.append(cap), gap.append(True)
    rows: list[tuple[list[tuple[int, int]], int]] = []
    for terms in know.equations:
        rhs = 0
        coefs: list[tuple[int, int]] = []
        for key, c in terms.items():
            if key in index:
                coefs.append((index[key], c))
            else:
                rhs -= c * know.shown[key]  # a published number moves to the other side
        if coefs:
            rows.append((coefs, rhs))
    out: list[Finding] = []
    for component in _components(len(unknown), rows):
        local = {v: i for i, v in enumerate(component)}
        system = _System(
            names=[unknown[v] for v in component],
            lo=[lo[v] for v in component],
            hi=[hi[v] for v in component],
            gap=[gap[v] for v in component],
            rows=[
                ([(local[v], c) for v, c in terms], rhs)
                for terms, rhs in rows
                if terms[0][0] in local
            ],
            threshold=t,
        )
        assert system.feasible(system.lo, system.hi), "the true figures must fit the equations"
        for v in component:
            name = unknown[v]
            small = 1 <= true[v] < t
            hidden_small = small and (isinstance(name, str) or know.kind[name] == "primary")
            if hidden_small and system.pinned(local[v], true[v]):
                out.append(Finding(str(name), true[v]))
    return out


def _components(n: int, rows: Iterable[tuple[list[tuple[int, int]], int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for terms, _rhs in rows:
        first = find(terms[0][0])
        for v, _c in terms[1:]:
            parent[find(v)] = first
    groups: dict[int, list[int]] = {}
    for v in range(n):
        groups.setdefault(find(v), []).append(v)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def attack(
    registry: Registry, truth: pl.DataFrame, published: pl.DataFrame, threshold: int = 5
) -> list[Finding]:
    """What a reader of `published` works out that it should not (`truth`: the true rows)."""
    return findings(knowledge(registry, truth, published, threshold))


def publish(registry: Registry, truth: pl.DataFrame, threshold: int = 5) -> pl.DataFrame:
    from metrics import disclosure  # the one thing of the module under test used here

    return disclosure.suppress_results(truth, threshold, registry=registry)


def audit_results(registry: Registry, truth: pl.DataFrame, threshold: int = 5) -> list[Finding]:
    """Publish true results as the dashboard does, then attack them."""
    return attack(registry, truth, publish(registry, truth, threshold), threshold)


def audit_database(
    registry: Registry, engine: Engine, *, on: dt.date, threshold: int = 5
) -> list[Finding]:
    """The intruder against everything an area's database publishes on a day."""
    return audit_results(registry, api.compute(engine, registry, on=on), threshold)
