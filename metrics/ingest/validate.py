"""Vectorised validation: every problem in an upload at once, as one table.

Each check is a polars expression over the whole frame; the checks are gathered into one lazy
pipeline and collected once. A problem names the spreadsheet row (the header is row 1; null for
a problem with the whole file), the column, the value, what is wrong and how to fix it, in words
a council officer can act on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Final

import polars as pl

from metrics import datasets, periods
from metrics.datasets import Column, ColumnType, Dataset
from metrics.ingest import cells, privacy
from metrics.ingest.reader import RawTable
from metrics.ingest.rules import row_rules
from metrics.periods import PeriodType

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "problem": pl.String(),
    "fix": pl.String(),
}
EARLIEST_DATE = dt.date(1990, 1, 1)
PRIVACY_FIX = privacy.PRIVACY_FIX
# Sorting key for problems: the whole file first, then row by row, left to right.
_ORDER = "_order"
HASH_SEED = 0  # the cells' hashes are compared within one run only
# A text cell that is not plain: spaces at either end, empty, or like an identifier (`privacy`)
_NOT_PLAIN = rf"{privacy.SCREEN}|^\s|\s$|^$"
# Every query here works on a file already read into memory, which polars' in-memory engine
# runs about a fifth faster than its default streaming engine (benchmarks/run.py measured).
ENGINE: Final = "in-memory"
_TYPES: dict[ColumnType, pl.DataType] = {
    ColumnType.date: pl.Date(),
    ColumnType.integer: pl.Int64(),
    ColumnType.number: pl.Float64(),
}


@dataclass
class Validation:
    dataset: Dataset
    rows: pl.DataFrame  # typed dataset columns + row_number + period_key (non-blank rows)
    problems: pl.DataFrame  # PROBLEM_SCHEMA, sorted by row
    # columns the file leaves out where the dataset allows it: blank in `rows`, and filled from
    # the stored rows with the same key when stored (`metrics.ingest.left_out`)
    left_out: tuple[str, ...] = ()
    # the distinct period keys of the rows, when worked out already (from the period column's
    # distinct cells, far fewer than the rows)
    known_periods: list[str] | None = None

    @property
    def ok(self) -> bool:
        return self.problems.height == 0

    @property
    def periods(self) -> list[str]:
        """The distinct period keys of the rows, sorted."""
        if self.known_periods is not None:
            return self.known_periods
        return sorted(self.rows.get_column("period_key").drop_nulls().unique().to_list())


def normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


def problem(
    row: int | None, column: str | None, value: str, what: str, fix: str
) -> dict[str, object]:
    return {"row": row, "column": column, "value": value, "problem": what, "fix": fix}


def problem_table(records: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=PROBLEM_SCHEMA)


@dataclass
class Ordered:
    """Problems found outside the lazy pipeline, each with the column's place as its sort key,
    so that they read left to right."""

    records: list[dict[str, object]] = field(default_factory=list)

    def add(self, order: int, record: dict[str, object]) -> None:
        self.records.append(record | {_ORDER: order})

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.records, schema={**PROBLEM_SCHEMA, _ORDER: pl.Int64()})


@dataclass
class Header:
    """Where each template column is in the file, and what else the header holds."""

    positions: dict[str, int] = field(default_factory=dict)
    problems: Ordered = field(default_factory=Ordered)
    extra: list[tuple[int, str]] = field(default_factory=list)  # (position, name) outside template
    unnamed: list[int] = field(default_factory=list)  # positions with no heading but some values


def check_header(
    ds: Dataset, header: list[str], header_row: int = 1, letters: list[str] | None = None
) -> Header:
    """Map each expected column to its position; report missing, misspelt, extra, duplicated
    and identifying columns (extra columns are reported later, once their values are known)."""
    out = Header()
    letters = letters or [str(i + 1) for i in range(len(header))]
    expected = ds.column_names
    unmatched: list[tuple[int, str]] = []
    for i, raw in enumerate(header):
        name = normalise_name(raw)
        if not raw.strip():
            out.unnamed.append(i)
        elif name in expected and name in out.positions:
            out.problems.add(i, problem(
                header_row, raw, raw, f"The column '{name}' appears more than once.",
                f"Keep one copy of the column and delete the others (columns "
                f"{letters[out.positions[name]]} and {letters[i]}).",
            ))  # fmt: skip
        elif name in expected:
            out.positions[name] = i
        else:
            unmatched.append((i, raw))
    missing = [c for c in expected if c not in out.positions]
    for i, raw in unmatched:
        kind = privacy.identifier_kind(raw)
        if kind:
            out.problems.add(i, problem(
                header_row, raw, raw, f"This column looks like {kind}, a direct identifier.",
                f"Delete the column. {PRIVACY_FIX}",
            ))  # fmt: skip
            continue
        close = difflib.get_close_matches(normalise_name(raw), missing, n=1, cutoff=0.6)
        if close:
            out.problems.add(i, problem(
                header_row, raw, raw, f"Unexpected column name: did you mean '{close[0]}'?",
                f"Rename the column to '{close[0]}' exactly, as in the template.",
            ))  # fmt: skip
            missing.remove(close[0])
        else:
            out.extra.append((i, raw))
    columns = (
        f"The file's columns: {', '.join(h.strip() for h in header if h.strip()) or 'none'}. "
        f"The template's columns: {', '.join(expected)}."
    )
    for name in missing:
        col = ds.column(name)
        if col.may_be_left_out:
            continue
        # after the columns that are there, in template order
        what = (
            "A required column is missing."
            if col.required
            else "This column is missing. Its cells may be blank, but the column must be in "
            "the file, so that a column left out is never taken for blank cells."
        )
        out.problems.add(len(header) + expected.index(name), problem(
            header_row, name, "", what,
            f"Add a column headed '{name}': {col.description} {columns}",
        ))  # fmt: skip
    return out


def _extra_column_problem(
    ds: Dataset, name: str, identifiers: str | None, header_row: int
) -> dict[str, object]:
    if identifiers:
        return problem(
            header_row, name, name,
            f"This column is not part of the template, and it seems to hold {identifiers}.",
            f"Delete the column. {PRIVACY_FIX}",
        )  # fmt: skip
    return problem(
        header_row, name, name, "This column is not part of the template.",
        f"Delete the column. The expected columns are: {', '.join(ds.column_names)}.",
    )  # fmt: skip


def _clean(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text)


@dataclass(frozen=True)
class Check:
    bad: pl.Expr  # over raw `name` and typed `name__t`
    problem: str | pl.Expr
    fix: str
    # true wherever `bad` can be: a cheaper test that narrows the rows `bad` is tried on
    screen: pl.Expr | None = None
    # false only if no cell can fail: worked out with the first pass, so that a check no cell
    # can fail costs no pass of its own
    possible: pl.Expr | None = None
    # no plain text cell (see `_NOT_PLAIN`) can fail it
    plain_passes: bool = False


def _rows_sharing(key: pl.Expr) -> pl.Expr:
    """'3, 7, 9': the rows (among those selected) that share a key."""
    return (
        pl.col("row_number")
        .over(key, mapping_strategy="join")
        .list.head(10)
        .list.eval(pl.element().cast(pl.String))
        .list.join(", ")
    )


def _adjacent_equal(values: pl.Expr) -> pl.Expr:
    return values.eq(values.shift(1))


def _column_checks(col: Column, today: dt.date) -> list[Check]:
    raw, typed = pl.col(col.name), pl.col(f"{col.name}__t")
    present = raw.is_not_null()
    unreadable = present & typed.is_null()
    checks: list[Check] = []
    if col.required:
        checks.append(Check(
            raw.is_null(), "This cell is blank but the column is required.",
            f"Fill it in: {col.description}",
        ))  # fmt: skip
    match col.type:
        case ColumnType.date:
            shaped = cells.looks_like_date(raw)
            checks += [
                Check(unreadable & shaped, "There is no such date.",
                      "Check the day and month: dates are day first, as dd/mm/yyyy (for "
                      "example 27/11/2026), or yyyy-mm-dd."),
                Check(unreadable & ~shaped, "This is not a date we can read.",
                      "Write the date as dd/mm/yyyy (for example 27/11/2026) or yyyy-mm-dd."),
                Check(typed < pl.lit(EARLIEST_DATE), "This date is too early to be right.",
                      "Check the date, and write the year in full (2024, not 24)."),
            ]  # fmt: skip
            if not col.future_ok:
                checks.append(Check(
                    typed > pl.lit(today), "This date is in the future.",
                    "Check the date: events cannot be recorded before they happen.",
                ))  # fmt: skip
        case ColumnType.integer | ColumnType.number:
            kind = "a whole number" if col.type is ColumnType.integer else "a number"
            checks.append(Check(
                unreadable, f"This is not {kind}.",
                f"Write {kind} using digits only, for example 1520 or 1,520.",
            ))  # fmt: skip
            if col.minimum is not None:
                what = "negative" if col.minimum == 0 else f"below {col.minimum:g}"
                checks.append(Check(
                    typed < col.minimum, f"This value is {what}.",
                    f"Use a value of at least {col.minimum:g}.",
                ))  # fmt: skip
            if col.maximum is not None:
                checks.append(Check(
                    typed > col.maximum, f"This value is above {col.maximum:g}.",
                    f"Use a value between {col.minimum or 0:g} and {col.maximum:g}.",
                ))  # fmt: skip
        case ColumnType.category | ColumnType.yes_no:
            checks.append(Check(
                unreadable, "This value is not one of the allowed values.",
                f"Use one of: {', '.join(col.allowed_values)}.",
            ))  # fmt: skip
        case ColumnType.period:
            checks.append(Check(
                unreadable, "This is not a period label.",
                "Write the period like 2024 (calendar year), 2024/25 (academic year), "
                "2024-25 (financial year), 2024-Q1 (quarter) or 2024-03 (month).",
            ))  # fmt: skip
        case ColumnType.text:
            checks.append(Check(
                raw.str.len_chars() > col.max_length,
                f"This text is longer than {col.max_length} characters.",
                "Shorten it; long notes belong in the commentary, not the data file.",
                # a character takes at least one byte, and bytes are counted without reading
                possible=raw.str.len_bytes().max() > col.max_length,
            ))  # fmt: skip
            screen = privacy.could_identify(raw)
            checks += [
                Check(
                    bad, what, PRIVACY_FIX, screen, screen.fill_null(False).any(), plain_passes=True
                )
                for bad, what in privacy.value_checks(col)
            ]
    if col.unique:
        checks.append(Check(
            present & raw.is_duplicated(),
            pl.format("This reference appears on more than one row (rows {}).", _rows_sharing(raw)),
            "Each row needs its own reference: remove the duplicate row or correct the reference.",
            # equal texts have equal hashes, and numbers are much quicker to compare; sorted,
            # equal hashes sit side by side, which is quicker still to find than to mark
            screen=raw.hash().is_duplicated(),
            possible=_adjacent_equal(raw.drop_nulls().hash().sort()).any(),
        ))  # fmt: skip
    return checks


def _select_problems(
    lf: pl.LazyFrame, bad: pl.Expr, column: str, value: pl.Expr, what: str | pl.Expr, fix: str,
    order: int,
) -> pl.LazyFrame:  # fmt: skip
    return lf.filter(bad.fill_null(False)).select(
        pl.col("row_number").alias("row"),
        pl.lit(column).alias("column"),
        value.fill_null("").alias("value"),
        (pl.lit(what) if isinstance(what, str) else what).alias("problem"),
        pl.lit(fix).alias("fix"),
        pl.lit(order).alias(_ORDER),
    )


def _unplaced(ds: Dataset, rows: pl.DataFrame, order: int) -> pl.DataFrame:
    """Rows that no period can hold (a safety net: the period column is normally required)."""
    return (
        rows.lazy()
        .filter(pl.col("period_key").is_null())
        .select(
            pl.col("row_number").alias("row"),
            pl.lit(ds.period_column).alias("column"),
            pl.lit("").alias("value"),
            pl.lit("This row has no date to place it in a reporting period.").alias("problem"),
            pl.lit(f"Fill in {ds.period_column}.").alias("fix"),
            pl.lit(order).alias(_ORDER),
        )
        .collect(engine=ENGINE)
    )


def period_key_expr(ds: Dataset) -> pl.Expr:
    if ds.period_type is None:  # indicator_values: one indicator's period at a time
        return pl.format("{}|{}", pl.col("indicator_id"), pl.col("period"))
    return periods.label_expr(pl.col(ds.period_column), ds.period_type)


def _blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars().str.len_chars() == 0)


def _without_blank_rows(
    cells_frame: pl.DataFrame, cell_cols: list[str], first_has_blank: bool
) -> pl.DataFrame:
    """The rows with something in at least one cell.

    A blank row is blank in its first cell, so only the (usually few) rows whose first cell is
    blank are checked across every column, and none when the first column has no blank cell.
    """
    if not cell_cols:
        return cells_frame.clear()
    if not first_has_blank:
        return cells_frame
    candidates = cells_frame.filter(_blank(cell_cols[0]))
    blank = candidates.filter(pl.all_horizontal(_blank(c) for c in cell_cols))
    if blank.height == 0:
        return cells_frame
    return cells_frame.filter(~pl.col("row_number").is_in(blank.get_column("row_number")))


@dataclass
class _Read:
    """How one template column of the file reads, and which of its checks any cell fails.

    Most columns hold few distinct cells (dates, choices, ages), so they are cleaned, parsed and
    checked once per distinct cell (`lookup`), and the typed value is mapped back to every row.
    Text columns, whose cells are mostly distinct, are checked row by row.
    """

    col: Column
    source: str  # the file's cell column (c0, c1, ...)
    position: int
    checks: list[Check]
    lookup: pl.DataFrame | None = None  # one row per distinct cell: typed value, failed checks
    # a text column whose every cell is plain (`_NOT_PLAIN`): each cell is its own value
    is_plain: bool = False

    @property
    def name(self) -> str:
        return self.col.name

    @property
    def cell(self) -> str:
        """The cell as written in the file, in the working frame."""
        return f"{self.col.name}__cell"

    @property
    def by_distinct_cell(self) -> bool:
        # a unique column's check needs the other rows, so it is read row by row
        return self.col.type is not ColumnType.text and not self.col.unique

    def distinct(self) -> pl.Expr:
        """The column's distinct cells, as one list."""
        return pl.col(self.source).unique().implode().alias(self.name)

    def lookup_plan(self, distinct: pl.Series, period: PeriodType | None) -> pl.LazyFrame:
        """Every distinct cell, cleaned, typed, checked (and its period, for the period column)."""
        typed = f"{self.name}__t"
        return (
            pl.LazyFrame({"_cell": distinct})
            .with_columns(_clean("_cell").alias(self.name))
            .with_columns(cells.typed(self.col, pl.col(self.name)).alias(typed))
            .with_columns(
                pl.col("_cell").hash(HASH_SEED).alias("_hash"),
                (pl.col(self.name).is_not_null() & pl.col(typed).is_null()).alias("_unreadable"),
                *(c.bad.fill_null(False).alias(f"_bad{k}") for k, c in enumerate(self.checks)),
                *([] if period is None else [periods.label_expr(pl.col(typed), period)
                                             .alias("_period")]),
            )
        )  # fmt: skip

    def plain(self) -> pl.Expr:
        """Whether every cell of a text column is plain (`_NOT_PLAIN`)."""
        cell = pl.col(self.source)
        return ~cell.str.contains(_NOT_PLAIN).fill_null(False).any().alias(self.name)

    def typed(self) -> pl.Expr:
        """Each row's typed value, from the file's cell column."""
        dtype = _TYPES.get(self.col.type, pl.String())
        if self.is_plain:
            return pl.col(self.source)  # nothing to clean
        if self.lookup is None:
            return cells.typed(self.col, _clean(self.source))
        known = self.lookup.filter(pl.col("_cell").is_not_null())
        if dtype == pl.String() and known.get_column("_cell").equals(
            known.get_column(f"{self.name}__t"), check_names=False
        ):
            return pl.col(self.source)  # every cell is already its value: nothing to map
        return self.mapped(f"{self.name}__t", dtype)

    def mapped(self, target: str, dtype: pl.DataType, column: str | None = None) -> pl.Expr:
        """The lookup's `target` for each row's cell (in the file's column, or in `column`).

        The lookup holds every distinct cell of the column, so when their hashes are distinct
        too, a cell's hash names it exactly, and numbers are found about twice as fast as text.
        """
        assert self.lookup is not None
        known = self.lookup.filter(pl.col("_cell").is_not_null())
        cell = pl.col(column or self.source)
        hashes = known.get_column("_hash")
        if hashes.n_unique() == known.height:
            key = pl.when(cell.is_not_null()).then(cell.hash(HASH_SEED))
            return key.replace_strict(
                hashes, known.get_column(target), default=None, return_dtype=dtype
            )
        return cell.replace_strict(
            known.get_column("_cell"), known.get_column(target), default=None, return_dtype=dtype
        )

    def fails(self, k: int) -> bool:
        """Whether any cell may fail check k (a column read row by row always may)."""
        return self.lookup is None or bool(self.lookup.get_column(f"_bad{k}").any())

    def failing(self, k: int) -> pl.Expr:
        """True for the rows whose cell fails check k."""
        if self.lookup is None:
            return self.checks[k].bad.fill_null(False)
        return self.cells_in(f"_bad{k}")

    def cells_in(self, mask: str) -> pl.Expr:
        """True for rows whose cell is one of the lookup's cells where `mask` is true."""
        assert self.lookup is not None
        hits = self.lookup.filter(pl.col(mask)).get_column("_cell")
        inside = pl.col(self.cell).is_in(hits.drop_nulls().implode()).fill_null(False)
        return inside | pl.col(self.cell).is_null() if hits.null_count() else inside

    def readable(self) -> pl.Expr:
        """False where the cell has something in it that does not read as the column's type."""
        if self.lookup is None or not self.lookup.get_column("_unreadable").any():
            return pl.lit(True)
        return ~self.cells_in("_unreadable")


def _as_written(read: _Read | None) -> pl.Expr:
    return pl.lit(None, dtype=pl.String) if read is None else pl.col(read.source)


def _has_blank(cells_frame: pl.DataFrame, first: _Read | None) -> bool:
    """Whether the file's first column may have a blank cell (`first`: its template column,
    if it is one), answered from its distinct cells or its plainness where they are known."""
    if first is None:
        return True
    if first.lookup is not None:  # a blank cell is null once cleaned
        return first.lookup.get_column(first.name).null_count() > 0
    # a plain cell is neither empty nor starts with a space: only a missing one is blank
    return not first.is_plain or cells_frame.get_column(first.source).null_count() > 0


def validate(
    ds: Dataset,
    table: RawTable,
    *,
    today: dt.date,
    aggregate_types: Mapping[str, str] | None = None,
    aggregate_measures: Mapping[str, str] | None = None,
    priority_ids: Collection[str] | None = None,
) -> Validation:
    """Check every cell and row of an upload; return the typed rows and every problem found.

    `aggregate_types` maps indicator ids that take counted values to their period type;
    `aggregate_measures` maps them to "count" or "rate"; `priority_ids` are the registry's
    priorities.

    Three polars passes over the file: check each column's distinct cells (or, for text, each
    cell); build the typed rows; gather the problems. A check that no cell fails costs nothing
    in the last pass, so a large good file is read little more than once.
    """
    letters = [table.column_letter(i) for i in range(len(table.header))]
    head = check_header(ds, table.header, table.header_row, letters)
    cell_cols = [c for c in table.cells.columns if c != "row_number"]
    reads = {
        c.name: _Read(c, f"c{head.positions[c.name]}", head.positions[c.name],
                      _column_checks(c, today))
        for c in ds.columns
        if c.name in head.positions
    }  # fmt: skip

    # 1. The distinct cells of each column that is not text, then read and checked; and
    # whether each text column's cells are plain, so that they need no cleaning and the checks
    # that no plain cell fails cost nothing. The columns are looked at side by side in one
    # pass; their distinct cells, far fewer than the rows, are read in another. Blank rows are
    # still in: their cells are blank, which every column's distinct cells allow for.
    by_cell = [r for r in reads.values() if r.by_distinct_cell]
    texts = [r for r in reads.values() if r.col.type is ColumnType.text]
    looked = (
        table.cells.lazy()
        .select(*(r.distinct() for r in by_cell), *(r.plain() for r in texts))
        .collect(engine=ENGINE)
    )
    lookups = pl.collect_all(
        [r.lookup_plan(looked.get_column(r.name).explode(),
                       ds.period_type if r.name == ds.period_column else None)
         for r in by_cell],
        engine=ENGINE,
    )  # fmt: skip
    for r, lookup in zip(by_cell, lookups, strict=True):
        r.lookup = lookup
    for r in texts:
        r.is_plain = bool(looked.get_column(r.name).item())
    first = next((r for r in reads.values() if r.position == 0), None)
    cells_frame = _without_blank_rows(table.cells, cell_cols, _has_blank(table.cells, first))

    # 2. Every row: the cells as written (for problems) and the typed values.
    def typed_column(c: Column) -> pl.Expr:
        r = reads.get(c.name)
        return pl.lit(None, dtype=_TYPES.get(c.type, pl.String())) if r is None else r.typed()

    period_read = reads.get(ds.period_column)
    if ds.period_type is None:
        period_key = period_key_expr(ds)
    elif period_read is not None and period_read.lookup is not None:
        period_key = period_read.mapped("_period", pl.String(), period_read.cell)
    else:
        period_key = periods.label_expr(pl.col(ds.period_column), ds.period_type)
    work_plan = (
        cells_frame.lazy()
        .select(
            "row_number",
            *(_as_written(reads.get(c.name)).alias(f"{c.name}__cell") for c in ds.columns),
            *(typed_column(c).alias(c.name) for c in ds.columns),
            *(_clean(f"c{i}").alias(f"__c{i}") for i, _ in head.extra),
            *(_clean(f"c{i}").alias(f"__c{i}") for i in head.unnamed),
        )
        .with_columns(
            # e.g. a survey's question and respondent group before its year; most datasets'
            # key is the period alone, which needs no copy
            pl.concat_str([*map(pl.col, ds.period_key_columns), period_key], separator="|").alias(
                "period_key"
            )
            if ds.period_key_columns
            else period_key.alias("period_key")
        )
    )

    # Which checks of the text columns any cell could fail, each test once (the privacy
    # checks share one), worked out in the same pass as the rows from the cleaned text that
    # pass holds anyway: a check no cell can fail then costs nothing more.
    by_row = {(r.name, k): (r, f"{r.name}|{c.possible}") for r in texts
              for k, c in enumerate(r.checks)
              if c.possible is not None and not (r.is_plain and c.plain_passes)}  # fmt: skip
    tests = {key: r.checks[k].possible for (_, k), (r, key) in by_row.items()}
    work = work_plan.with_columns(
        test.alias(key)  # type: ignore[union-attr]
        for key, test in tests.items()
    ).collect(engine=ENGINE)
    # each test's answer is on every row; with no rows, no cell can fail
    answers = work.row(0, named=True) if work.height else dict.fromkeys(tests, False)
    work = work.drop(list(tests))
    lf = work.lazy()
    cannot_fail = {f"{name}|{k}" for (name, k), (_, key) in by_row.items() if not answers[key]}
    cannot_fail |= {f"{r.name}|{k}" for r in texts if r.is_plain
                    for k, c in enumerate(r.checks) if c.plain_passes}  # fmt: skip

    # 3. The problems, left to right within each row.
    frames: list[pl.LazyFrame] = []

    def as_checked(r: _Read) -> pl.LazyFrame:
        """The rows with the cleaned cell and the typed value, as the checks read them."""
        typed = lf.with_columns(pl.col(r.name).alias(f"{r.name}__t"))
        if r.col.type is ColumnType.text:
            return typed  # text is typed by cleaning it: the column holds the cleaned cell
        return typed.with_columns(_clean(r.cell).alias(r.name))

    # Checks with a screen run only on the rows it lets through, found in one pass.
    screened = [(r, k) for r in reads.values() if r.lookup is None
                for k, c in enumerate(r.checks)
                if c.screen is not None and f"{r.name}|{k}" not in cannot_fail]  # fmt: skip
    screens = {(r.name, str(r.checks[k].screen)): (r, r.checks[k].screen) for r, k in screened}
    passed = dict(zip(
        screens,
        pl.collect_all([as_checked(r).filter(s.fill_null(False)) for r, s in screens.values()],
                   engine=ENGINE),
        strict=True,
    ))  # fmt: skip
    for r in reads.values():
        for k, check in enumerate(r.checks):
            if not r.fails(k) or f"{r.name}|{k}" in cannot_fail:
                continue
            rows = as_checked(r)
            if r.lookup is None and check.screen is not None:
                suspects = passed[(r.name, str(check.screen))]
                if suspects.height == 0:
                    continue  # no cell passed the screen, so none can fail the check
                rows = suspects.lazy()
            frames.append(_select_problems(
                rows, r.failing(k), r.name, pl.col(r.name), check.problem, check.fix,
                r.position,
            ))  # fmt: skip
    for i in head.unnamed:
        what, fix = (
            ("There is a value in a column with no heading.",
             "Delete the value, or give the column its name from the template.")
            if table.is_excel else
            ("This row has more cells than the header has columns.",
             "A value containing the separator splits into two cells: write numbers without "
             "thousands separators (1520, not 1,520) or put the value in quotes, and check for "
             "a stray separator in this row.")
        )  # fmt: skip
        frames.append(_select_problems(
            lf, pl.col(f"__c{i}").is_not_null(), f"(column {letters[i]})", pl.col(f"__c{i}"),
            what, fix, i,
        ))  # fmt: skip
    for rule in row_rules(ds, aggregate_types, aggregate_measures, priority_ids):
        if not all(r in reads for r in rule.reads):
            continue  # a missing column is already reported; its blanks prove nothing
        bad = rule.bad & pl.all_horizontal(reads[r].readable() for r in rule.reads)
        frames.append(_select_problems(
            lf, bad, rule.column, _clean(f"{rule.column}__cell"), rule.problem, rule.fix,
            head.positions.get(rule.column, 0),
        ))  # fmt: skip
    if len(ds.key) > 1 and all(k in reads for k in ds.key):
        key = pl.struct(pl.col(k).fill_null("") for k in ds.key)
        first, *others = ds.key
        frames.append(_select_problems(
            lf,
            key.is_duplicated() & pl.col(first).is_not_null(),
            " + ".join(ds.key),
            pl.concat_str([_clean(f"{k}__cell").fill_null("") for k in ds.key], separator=" / "),
            pl.format(f"The same {first} and {' and '.join(others)} appear on more than one row "
                      "(rows {}).", _rows_sharing(key)),
            "Remove the duplicate row, or correct the values that should differ.",
            head.positions[first],
        ))  # fmt: skip

    problems_lf = (
        pl.concat(frames, how="vertical")
        if frames
        else pl.LazyFrame(schema={**PROBLEM_SCHEMA, _ORDER: pl.Int64()})
    )
    profile_lf = lf.select(
        pl.len().alias("rows"),
        *(e for i, _ in head.extra for e in privacy.column_profile(pl.col(f"__c{i}"), f"{i}_")),
    )
    found, profile = pl.collect_all([problems_lf, profile_lf], engine=ENGINE)
    # the columns themselves, as read: `select` would copy a large file's rows into one piece
    kept = (*ds.column_names, "row_number", "period_key")
    rows = pl.DataFrame([work.get_column(c) for c in kept])

    records = head.problems
    facts = profile.row(0, named=True)
    for i, name in head.extra:
        records.add(
            i,
            _extra_column_problem(
                ds, name, privacy.describe_profile(facts, f"{i}_"), table.header_row
            ),
        )
    if rows.height == 0 and found.height == 0:
        records.add(-1, problem(
            None, None, "", "The file has a header row but no data rows.",
            "Add one row per record under the header, then upload again.",
        ))  # fmt: skip
    problems = pl.concat([records.frame(), found], how="vertical_relaxed")
    if problems.height == 0:
        problems = _unplaced(ds, rows, ds.column_names.index(ds.period_column))
    problems = problems.sort("row", _ORDER, nulls_last=False, maintain_order=True).drop(_ORDER)
    known = None
    if (
        ds.period_type is not None and not ds.period_key_columns
        and period_read is not None and period_read.lookup is not None
    ):  # fmt: skip
        # every distinct cell of the period column is in the lookup, and only those
        known = period_read.lookup.get_column("_period").drop_nulls().unique().sort().to_list()
    left_out = tuple(c.name for c in ds.columns if c.name not in head.positions)
    return Validation(
        dataset=ds, rows=rows, problems=problems, known_periods=known, left_out=left_out
    )


def validate_upload(
    dataset: str,
    table: RawTable,
    *,
    today: dt.date,
    aggregate_types: Mapping[str, str] | None = None,
    aggregate_measures: Mapping[str, str] | None = None,
) -> Validation:
    return validate(
        datasets.get(dataset), table, today=today, aggregate_types=aggregate_types,
        aggregate_measures=aggregate_measures,
    )  # fmt: skip
