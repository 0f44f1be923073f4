"""Small-number suppression for everything that leaves the building (DESIGN.md section 5).

The one place the rule lives. In the publication view and every export, a count from 1 to
threshold-1 is shown as `c` (primary suppression); a rate resting on such a count is withheld;
and where a published total would let someone work a suppressed count out, more cells are
suppressed (secondary suppression) until none can be. A true zero stays 0: it says nothing
about any one child. The internal view shows true numbers and never calls this module.

What "cannot be worked out" means here. Every total a reader sees is a linear equation over
the cells (a row adds up to its total; the groups of a breakdown add up to the headline; the
groups of a finer breakdown add up to the coarser one, e.g. ethnic groups to "Global majority").
Suppression is repeated until, for every such equation:
- no equation has exactly one suppressed cell (0, or at least 2);
- no suppressed count can be solved exactly from all the equations together (exact linear
  algebra over the suppressed cells);
- the equation's published total does not pin a suppressed count to one value once a reader
  uses what `c` tells them (1 to threshold-1) and that a secondary cell is 0 or at least the
  threshold: 1 + 1 + 10 = 12 with both small cells as `c` would give both away.
Headline figures matter most: where protecting a breakdown's cell would need the headline
hidden, that breakdown is left out of publication for the period instead.

What a reader knows from the definitions counts too (`metrics.disclosure_relations`): a
breakdown group's numerator is all of its denominator or none of it where the measure's
conditions and the breakdown say so (numerator = denominator is an equation; numerator = 0 a
figure the reader knows); measures counting rows of the same dataset the same way are protected
together, the same rows being one number and nested rows a difference that is itself a count of
children (a hidden unknown, protected like a `c` when from 1 to threshold-1); and every
period of a running total is protected together, each total less the one before being such a
difference. A `c` must also not be pinned by bounds worked through all the equations (four
`c` groups adding up to a `c` headline are 1 each), nor by an exhaustive search in whole
numbers over the equations it is linked to (which finds what only a combination of equations
says). A rate's own complement (its denominator
less its numerator) is published, as the strategy publishes it; `rules` states all this for the
About page. `tests/test_intruder.py` attacks the published figures independently.

Which figures are counts of people: every indicator except milestones (progress, not a count)
and series (website visits); see `applies_to`.

Free text is published too: `metrics.free_text` finds small counts of people written in
officers' commentary.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import polars as pl

from metrics import datasets, summaries
from metrics import disclosure_relations as relations
from metrics.breakdowns import BREAKDOWNS
from metrics.registry import Indicator, IndicatorType, Registry
from metrics.settings import get_settings
from metrics.status import Status

SUPPRESSED = "c"
PRIMARY = "primary"  # the count itself is from 1 to threshold-1
SECONDARY = "secondary"  # suppressed so that a primary cell cannot be worked out
WITHHELD = "withheld"  # a rate (and its interval) resting on a suppressed count
NOT_PUBLISHED = "not_published"  # a breakdown left out: it would give a suppressed number away
DIFFERENCE = "difference"  # footnote: hidden so a difference between measures or periods is safe
_DERIVED = "derived"  # a difference a reader can work out that is not small: needs no protection

FOOTNOTE_SEPARATOR = " | "  # between a row's footnotes (a footnote itself may hold "; ")
BAND_BREAKDOWN = "Band"  # as metrics.compute.rates names the timeliness bands

_NOT_PEOPLE = frozenset({IndicatorType.milestone, IndicatorType.series})
_RATE_TYPES = frozenset({IndicatorType.rate, IndicatorType.survey})


def footnotes(threshold: int) -> dict[str, str]:
    """The footnote for each kind of suppression, for a given threshold."""
    return {
        PRIMARY: f"c: fewer than {threshold} children; suppressed to protect privacy",
        SECONDARY: (
            "secondary suppression: suppressed so that another suppressed value cannot be "
            "worked out"
        ),
        WITHHELD: "withheld: a percentage is not shown when a number it rests on is suppressed",
        NOT_PUBLISHED: (
            "breakdown not published for this period: with so few children it would give a "
            "suppressed number away"
        ),
        DIFFERENCE: (
            "withheld for this period: set beside a related measure, or the running total of "
            f"the period before, it would give away a number of fewer than {threshold} children"
        ),
    }


FOOTNOTES: dict[str, str] = footnotes(5)


def rules(threshold: int) -> str:
    """The rules, in words for the About page (Markdown): the same everywhere figures leave."""
    t, below = threshold, threshold - 1
    return f"""\
The same rules apply wherever figures leave the building: the publication view, downloaded
charts and tables, the board pack, the summary sentences and meeting mode.

- **`c`**: a number of children from 1 to {below} is shown as *c* (*fewer than {t}*), and a
  percentage resting on it is withheld. A true 0 is shown: it says nothing about any one child.
- **Totals.** Where a total beside a `c` would let someone work it out (the groups of a
  breakdown add up to the whole), more figures are shown as `c` (*secondary suppression*).
  Headline figures come first: if only hiding a headline would protect a breakdown, that
  breakdown is left out for the period instead, and a footnote says so.
- **What each measure means.** A reader knows that every boy counts in *% who are boys or young
  men* and no girl does, and that every 5-to-10-year-old is *under 12*. So a breakdown by the
  thing that defines a measure is treated as giving its groups' figures away (numerator = all of
  the group, or none of it), and suppression allows for that.
- **Related measures and periods.** Where two measures count some of the same children (EHC
  plans issued within 20 weeks with and without exceptions; opportunities offered and taken up;
  all plans and plans with an annual review), or a running total grows from one period to the
  next, the difference between them is a number of children too. It is never left to be worked
  out when it is from 1 to {below}: the related measure (the one listed later) is withheld for
  that period instead, with the footnote *withheld for this period: set beside a related
  measure, or the running total of the period before, it would give away a number of fewer
  than {t} children*.
- **Complements.** A published rate such as *22 of 26* also says that 4 are not in it. Such a
  complement of a rate's own figures is published, as the strategy itself publishes *85% male*
  of 26 plans: a headline whose numerator and denominator are 0 or at least {t} is shown even
  when what is left over is smaller. A number that the published figures give away in this way
  is never shown as `c` anywhere, as if it were hidden: a breakdown that would do so (the girls
  in *% who are boys or young men*) is left out for that period, since the headline already
  says it.
"""


def default_threshold() -> int:
    return get_settings().disclosure_threshold


def threshold_or_default(threshold: int | None) -> int:
    """The threshold given, or the configured one; at least 1."""
    t = default_threshold() if threshold is None else int(threshold)
    if t < 1:
        raise ValueError(f"The disclosure threshold must be at least 1, not {t}.")
    return t


def applies_to(indicator: Indicator) -> bool:
    """Whether an indicator's figures are counts of people (and so are suppressed)."""
    return indicator.type not in _NOT_PEOPLE


def is_small(value: float | None, threshold: int) -> bool:
    """A count from 1 to threshold-1 (a true zero is not small: it identifies no one)."""
    return value is not None and value == value and 0 < value < threshold


# ---------------------------------------------------------------------------------------------
# The core: cells, the equations between them, and which cells to suppress
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """An equation a reader can see: the member cells add up to the total cell."""

    members: tuple[int, ...]
    total: int

    @property
    def cells(self) -> tuple[int, ...]:
        return (*self.members, self.total)


def _reachable(
    total: float, primaries: int, secondaries: int, threshold: int, free: bool = False
) -> bool:
    """Whether `total` can be the sum of that many primary and secondary cells.

    A primary cell is 1 to threshold-1; a secondary cell is 0 or at least the threshold
    (were it 1 to threshold-1 it would be primary). With `free`, the line also holds a
    difference that may be any count from 0 up.
    """
    if free:
        return total >= primaries
    if primaries <= total <= primaries * (threshold - 1):
        return True  # every secondary cell 0
    return secondaries > 0 and total >= primaries + threshold


def _minus(
    row: dict[int, Fraction], other: dict[int, Fraction], k: Fraction
) -> dict[int, Fraction]:
    out = dict(row)
    for col, v in other.items():
        out[col] = out.get(col, Fraction(0)) - k * v
        if out[col] == 0:
            del out[col]
    return out


def solvable(lines: Sequence[Line], hidden: Sequence[int]) -> set[int]:
    """The hidden cells whose values follow exactly from the lines (by Gauss-Jordan).

    The unknowns are the hidden cells; every line is an equation in them once the published
    cells are moved to the other side. An unknown is determined when its reduced row has no
    free unknown in it.
    """
    column = {cell: i for i, cell in enumerate(hidden)}
    pivots: dict[int, dict[int, Fraction]] = {}
    for line in lines:
        row: dict[int, Fraction] = {}
        for cell, sign in [*((m, 1) for m in line.members), (line.total, -1)]:
            if cell in column:
                row[column[cell]] = row.get(column[cell], Fraction(0)) + sign
        row = {k: v for k, v in row.items() if v}
        for col, prow in pivots.items():
            if col in row:
                row = _minus(row, prow, row[col])
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {k: v / lead for k, v in row.items()}
        for other, prow in pivots.items():
            if col in prow:
                pivots[other] = _minus(prow, row, prow[col])
        pivots[col] = row
    return {hidden[col] for col, prow in pivots.items() if len(prow) == 1}


# Propagating bounds round a loop of lines that cannot all hold moves a bound one step per
# pass, so an unbounded range would take for ever to run out: the search stops here instead,
# and erring towards protection treats the cell as pinned.
_NARROW_STEPS = 200_000


class _Bounds:
    """What a reader can narrow each cell down to, in whole numbers, through every line.

    Each cell starts at its reader's range: a published number is itself; a `c` is 1 to
    threshold-1; a secondary `c` is 0 or at least the threshold (`gap`); a difference is 0 or
    more. `narrow` propagates bounds through the lines; `only_value` searches exhaustively
    (bounds, then splitting ranges) whether a cell can take any value but its own.
    """

    def __init__(
        self, lines: Sequence[Line], ranges: Sequence[tuple[int, int, bool]], threshold: int
    ):
        self.lines = lines
        self.threshold = threshold
        self.lo = [r[0] for r in ranges]
        self.hi = [r[1] for r in ranges]
        self.gap = [r[2] for r in ranges]
        self.by_cell: dict[int, list[int]] = {}
        for i, line in enumerate(lines):
            for c in line.cells:
                self.by_cell.setdefault(c, []).append(i)
        self.budget = 0
        self.around: list[int] = []  # the cells the search splits: see `only_value`

    def narrow(self, lo: list[int], hi: list[int], todo: set[int] | None = None) -> bool:
        """Tighten lo and hi in place until nothing changes; False if nothing fits."""
        t, gap = self.threshold, self.gap
        todo = set(range(len(self.lines))) if todo is None else todo
        steps = _NARROW_STEPS
        while todo:
            steps -= 1
            if steps < 0:
                raise _TooLarge
            line = self.lines[todo.pop()]
            terms = [(m, 1) for m in line.members] + [(line.total, -1)]
            low = sum(lo[c] if k > 0 else -hi[c] for c, k in terms)
            high = sum(hi[c] if k > 0 else -lo[c] for c, k in terms)
            if not low <= 0 <= high:
                return False
            for c, k in terms:
                # the terms add up to 0, so k * x is minus the sum of the others
                own_low, own_high = (lo[c], hi[c]) if k > 0 else (-hi[c], -lo[c])
                k_low, k_high = own_high - high, own_low - low
                new_lo, new_hi = (k_low, k_high) if k > 0 else (-k_high, -k_low)
                if gap[c]:
                    if 1 <= new_lo < t:
                        new_lo = t
                    if 1 <= new_hi < t:
                        new_hi = 0
                if new_lo > lo[c] or new_hi < hi[c]:
                    lo[c], hi[c] = max(lo[c], new_lo), min(hi[c], new_hi)
                    if lo[c] > hi[c]:
                        return False
                    # keep this line's sums right for the terms after this one
                    now_low, now_high = (lo[c], hi[c]) if k > 0 else (-hi[c], -lo[c])
                    low += now_low - own_low
                    high += now_high - own_high
                    todo.update(self.by_cell[c])
        return True

    def pinned(self) -> set[int]:
        """Cells that bounds alone narrow to one value (empty if the lines contradict, or
        bounds would take too long to say: the exhaustive search then errs towards
        protection)."""
        lo, hi = list(self.lo), list(self.hi)
        try:
            if not self.narrow(lo, hi):
                return set()
        except _TooLarge:
            return set()
        return {c for c in range(len(lo)) if lo[c] == hi[c] and self.lo[c] != self.hi[c]}

    def _component(self, cell: int) -> tuple[list[int], list[int]]:
        """The unknown cells linked to `cell` through lines, and those lines: the rest of the
        table cannot change what the cell can be."""
        cells, lines, todo = {cell}, set(), [cell]
        while todo:
            for i in self.by_cell.get(todo.pop(), []):
                if i in lines:
                    continue
                lines.add(i)
                for c in self.lines[i].cells:
                    if c not in cells and self.lo[c] < self.hi[c]:
                        cells.add(c)
                        todo.append(c)
        return sorted(cells), sorted(lines)

    def _fits(self, lo: list[int], hi: list[int], todo: set[int]) -> bool:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge
        if not self.narrow(lo, hi, todo):
            return False
        cells = [c for c in self.around if lo[c] < hi[c]]
        if not cells:
            return True
        c = min(cells, key=lambda x: hi[x] - lo[x])
        if hi[c] - lo[c] < 8:
            parts = [(v, v) for v in range(lo[c], hi[c] + 1)]
        else:
            mid = (lo[c] + hi[c]) // 2
            parts = [(lo[c], mid), (mid + 1, hi[c])]
        for a, b in parts:
            lo2, hi2 = list(lo), list(hi)
            lo2[c], hi2[c] = a, b
            if self._fits(lo2, hi2, set(self.by_cell[c])):
                return True
        return False

    def only_value(self, cell: int, value: int, budget: int = 20_000) -> bool:
        """Whether `value` is the only one the cell can take (True too if the search is too
        large to say: erring towards protection)."""
        self.budget = budget
        self.around, lines = self._component(cell)
        try:
            for lo_c, hi_c in ((self.lo[cell], value - 1), (value + 1, self.hi[cell])):
                if lo_c > hi_c:
                    continue
                lo, hi = list(self.lo), list(self.hi)
                lo[cell], hi[cell] = lo_c, hi_c
                if self._fits(lo, hi, set(lines)):
                    return False
        except _TooLarge:
            return True
        return True


class _TooLarge(Exception):
    """The exhaustive search met its budget."""


def pinned_by_bounds(
    lines: Sequence[Line], ranges: Sequence[tuple[int, int, bool]], threshold: int
) -> set[int]:
    """Cells whose range, narrowed through every line in whole numbers, is a single value.

    `ranges` gives each cell's lowest and highest value and whether the values from 1 to
    threshold-1 are ruled out (a secondary `c`: 0 or at least the threshold).
    """
    return _Bounds(lines, ranges, threshold).pinned()


class _Withdraw(Exception):
    """Protecting a kept cell needs a whole group (a breakdown) left out instead."""

    def __init__(self, group: str):
        self.group = group


@dataclass
class _Search:
    """One run of secondary suppression with some groups already left out."""

    values: Sequence[float]
    lines: list[Line]
    threshold: int
    keep: frozenset[int]
    owner: Sequence[str | None]
    state: list[str | None]
    rank: Sequence[int]
    fixed: frozenset[int]
    virtual: frozenset[int]
    because_of_difference: set[int]
    safe: set[int] = field(default_factory=set)  # primary cells an exhaustive search cleared

    @classmethod
    def start(
        cls,
        values: Sequence[float],
        lines: Sequence[Line],
        threshold: int,
        keep: frozenset[int],
        owner: Sequence[str | None],
        left_out: set[str],
        *,
        virtual: frozenset[int] = frozenset(),
        rank: Sequence[int] | None = None,
        fixed: frozenset[int] = frozenset(),
    ) -> _Search:
        def first(c: int, v: float) -> str | None:
            if owner[c] is not None and owner[c] in left_out:
                return NOT_PUBLISHED
            if is_small(v, threshold):
                return PRIMARY
            return _DERIVED if c in virtual else None

        state = [first(c, v) for c, v in enumerate(values)]
        seen = [line for line in lines if not any(state[c] == NOT_PUBLISHED for c in line.cells)]
        ranks = list(rank) if rank is not None else [int(c in keep) for c in range(len(values))]
        return cls(values, seen, threshold, keep, owner, state, ranks, fixed, virtual, set())

    def hidden(self, cell: int) -> bool:
        return self.state[cell] is not None

    def suppress_one_of(self, candidates: Iterable[int], cause: int) -> None:
        """Suppress the smallest non-zero candidate, a group's cell before a kept cell.

        When only a kept cell (a headline) would do and the cell needing protection belongs to
        a group, that group is left out instead (see `protect`).
        """
        pick = min(
            (c for c in candidates if c not in self.fixed),
            key=lambda c: (self.values[c] == 0, self.rank[c], self.values[c], c),
            default=None,
        )
        if pick is None:
            raise AssertionError("secondary suppression found no cell to suppress")
        group = self.owner[cause]
        if pick in self.keep and group is not None:
            raise _Withdraw(group)
        self.state[pick] = SECONDARY
        if cause in self.virtual:
            self.because_of_difference.add(pick)

    def _one_hidden(self) -> bool:
        """An equation with exactly one suppressed cell gets another."""
        for line in self.lines:
            hidden = [c for c in line.cells if self.hidden(c)]
            if len(hidden) == 1 and self.state[hidden[0]] != _DERIVED:
                visible = [c for c in line.cells if not self.hidden(c)]
                if all(c in self.fixed for c in visible):  # nothing here can be hidden
                    if self.state[hidden[0]] == PRIMARY and self._unpin(hidden):
                        return True
                    continue
                cause = line.members[0] if line.members else hidden[0]
                self.suppress_one_of(visible, cause)
                return True
        return False

    def _pins(self, line: Line) -> bool:
        """Whether the line's published total narrows a primary cell to a single value."""
        t = self.threshold
        if self.hidden(line.total) or t < 3:  # below 3, `c` itself already says "1"
            return False
        hidden = [c for c in line.members if self.hidden(c)]
        # a difference is never shown, so a reader knows only that it is 0 or more
        free = any(c in self.virtual for c in hidden)
        primaries = [c for c in hidden if self.state[c] == PRIMARY and c not in self.virtual]
        if not primaries:
            return False
        known = self.values[line.total] - sum(
            self.values[c] for c in line.members if not self.hidden(c)
        )
        others, secondaries = len(primaries) - 1, len(hidden) - len(primaries)
        options = [v for v in range(1, t) if _reachable(known - v, others, secondaries, t, free)]
        return len(options) < 2

    def _pinned(self) -> bool:
        """A published total that pins a primary cell gets another cell of its line hidden."""
        for line in self.lines:
            if self._pins(line):
                visible = [c for c in line.cells if not self.hidden(c)]
                if all(c in self.fixed for c in visible):  # nothing here can be hidden
                    small = [c for c in line.members if self.state[c] == PRIMARY]
                    if self._unpin(small):
                        return True
                    continue
                self.suppress_one_of(visible, line.members[0])
                return True
        return False

    def _solved(self) -> bool:
        """A primary cell solvable from all the equations gets a neighbour hidden."""
        # a difference that needs no protection is in one line only, which just defines it:
        # that line cannot pin anything else exactly, so both are left out (it is quicker)
        hidden = [c for c, s in enumerate(self.state) if s is not None and s != _DERIVED]
        lines = [line for line in self.lines if all(self.state[c] != _DERIVED for c in line.cells)]
        found = sorted(c for c in solvable(lines, hidden) if self.state[c] == PRIMARY)
        if not found:
            return False
        cell = found[0]
        near = {
            c for line in self.lines if cell in line.cells for c in line.cells if not self.hidden(c)
        }
        if not near - self.fixed:  # every equation it is in is hidden: widen to any with a
            near = {  # hidden cell
                c
                for line in self.lines
                if any(self.hidden(x) for x in line.cells)
                for c in line.cells
                if not self.hidden(c)
            }
        if not near - self.fixed:  # only figures the definitions give: leave a breakdown out
            return self._unpin([cell])
        self.suppress_one_of(near, cell)
        return True

    def _bounded(self) -> bool:
        """A primary cell pinned by bounds worked through all the equations gets protected.

        `c` says 1 to threshold-1, so four `c` groups adding up to a `c` headline are 1 each
        and the headline is 4, though no equation has a published total.
        """
        pinned = pinned_by_bounds(self.lines, self.reader_ranges(), self.threshold)
        return self._unpin(sorted(c for c in pinned if self.state[c] == PRIMARY))

    def _searched(self) -> bool:
        """A primary cell that an exhaustive search in whole numbers pins gets protected.

        Bounds miss what only a combination of lines says: 7 of 9 with three `c` groups all
        in the numerator leaves 2 for the two `c` groups outside it, so both are 1. Each
        primary cell is tried at every other value it could take; none fitting, it is pinned.
        """
        bounds = _Bounds(self.lines, self.reader_ranges(), self.threshold)
        in_lines = {c for line in self.lines for c in line.cells}
        for cell in sorted(c for c in in_lines if self.state[c] == PRIMARY):
            if cell in self.safe:
                continue  # hiding more since only widens what a reader can say
            if bounds.only_value(cell, round(self.values[cell])):
                return self._unpin([cell])
            self.safe.add(cell)
        return False

    def _unpin(self, found: list[int]) -> bool:
        """Protect pinned primary cells: hide a published cell beside one, not a headline;
        else leave out the breakdown a pinned cell is in, or one adding up to it; else hide a
        headline beside it."""
        if not found:
            return False
        lines_of = {c: [line for line in self.lines if c in line.cells] for c in found}
        for cell in found:
            near = [c for line in lines_of[cell] for c in line.cells if not self.hidden(c)]
            if any(c not in self.keep and c not in self.fixed for c in near):
                self.suppress_one_of((c for c in near if c not in self.keep), cell)
                return True
        for cell in found:
            if self.owner[cell] is not None:
                raise _Withdraw(self.owner[cell])
        for cell in found:
            for line in lines_of[cell]:
                for c in line.members:
                    if self.owner[c] is not None:
                        raise _Withdraw(self.owner[c])
        for cell in found:
            near = [c for line in lines_of[cell] for c in line.cells if not self.hidden(c)]
            if any(c not in self.fixed for c in near):
                self.suppress_one_of(near, cell)
                return True
        return False

    def reader_ranges(self) -> list[tuple[int, int, bool]]:
        """What a reader knows of each cell: lowest, highest, and whether 1 to t-1 is ruled out.

        A hidden count has no highest value a reader knows of; twice the largest count in
        the table stands in for it. Ruling out values a reader cannot rule out only makes a
        cell look easier to pin, so this errs towards protection, and bounds cannot creep
        upwards for ever.
        """
        t, out = self.threshold, []
        unbounded = 2 * round(max(self.values, default=0)) + 2 * t
        for c, v in enumerate(self.values):
            if not self.hidden(c):
                out.append((round(v), round(v), False))
            elif c in self.virtual:
                out.append((0, unbounded, False))  # a difference: 0 or more
            elif self.state[c] == PRIMARY:
                out.append((1, t - 1, False))
            elif self.state[c] == NOT_PUBLISHED:
                out.append((0, unbounded, False))  # in no line: the reader never sees it
            else:
                out.append((0, unbounded, True))  # secondary: 0 or at least t
        return out

    def run(self) -> list[str | None]:
        if any(s == PRIMARY for s in self.state):
            while (
                self._one_hidden()
                or self._pinned()
                or self._solved()
                or self._bounded()
                or self._searched()
            ):
                pass
        return self.state

    def published(self) -> list[str | None]:
        """Each cell's state, a difference that needs no protection as None."""
        return [None if s == _DERIVED else s for s in self.state]


def protect(
    values: Sequence[float],
    lines: Sequence[Line],
    threshold: int,
    *,
    keep: Iterable[int] = (),
    owner: Sequence[str | None] | None = None,
    virtual: Iterable[int] = (),
    rank: Sequence[int] | None = None,
    fixed: Iterable[int] = (),
) -> list[str | None]:
    """Which cells to suppress: PRIMARY, SECONDARY, NOT_PUBLISHED or None for each value.

    Primary cells are the small counts. Then, until nothing changes: an equation with exactly
    one suppressed cell gets the next smallest cell suppressed; a published total that pins a
    primary cell to one value gets another cell in that equation suppressed; a primary cell
    that can be solved from all the equations together, or pinned by bounds or an exhaustive
    search in whole numbers, gets a cell that shares an equation with it suppressed (or its
    breakdown left out). Zeros are only chosen when nothing else is left.

    `keep` are the cells that matter most (a headline). `owner` names each cell's group (a
    breakdown; None for a headline). When protecting a group's cell would take a kept cell,
    the whole group is left out of publication instead (its cells NOT_PUBLISHED, its
    equations gone, as if the breakdown were never shown) and the search starts again.

    `virtual` cells are never published but a reader can work them out (the difference
    between two related measures, or between two running totals): a small one is protected
    like a `c` cell; the state returned for any other is None. `rank` orders the kept cells
    from the first to give up (a related measure's headline) to the last (the main one);
    `fixed` cells are never suppressed (a reader knows them from the definitions).
    """
    return _protect(values, lines, threshold, keep, owner, virtual, rank, fixed).published()


def _protect(
    values: Sequence[float],
    lines: Sequence[Line],
    threshold: int,
    keep: Iterable[int] = (),
    owner: Sequence[str | None] | None = None,
    virtual: Iterable[int] = (),
    rank: Sequence[int] | None = None,
    fixed: Iterable[int] = (),
) -> _Search:
    owners = list(owner) if owner is not None else [None] * len(values)
    kept, differences, known = frozenset(keep), frozenset(virtual), frozenset(fixed)
    left_out: set[str] = set()
    while True:
        search = _Search.start(
            values,
            lines,
            threshold,
            kept,
            owners,
            left_out,
            virtual=differences,
            rank=rank,
            fixed=known,
        )
        try:
            search.run()
            return search
        except _Withdraw as signal:
            left_out.add(signal.group)


# ---------------------------------------------------------------------------------------------
# Plain tables of counts
# ---------------------------------------------------------------------------------------------


def _plain(value: float | None) -> str:
    if value is None or value != value:
        return ""
    return summaries.number_text(value).replace(",", "")


def suppress_table(
    frame: pl.DataFrame | pl.LazyFrame,
    count_columns: Sequence[str],
    *,
    total_column: str | None = None,
    total_row: int | None = None,
    threshold: int | None = None,
    with_flags: bool = False,
) -> pl.DataFrame:
    """A table of counts ready to publish: small counts as `c`, plus secondary suppression.

    `total_column` holds each row's total of `count_columns`; `total_row` is the position
    (negative counts from the end) of the row holding each column's total. Count columns
    (and the total column) come back as text, `c` where suppressed; a `footnote` column says
    why for the row's suppressed cells. With `with_flags`, a `<column>_flag` column per count
    column says PRIMARY or SECONDARY.
    """
    t = threshold_or_default(threshold)
    table = frame.lazy().collect()
    columns = [*count_columns, *([total_column] if total_column else [])]
    grid = table.select(pl.col(c).cast(pl.Float64) for c in columns).rows()
    n_rows, n_cols = len(grid), len(columns)
    values = [float(v) if v is not None else 0.0 for row in grid for v in row]

    def cell(r: int, c: int) -> int:
        return r * n_cols + c

    inner = range(len(count_columns))
    lines: list[Line] = []
    if total_column:
        for r in range(n_rows):
            lines.append(Line(tuple(cell(r, c) for c in inner), cell(r, n_cols - 1)))
    if total_row is not None and n_rows:
        at = total_row % n_rows
        others = [r for r in range(n_rows) if r != at]
        for c in range(n_cols):
            lines.append(Line(tuple(cell(r, c) for r in others), cell(at, c)))
    state = protect(values, [line for line in lines if line.members], t)
    notes = footnotes(t)

    text_columns, flag_columns, row_notes = {}, {}, []
    for c, name in enumerate(columns):
        flags = [state[cell(r, c)] for r in range(n_rows)]
        text_columns[name] = [
            SUPPRESSED if flag else _plain(grid[r][c]) for r, flag in enumerate(flags)
        ]
        flag_columns[f"{name}_flag"] = flags
    for r in range(n_rows):
        kinds = {state[cell(r, c)] for c in range(n_cols)} - {None}
        row_notes.append(
            FOOTNOTE_SEPARATOR.join(notes[k] for k in (PRIMARY, SECONDARY) if k in kinds) or None
        )
    out = table.with_columns(
        pl.Series(name, texts, dtype=pl.String) for name, texts in text_columns.items()
    ).with_columns(footnote=pl.Series(row_notes, dtype=pl.String))
    if with_flags:
        out = out.with_columns(
            pl.Series(name, flags, dtype=pl.String) for name, flags in flag_columns.items()
        )
    return out


# ---------------------------------------------------------------------------------------------
# Results (RESULT_SCHEMA frames)
# ---------------------------------------------------------------------------------------------

FLAG_COLUMNS = ("numerator_flag", "denominator_flag", "value_flag")
PUBLISHED_COLUMNS = (
    "published_numerator",
    "published_denominator",
    "published_value",
    "published_interval",
)


@dataclass(frozen=True)
class Nesting:
    """A breakdown whose groups are unions of a finer breakdown's groups."""

    coarse: str  # breakdown title, e.g. "Global majority and White"
    fine: str  # e.g. "Ethnic group"
    groups: Mapping[str, str]  # fine group label -> coarse group label


def nestings(indicator: Indicator) -> list[Nesting]:
    """Pairs of the indicator's breakdowns where one's groups are unions of the other's.

    Worked out from the breakdown definitions over every value the source column can hold:
    ethnic groups nest in "Global majority and White"; age bands do not nest in "Under 12 or
    12 to 25" (11-year-olds fall in both of its groups).
    """
    try:
        ds = datasets.get(indicator.source.dataset)
    except KeyError:
        return []
    if ds.shape != "record":
        return []
    by_name = {c.name: c for c in ds.columns}
    labels: dict[str, tuple[str, pl.Series]] = {}
    for name in indicator.source.breakdowns:
        spec = BREAKDOWNS[name]
        column = spec.column_in(ds)
        domain = relations.domain(by_name[column]) if column else None
        if column is None or domain is None:
            continue
        frame = pl.DataFrame({column: domain})
        groups = frame.select(spec.expr(column).cast(pl.String).fill_null("Not known"))
        labels[name] = (column, groups.to_series())
    out = []
    for a, b in itertools.permutations(labels, 2):
        (col_a, fine), (col_b, coarse) = labels[a], labels[b]
        if col_a != col_b or fine.n_unique() <= coarse.n_unique():
            continue
        pairs = pl.DataFrame({"fine": fine, "coarse": coarse}).unique()
        if pairs.get_column("fine").is_duplicated().any():
            continue  # a fine group falls in two coarse groups: not nested
        out.append(Nesting(BREAKDOWNS[b].title, BREAKDOWNS[a].title, dict(pairs.iter_rows())))
    return out


Key = tuple[Any, ...]  # (row id, quantity) for a published cell; ("difference", n) otherwise


@dataclass
class _Table:
    """Related figures protected together: their cells and the equations between them.

    One indicator and period; or every indicator over the same rows of a dataset (related
    measures) for one period; or every period of a running total.
    """

    values: list[float] = field(default_factory=list)
    cells: dict[Key, int] = field(default_factory=dict)
    owner: list[str | None] = field(default_factory=list)  # each cell's breakdown group
    rank: list[int] = field(default_factory=list)  # 0: breakdown; 1: related headline; 2: main
    lines: list[Line] = field(default_factory=list)
    virtual: set[int] = field(default_factory=set)
    fixed: set[int] = field(default_factory=set)

    def cell(self, key: Key, value: float, owner: str | None, rank: int) -> int:
        self.cells[key] = len(self.values)
        self.values.append(value)
        self.owner.append(owner)
        self.rank.append(rank)
        return self.cells[key]

    def add(self, members: Sequence[Key], total: Key) -> None:
        """An equation, kept only where the data really add up (so a reader could use it)."""
        if total not in self.cells or not members or any(m not in self.cells for m in members):
            return
        ids = tuple(self.cells[m] for m in members)
        if abs(sum(self.values[i] for i in ids) - self.values[self.cells[total]]) < 1e-9:
            self.lines.append(Line(ids, self.cells[total]))

    def difference(self, part: Key, whole: Key, owner: str | None) -> None:
        """`whole` counts every row `part` does and more: a reader can work out whole - part."""
        if part not in self.cells or whole not in self.cells:
            return
        gap = self.values[self.cells[whole]] - self.values[self.cells[part]]
        if gap < 0:  # the data do not nest as the definitions say: nothing a reader could use
            return
        key: Key = ("difference", len(self.virtual))
        self.virtual.add(self.cell(key, gap, owner, 0))
        self.add([key, part], whole)


def _quantities(indicator: Indicator) -> tuple[str, ...]:
    return ("numerator", "denominator") if indicator.type in _RATE_TYPES else ("value",)


def _band_is_numerator(indicator: Indicator) -> set[str]:
    """Labels of bands defined exactly as the numerator (the same number under two names)."""
    src = indicator.source
    return {band.label for band in src.bands if band.where == src.numerator}


def _group_owner(indicator: Indicator, breakdown: str | None) -> str | None:
    return None if breakdown is None else f"{indicator.id}: {breakdown}"


def _add_indicator(
    table: _Table,
    indicator: Indicator,
    rows: list[dict[str, Any]],
    nested: list[Nesting],
    rank: int,
) -> None:
    """One indicator's cells for one period, the sums a reader sees and its definitions."""
    quantities = _quantities(indicator)
    for row in rows:
        owner = _group_owner(indicator, row["breakdown"])
        for q in quantities:
            v = row[q]
            if v is not None and v == v:
                table.cell((row["_row"], q), float(v), owner, rank if owner is None else 0)
    heads = [r["_row"] for r in rows if r["breakdown"] is None]
    if len(heads) != 1:
        return
    head = heads[0]
    groups: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["breakdown"] is not None:
            groups.setdefault(row["breakdown"], {})[row["breakdown_group"]] = row["_row"]
    for breakdown, members in groups.items():
        ids = list(members.values())
        if breakdown == BAND_BREAKDOWN and quantities == ("numerator", "denominator"):
            table.add([(i, "numerator") for i in ids], (head, "denominator"))
            for i in ids:
                table.add([(i, "denominator")], (head, "denominator"))
            for label in _band_is_numerator(indicator) & members.keys():
                table.add([(members[label], "numerator")], (head, "numerator"))
            continue
        for q in quantities:
            table.add([(i, q) for i in ids], (head, q))
    for nest in nested:
        coarse, fine = groups.get(nest.coarse, {}), groups.get(nest.fine, {})
        for label, row_id in coarse.items():
            parts = [r for g, r in fine.items() if nest.groups.get(g) == label]
            for q in quantities:
                table.add([(r, q) for r in parts], (row_id, q))
    if quantities == ("numerator", "denominator"):
        for row in rows:
            _add_definition(table, indicator, row)


def _add_definition(table: _Table, indicator: Indicator, row: dict[str, Any]) -> None:
    """What the measure's definition tells a reader about a breakdown group's numerator.

    Its numerator is all of its denominator (boys in "% male") or none of it (girls), by
    the registry's conditions and the breakdown's definition; where those cannot say (an
    uploaded count, a column without a short list of values), by the data: a group whose
    numerator is all or none of it is taken as known, erring towards protection.
    """
    breakdown, group = row["breakdown"], row["breakdown_group"]
    num, den = (row["_row"], "numerator"), (row["_row"], "denominator")
    if breakdown is None or num not in table.cells or den not in table.cells:
        return
    relation = relations.group_relation(indicator, breakdown, group)
    if relation is None and relations.defined_by_data(indicator, breakdown, group):
        n, d = table.values[table.cells[num]], table.values[table.cells[den]]
        relation = relations.NONE if n == 0 else relations.ALL if n == d else None
    if relation == relations.ALL:
        table.add([num], den)
    elif relation == relations.NONE and table.values[table.cells[num]] == 0:
        table.fixed.add(table.cells[num])


def _add_related(
    table: _Table,
    family: Sequence[Indicator],
    rows: Mapping[str, list[dict[str, Any]]],
) -> None:
    """Measures over the same rows: equal row sets are one number; nested ones a difference.

    A rate's own complement (its denominator less its numerator) is published as the strategy
    publishes it (see the About page), so a pair of figures that is some rate's numerator and
    denominator is not audited again as a difference.
    """
    sets: dict[Key, tuple[relations.RowSet, str | None, Indicator]] = {}
    complements: set[tuple[relations.RowSet, relations.RowSet]] = set()
    for indicator in family:
        for row in rows.get(indicator.id, []):
            level = (row["breakdown"], row["breakdown_group"])
            for q in _quantities(indicator):
                key = (row["_row"], q)
                found = relations.row_set(indicator, q, *level)
                if key in table.cells and found is not None:
                    sets[key] = (found, level, indicator)
            num, den = sets.get((row["_row"], "numerator")), sets.get((row["_row"], "denominator"))
            if num is not None and den is not None:
                complements.add((num[0], den[0]))
    order = {ind.id: i for i, ind in enumerate(family)}
    keys = list(sets)
    for a, b in itertools.combinations(keys, 2):
        (set_a, level_a, ind_a), (set_b, level_b, ind_b) = sets[a], sets[b]
        if ind_a.id == ind_b.id:
            continue
        if set_a == set_b:
            table.add([a], b)
            continue
        if level_a != level_b:
            continue  # a group of one measure against another's headline: the sums say it
        later = ind_a if order[ind_a.id] > order[ind_b.id] else ind_b
        owner = _group_owner(later, level_a[0])
        if set_a.within(set_b) and (set_a, set_b) not in complements:
            table.difference(a, b, owner)
        elif set_b.within(set_a) and (set_b, set_a) not in complements:
            table.difference(b, a, owner)


def _running_total(indicator: Indicator, rows: list[dict[str, Any]]) -> _Table:
    """Every period of a running total: each period's total less the one before is a count."""
    table = _Table()
    heads = sorted(
        (r for r in rows if r["breakdown"] is None and r["value"] is not None),
        key=lambda r: r["period_start"],
    )
    for i, row in enumerate(heads):
        rank = 2 if i == len(heads) - 1 else 1  # the latest total is the last to give up
        table.cell((row["_row"], "value"), float(row["value"]), None, rank)
    for before, after in itertools.pairwise(heads):
        table.difference((before["_row"], "value"), (after["_row"], "value"), None)
    return table


def _families(indicators: Mapping[str, Indicator]) -> list[list[Indicator]]:
    """Indicators counting rows of the same dataset the same way, in registry order."""
    by_base: dict[tuple[Any, ...], list[Indicator]] = {}
    for ind in indicators.values():
        if not applies_to(ind):
            continue
        sets = relations.row_set(ind, _quantities(ind)[-1])
        single = sets is None or ind.type is IndicatorType.cumulative_count
        by_base.setdefault(("one", ind.id) if single else sets.base, []).append(ind)
    return list(by_base.values())


def _tables(
    results: pl.DataFrame, indicators: Mapping[str, Indicator]
) -> Iterable[tuple[_Table, Sequence[Indicator]]]:
    """Every table to protect, with the indicators it holds."""
    rows_by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in results.to_dicts():
        rows_by.setdefault((row["indicator_id"], row["period"]), []).append(row)
    periods: dict[str, list[str]] = {}
    for indicator_id, period in rows_by:
        periods.setdefault(indicator_id, []).append(period)
    nested = {i: nestings(ind) for i, ind in indicators.items() if applies_to(ind)}
    for family in _families(indicators):
        present = [ind for ind in family if ind.id in periods]
        if not present:
            continue
        if present[0].type is IndicatorType.cumulative_count:
            (ind,) = present
            yield (
                _running_total(ind, [r for p in periods[ind.id] for r in rows_by[(ind.id, p)]]),
                present,
            )
            continue
        for period in dict.fromkeys(p for ind in present for p in periods[ind.id]):
            table = _Table()
            here = {ind.id: rows_by.get((ind.id, period), []) for ind in present}
            for i, ind in enumerate(present):
                if here[ind.id]:
                    rank = 2 if i == 0 else 1
                    _add_indicator(table, ind, here[ind.id], nested[ind.id], rank)
            _add_related(table, present, here)
            yield table, present


def _flags(
    results: pl.DataFrame, indicators: Mapping[str, Indicator], threshold: int
) -> tuple[dict[tuple[int, str], str], set[int]]:
    """(row id, quantity) -> PRIMARY, SECONDARY or NOT_PUBLISHED, for every such cell; and
    the rows with a cell hidden so that a difference between measures or periods is safe.

    The headline cells are kept where they can be: a breakdown that would force a headline
    to be suppressed is left out instead, and a related measure's headline goes before the
    main one's.
    """
    out: dict[tuple[int, str], str] = {}
    for_difference: set[int] = set()
    for table, _family in _tables(results, indicators):
        headline = [c for c, rank in enumerate(table.rank) if rank > 0]
        search = _protect(
            table.values,
            table.lines,
            threshold,
            keep=headline,
            owner=table.owner,
            virtual=table.virtual,
            rank=table.rank,
            fixed=table.fixed,
        )
        state = search.published()
        for key, cell in table.cells.items():
            if key[0] != "difference" and state[cell]:
                out[key] = state[cell]
                if cell in search.because_of_difference:
                    for_difference.add(key[0])
    return out, for_difference


def _flag_frame(flags: dict[tuple[int, str], str], for_difference: set[int]) -> pl.DataFrame:
    """One row per result row with a suppressed cell: its numerator, denominator, count flags."""
    by_row: dict[int, dict[str, str]] = {}
    for (row, quantity), kind in flags.items():
        by_row.setdefault(row, {})[quantity] = kind
    return pl.DataFrame(
        {
            "_row": list(by_row),
            "numerator_flag": [f.get("numerator") for f in by_row.values()],
            "denominator_flag": [f.get("denominator") for f in by_row.values()],
            "count_flag": [f.get("value") for f in by_row.values()],
            "_difference": [row in for_difference for row in by_row],
        },
        schema={
            "_row": pl.UInt32,
            "numerator_flag": pl.String,
            "denominator_flag": pl.String,
            "count_flag": pl.String,
            "_difference": pl.Boolean,
        },
    )


def _value_text(indicators: Mapping[str, Indicator]) -> pl.Expr:
    """Each row's value in words, by its indicator's type (one expression over all rows)."""
    value = pl.col("value")
    kind = pl.col("indicator_id")
    milestones = [i for i, ind in indicators.items() if ind.type is IndicatorType.milestone]
    rates = [i for i, ind in indicators.items() if ind.type in _RATE_TYPES]
    words = value.replace_strict(summaries.PROGRESS_WORDS, default=None, return_dtype=pl.String)
    text = (
        pl.when(kind.is_in(milestones))
        .then(words)
        .when(kind.is_in(rates))
        .then(summaries.percent_expr(value))
        .otherwise(summaries.number_expr(value))
    )
    missing = value.is_null() | value.is_nan()
    return pl.when(missing).then(pl.lit(summaries.NO_VALUE)).otherwise(text)


def suppress_results(
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    *,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """Results ready to publish: suppressed numbers nulled, with words and footnotes.

    Give every result row of an indicator (all breakdowns): secondary suppression needs
    every table a number appears in. Returns the RESULT_SCHEMA columns, with numerator,
    denominator, value, lower and upper set to null wherever they are suppressed or withheld
    (so charts and sentences built from these rows cannot show them), and the status of a row
    whose value is held back set to "too few to judge" (a status says which side of the target
    the value lies), and adds:
    `numerator_flag`, `denominator_flag`, `value_flag` (PRIMARY, SECONDARY, WITHHELD or null);
    `published_numerator`, `published_denominator`, `published_value`, `published_interval`
    (text, `c` where suppressed); `footnote` (why, or null); `disclosure_threshold`.
    A breakdown that would force a headline figure to be suppressed is left out for that
    period (its rows are dropped) and the headline's footnote names it: the headline matters
    more than the breakdown.
    """
    if registry is None:
        from metrics import api

        registry = api.registry()
    return _suppress(
        results, {i.id: i for i in registry.indicators}, threshold_or_default(threshold)
    )


def suppress_indicator(
    indicator: Indicator,
    results: pl.DataFrame | pl.LazyFrame,
    threshold: int | None = None,
    *,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """`suppress_results` for one indicator's rows, returned alone.

    The rows of its related measures (those counting rows of the same dataset the same way,
    in `registry`, by default the one in force) are suppressed with it where `results` holds
    them, so a file exported for one measure gives nothing away set beside another's.
    """
    if registry is None:
        from metrics import api

        registry = api.registry()
    related = {indicator.id: indicator}
    for family in _families({**{i.id: i for i in registry.indicators}, indicator.id: indicator}):
        if any(i.id == indicator.id for i in family):
            related = {i.id: i for i in family}  # in registry order: the first is kept first
    rows = results.lazy().filter(pl.col("indicator_id").is_in(list(related)))
    out = _suppress(rows, related, threshold_or_default(threshold))
    return out.filter(pl.col("indicator_id") == indicator.id)


def _suppress(
    results: pl.DataFrame | pl.LazyFrame, indicators: Mapping[str, Indicator], t: int
) -> pl.DataFrame:
    frame = results.lazy().collect().with_row_index("_row")
    flags = _flag_frame(*_flags(frame, indicators, t))
    rate_ids = [i.id for i in indicators.values() if i.type in _RATE_TYPES]
    notes = footnotes(t)

    is_rate = pl.col("indicator_id").is_in(rate_ids)
    withheld = is_rate & (
        pl.col("numerator_flag").is_not_null() | pl.col("denominator_flag").is_not_null()
    )
    flagged = (
        frame.join(flags, on="_row", how="left")
        .with_columns(
            value_flag=pl.when(withheld)
            .then(pl.lit(WITHHELD))
            .when(~is_rate)
            .then(pl.col("count_flag"))
        )
        .drop("count_flag")
    )
    kinds = [pl.col(c) for c in FLAG_COLUMNS]
    left_out = pl.any_horizontal(k == NOT_PUBLISHED for k in kinds).fill_null(False)
    # a breakdown left out for a period: its rows go, and the headline's footnote says so
    gone = (
        flagged.filter(left_out)
        .group_by("indicator_id", "period")
        .agg(
            breakdown=pl.lit(None, dtype=pl.String),
            _left_out=pl.concat_str(
                pl.lit(notes[NOT_PUBLISHED] + " ("),
                pl.col("breakdown").unique().sort().str.join(", "),
                pl.lit(")"),
            ),
        )
    )
    flagged = flagged.filter(~left_out).join(
        gone, on=["indicator_id", "period", "breakdown"], how="left", nulls_equal=True
    )
    footnote = pl.concat_str(
        [
            *(
                pl.when(pl.any_horizontal(k == kind for k in kinds)).then(pl.lit(notes[kind]))
                for kind in (PRIMARY, SECONDARY, WITHHELD)
            ),
            pl.when(pl.col("_difference")).then(pl.lit(notes[DIFFERENCE])),
            pl.col("_left_out"),
        ],
        separator=FOOTNOTE_SEPARATOR,
        ignore_nulls=True,
    )
    hidden_value = pl.col("value_flag").is_not_null()

    def count_text(column: str) -> pl.Expr:
        return (
            pl.when(pl.col(f"{column}_flag").is_not_null())
            .then(pl.lit(SUPPRESSED))
            .when(pl.col(column).is_not_null())
            .then(summaries.number_expr(pl.col(column)))
        )

    out = (
        flagged.with_columns(footnote=pl.when(footnote != "").then(footnote))
        .with_columns(
            published_numerator=count_text("numerator"),
            published_denominator=count_text("denominator"),
            published_value=pl.when(hidden_value)
            .then(pl.lit(SUPPRESSED))
            .otherwise(_value_text(indicators)),
            published_interval=pl.when(hidden_value & pl.col("lower").is_not_null())
            .then(pl.lit(SUPPRESSED))
            .otherwise(summaries.interval_text_expr()),
            disclosure_threshold=pl.lit(t, dtype=pl.Int64),
        )
        .with_columns(
            numerator=pl.when(pl.col("numerator_flag").is_null()).then(pl.col("numerator")),
            denominator=pl.when(pl.col("denominator_flag").is_null()).then(pl.col("denominator")),
            value=pl.when(~hidden_value).then(pl.col("value")),
            lower=pl.when(~hidden_value).then(pl.col("lower")),
            upper=pl.when(~hidden_value).then(pl.col("upper")),
            # a status against target says on which side of it a hidden value lies ("on track"
            # against 60% with 5 plans: 3 or 4 of them), so it is held back with the value
            status=pl.when(~hidden_value)
            .then(pl.col("status"))
            .otherwise(pl.lit(Status.too_few.value)),
        )
        .sort("_row")
        .drop("_row", "_left_out", "_difference")
    )
    return out


def suppressed_cells(published: pl.DataFrame | pl.LazyFrame) -> int:
    """How many numbers a suppressed results frame holds back."""
    return (
        published.lazy()
        .select(pl.sum_horizontal(pl.col(c).is_not_null() for c in FLAG_COLUMNS).sum())
        .collect()
        .item()
    )
