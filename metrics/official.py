"""Official statistics in: Explore Education Statistics (EES) and LAIT files as comparator rows.

The registry says, per indicator, which published file and which columns give its comparator
(`[[indicators.comparators]]`). A file is turned into rows of the `official_values` dataset,
one per indicator, period and area (England, each region, each local authority), and stored
through the same validation, batch, audit and roll back as every upload.

- EES tidy layout: `time_period, time_identifier, geographic_level, country_code, region_code,
  new_la_code, old_la_code, la_name, breakdown_topic, breakdown`, then one column per measure.
  Period codes become our labels: `2024` (calendar year) stays `2024`; `202425` (academic
  year) becomes `2024/25`, or `2025-01` for a monthly indicator whose comparator names the
  January census (`census_month = 1`).
- LAIT long layout: `Short Desc, Data item, Years, LA and Regions, Values, LA Number, Region`;
  values only. LA number 970 is England and 980 upwards the regions.
- Government Statistical Service symbols (`x`, `z`, `c`, `low`, `u`, and the older `:` and `~`;
  LAIT's `-`) are stored as a missing value with the symbol beside it, never as a zero.

A file that does not have the shape the registry expects is refused with every problem listed
(row, column, value, what is wrong, how to fix it), and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy.engine import Engine

from metrics import audit, datasets, ingest
from metrics.db import store
from metrics.ingest.cells import parse_number
from metrics.ingest.reader import RawTable, UnreadableFile, read_upload
from metrics.ingest.validate import PROBLEM_SCHEMA, problem, problem_table
from metrics.periods import PeriodType
from metrics.registry import Comparator, Indicator, Registry
from metrics.uploads import rows_words

DATASET = "official_values"
KINDS = ("ees", "lait")
ENGLAND_CODE = "E92000001"

# What each symbol means. The GSS symbols first, then the older ones still found in files
# published before 2021, then LAIT's dash.
SYMBOLS: dict[str, str] = {
    "x": "not available",
    "z": "not applicable",
    "c": "confidential: withheld to protect privacy",
    "low": "rounds to zero, but is not zero",
    "u": "low reliability, so not published",
    ":": "not available",
    "~": "rounds to zero, but is not zero",
    "-": "no figure published",
}

EES_REQUIRED = (
    "time_period", "time_identifier", "geographic_level", "country_code", "region_code",
    "new_la_code", "old_la_code", "la_name",
)  # fmt: skip
EES_NAMES = ("country_name", "region_name")  # used when present
EES_LEVELS = {"National": "national", "Regional": "regional", "Local authority": "local_authority"}
# EES time identifiers we read, and the kind of year their `time_period` codes name.
EES_TIMES = {
    "Calendar year": "calendar",
    "Academic year": "academic",
    "Financial year": "financial",
}
# Which indicator period types each kind of year can feed (a month needs census_month).
FEEDS: dict[str, set[PeriodType]] = {
    "calendar": {PeriodType.calendar_year, PeriodType.month},
    "academic": {PeriodType.academic_year, PeriodType.month},
    "financial": {PeriodType.financial_year, PeriodType.month},
}

LAIT_REQUIRED = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
LAIT_ENGLAND = 970
LAIT_FIRST_REGION = 980
# LAIT names its regions but gives no ONS code; these are the ONS region codes (the EES files
# pair the same names with the same codes). London's inner and outer halves have none.
LAIT_REGION_CODES = {
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "east of england": "E12000006",
    "london": "E12000007",
    "south east": "E12000008",
    "south west": "E12000009",
}

OUTPUT = datasets.get(DATASET).column_names


def symbol_meaning(symbol: str | None) -> str | None:
    """What a published symbol means, in words ('x' -> 'not available')."""
    return None if symbol is None else SYMBOLS.get(symbol)


def symbol_meaning_expr(symbol: pl.Expr) -> pl.Expr:
    return symbol.replace_strict(SYMBOLS, default=None, return_dtype=pl.String)


@dataclass
class OfficialReport(ingest.IngestReport):
    """An upload report, plus what kind of official file it was and what was read from it."""

    kind: str = ""
    indicators: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Conversion:
    """An official file turned into `official_values` rows (with the file's row numbers)."""

    kind: str
    rows: pl.DataFrame  # OUTPUT columns + row_number (the row in the official file)
    problems: pl.DataFrame  # PROBLEM_SCHEMA
    indicators: list[str]
    notes: list[str]
    rows_read: int
    read_as: str = ""


# ---------------------------------------------------------------------------------------------
# Reading a published file
# ---------------------------------------------------------------------------------------------


def _refusal(kind: str, what: str, fix: str, rows_read: int = 0, read_as: str = "") -> Conversion:
    return Conversion(
        kind, _empty_rows(), problem_table([problem(None, None, "", what, fix)]), [], [],
        rows_read, read_as,
    )  # fmt: skip


def _empty_rows() -> pl.DataFrame:
    schema = {c: pl.String() for c in OUTPUT} | {
        c: pl.Float64() for c in ("numerator", "denominator", "value")
    }
    return pl.DataFrame(schema={**schema, "row_number": pl.Int64()})


def detect_kind(header: Iterable[str]) -> str | None:
    names = set(header)
    if "Short Desc" in names:
        return "lait"
    if names & {"time_period", "time_identifier", "geographic_level"}:
        return "ees"
    return None


def _named(table: RawTable, columns: Iterable[str]) -> pl.LazyFrame:
    """The file's cells under their header names (first of any duplicated name), trimmed."""
    position = {}
    for i, name in enumerate(table.header):
        position.setdefault(name, i)
    return table.cells.lazy().select(
        "row_number",
        *(
            pl.col(f"c{position[c]}").str.strip_chars().alias(c)
            for c in dict.fromkeys(columns)
            if c in position
        ),
    )


def _measure(column: str) -> tuple[pl.Expr, pl.Expr]:
    """A published cell as a number, or as the symbol published in its place."""
    text = pl.col(column)
    key = text.str.strip_chars("[]").str.to_lowercase()
    number = parse_number(text)
    symbol = pl.when(number.is_null() & key.is_in(list(SYMBOLS))).then(key)
    return number, symbol


def _bad_measure(lf: pl.LazyFrame, column: str) -> pl.LazyFrame:
    number, symbol = _measure(column)
    blank = pl.col(column).fill_null("") == ""
    return lf.filter(number.is_null() & symbol.is_null()).select(
        pl.col("row_number").alias("row"),
        pl.lit(column).alias("column"),
        pl.col(column).fill_null("").alias("value"),
        pl.when(blank)
        .then(pl.lit("This cell is blank; an official file marks a missing figure with a symbol."))
        .otherwise(pl.lit("This is neither a number nor a statistical symbol."))
        .alias("problem"),
        pl.lit(
            "Check the file is the one published, unchanged: a figure is a number, and a "
            "missing one is x (not available), z (not applicable), c (confidential), low "
            "(rounds to zero) or u (low reliability)."
        ).alias("fix"),
    )


def _problems_where(
    lf: pl.LazyFrame, bad: pl.Expr, column: str, what: str, fix: str
) -> pl.LazyFrame:
    return lf.filter(bad.fill_null(False)).select(
        pl.col("row_number").alias("row"),
        pl.lit(column).alias("column"),
        pl.col(column).cast(pl.String).fill_null("").alias("value"),
        pl.lit(what).alias("problem"),
        pl.lit(fix).alias("fix"),
    )


def _label_expr(kind_of_year: str, start: pl.Expr, ind: Indicator, comp: Comparator) -> pl.Expr:
    """Our period label for a year whose first calendar year is `start`."""
    if ind.period_type is PeriodType.month and comp.census_month is not None:
        month = comp.census_month
        # the census month falls in the year's first calendar year only if the year starts
        # on or before it (September for academic years, April for financial years)
        first_month = {"calendar": 1, "academic": 9, "financial": 4}[kind_of_year]
        year = start if month >= first_month else start + 1
        return pl.format("{}-{}", year, pl.lit(f"{month:02d}"))
    if kind_of_year == "calendar":
        return start.cast(pl.String)
    end2 = ((start + 1) % 100).cast(pl.String).str.zfill(2)
    return pl.format("{}" + ("/" if kind_of_year == "academic" else "-") + "{}", start, end2)


def _rate_value(comp: Comparator, value: pl.Expr, num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """The published value; with no value column, the percentage the counts give."""
    if comp.value is not None:
        return value
    return pl.when(den > 0).then(100 * num / den)


def _comparators(registry: Registry, kind: str) -> list[tuple[Indicator, Comparator]]:
    return [(i, c) for i in registry.indicators for c in i.comparators if c.kind == kind]


def _stem(name: str) -> str:
    return Path(name).name.lower()


# Expressions over an EES file's cells (after `_named`).
_TIME_KIND = pl.col("time_identifier").replace_strict(EES_TIMES, default=None)
_START = pl.col("time_period").str.slice(0, 4).cast(pl.Int32, strict=False)
_LEVEL = pl.col("geographic_level").replace_strict(EES_LEVELS, default=None)


def _feeds(ind: Indicator) -> list[str]:
    """The kinds of year whose figures can be compared with the indicator."""
    return [k for k, types in FEEDS.items() if ind.period_type in types]


def _ees_checks(usable: pl.LazyFrame, ind: Indicator, comp: Comparator) -> list[pl.LazyFrame]:
    """Every problem in the rows a comparator reads: time, area codes, measure cells."""
    tp = pl.col("time_period")
    calendar_ok = tp.str.contains(r"^\d{4}$")
    two_years_ok = tp.str.contains(r"^\d{6}$") & (
        tp.str.slice(4, 2).cast(pl.Int32, strict=False) == ((_START + 1) % 100)
    )
    period_ok = pl.when(_TIME_KIND == "calendar").then(calendar_ok).otherwise(two_years_ok)
    no_code = pl.col("new_la_code").fill_null("").eq("") & pl.col("old_la_code").fill_null("").eq(
        ""
    )
    checks = [
        _problems_where(
            usable, _TIME_KIND.is_null(), "time_identifier",
            "This time identifier is not one we can read.",
            "Official comparators are yearly: use a file by calendar, academic or financial year.",
        ),
        _problems_where(
            usable, _TIME_KIND.is_not_null() & ~_TIME_KIND.is_in(_feeds(ind)), "time_identifier",
            f"{ind.id} is measured by {ind.period_type.value.replace('_', ' ')}, so figures "
            "by this kind of year cannot be compared with it.",
            "Use a file by the indicator's kind of year, or correct the comparator in the "
            "registry.",
        ),
        _problems_where(
            usable, _TIME_KIND.is_not_null() & ~period_ok, "time_period",
            "This time period code does not match its time identifier.",
            "A calendar year is written 2024; an academic or financial year 202425.",
        ),
        _problems_where(
            usable, (_LEVEL == "local_authority") & no_code, "new_la_code",
            "A local authority row has no local authority code.",
            "Use the file exactly as published: each authority has its old and new codes.",
        ),
    ]  # fmt: skip
    checks += [_bad_measure(usable, c) for c in (comp.numerator, comp.denominator, comp.value) if c]
    if comp.numerator and comp.denominator:
        num, _ = _measure(comp.numerator)
        den, _ = _measure(comp.denominator)
        checks.append(_problems_where(
            usable, num > den, comp.numerator,
            f"The numerator is greater than the denominator ({comp.denominator}).",
            "Check the file is the one published, unchanged.",
        ))  # fmt: skip
    return checks


def _ees_rows(
    usable: pl.LazyFrame, ind: Indicator, comp: Comparator, header: set[str], file_name: str
) -> pl.LazyFrame:
    """The comparator's rows as `official_values` rows (OUTPUT columns and row_number)."""
    none = (pl.lit(None), pl.lit(None))
    num, num_sym = _measure(comp.numerator) if comp.numerator else none
    den, den_sym = _measure(comp.denominator) if comp.denominator else none
    val, val_sym = _measure(comp.value) if comp.value else none
    blank = pl.lit(None, dtype=pl.String)
    national, regional = _LEVEL == "national", _LEVEL == "regional"
    # the period label depends on the kind of year in each row
    period = (
        pl.when(_TIME_KIND == "calendar").then(_label_expr("calendar", _START, ind, comp))
        .when(_TIME_KIND == "academic").then(_label_expr("academic", _START, ind, comp))
        .otherwise(_label_expr("financial", _START, ind, comp))
    )  # fmt: skip
    return usable.filter(_TIME_KIND.is_in(_feeds(ind))).select(
        pl.lit(ind.id).alias("indicator_id"),
        period.alias("period"),
        pl.lit("ees").alias("source"),
        _LEVEL.alias("geographic_level"),
        pl.when(national).then(pl.col("country_code"))
        .when(regional).then(pl.col("region_code"))
        .otherwise(pl.col("new_la_code")).alias("area_code"),
        pl.when(national).then(pl.coalesce("country_name", "country_code"))
        .when(regional).then(pl.coalesce("region_name", "region_code"))
        .otherwise(pl.col("la_name")).alias("area"),
        pl.when(national | regional).then(blank).otherwise(pl.col("old_la_code"))
        .alias("old_la_code"),
        (pl.col("breakdown") if "breakdown" in header else blank).alias("breakdown"),
        num.cast(pl.Float64).alias("numerator"),
        den.cast(pl.Float64).alias("denominator"),
        _rate_value(comp, val, num, den).cast(pl.Float64).alias("value"),
        pl.coalesce(val_sym, num_sym, den_sym).cast(pl.String).alias("symbol"),
        pl.lit(Path(file_name).name).alias("source_file"),
        "row_number",
    )  # fmt: skip


def _convert_ees(table: RawTable, file_name: str, registry: Registry) -> Conversion:
    header = set(table.header)
    rows_read = table.cells.height
    problems: list[dict[str, object]] = [
        problem(table.header_row, name, "", "A column every Explore Education Statistics file "
                "has is missing.", "Use the file exactly as downloaded from Explore Education "
                "Statistics: it starts with time_period, time_identifier, geographic_level, ...")
        for name in EES_REQUIRED
        if name not in header
    ]  # fmt: skip
    candidates = _comparators(registry, "ees")
    matched = [(i, c) for i, c in candidates if set(c.columns) <= header]
    for ind, comp in candidates:
        missing = [c for c in comp.columns if c not in header]
        if missing and _stem(comp.file) == _stem(file_name):
            problems.append(problem(
                table.header_row, ", ".join(missing), "",
                f"The registry reads {', '.join(missing)} from {comp.file} for {ind.id}, but "
                "this file has no such column.",
                "Check this is the latest release of the file; if the DfE renamed the column, "
                "change the comparator in the registry.",
            ))  # fmt: skip
    if not matched and not problems:
        wanted = "; ".join(sorted({f"{c.file} ({', '.join(c.columns)})" for _, c in candidates}))
        problems.append(problem(
            None, None, file_name,
            "No indicator in the registry takes its comparator from this file's columns.",
            f"The registry's Explore Education Statistics comparators read: {wanted or 'none'}. "
            "Add a comparator to the indicator in the registry to use this file.",
        ))  # fmt: skip
    if problems:
        return Conversion("ees", _empty_rows(), problem_table(problems), [], [], rows_read)

    needed = [*EES_REQUIRED, *(n for n in EES_NAMES if n in header)]
    needed += [col for _, comp in matched for col in comp.columns]
    cells = _named(table, needed)
    if not all(n in header for n in EES_NAMES):
        cells = cells.with_columns(
            pl.lit(None, dtype=pl.String).alias(n) for n in EES_NAMES if n not in header
        )
    in_level = pl.col("geographic_level").is_in(list(EES_LEVELS))
    frames: list[pl.LazyFrame] = []
    checks: list[pl.LazyFrame] = []
    counts: list[pl.Expr] = []
    for n, (ind, comp) in enumerate(matched):
        chosen = pl.all_horizontal(
            [pl.col(col) == value for col, value in comp.filters.items()] or [pl.lit(True)]
        )
        counts += [
            chosen.sum().alias(f"chosen_{n}"),
            (chosen & in_level).sum().alias(f"used_{n}"),
        ]
        usable = cells.filter(chosen & in_level)
        checks += _ees_checks(usable, ind, comp)
        frames.append(_ees_rows(usable, ind, comp, header, file_name))
    rows_lf = pl.concat(frames, how="vertical") if frames else _empty_rows().lazy()
    problem_lf = pl.concat(checks, how="vertical") if checks else problem_table([]).lazy()
    level_lf = cells.select(
        (~in_level).sum().alias("other_levels"), pl.len().alias("rows"), *counts
    )
    rows, found, tally = pl.collect_all([rows_lf, problem_lf, level_lf])
    found = found.unique(maintain_order=True)
    facts = tally.row(0, named=True)
    notes = [f"Read {facts['rows']:,} rows of {Path(file_name).name}."]
    for n, (ind, comp) in enumerate(matched):
        picked = ", ".join(f"{k} = {v}" for k, v in comp.filters.items()) or "every row"
        notes.append(
            f"{ind.id}: {facts[f'used_{n}']:,} rows ({picked}; England, regions and local "
            "authorities)."
        )
        if facts[f"chosen_{n}"] == 0:
            found = pl.concat([found, problem_table([problem(
                None, ", ".join(comp.filters), "",
                f"No row of the file has {picked}, which the registry picks for {ind.id}.",
                "Check this is the right file, or correct the comparator's filters in the "
                "registry.",
            )])])  # fmt: skip
    if facts["other_levels"]:
        notes.append(
            f"{facts['other_levels']:,} rows at other geographic levels were not needed and not "
            "imported."
        )
    rows = rows.select(*OUTPUT, "row_number")
    return Conversion(
        "ees", rows, found, [i.id for i, _ in matched], notes, rows_read, table.describe()
    )


def _convert_lait(table: RawTable, file_name: str, registry: Registry) -> Conversion:
    header = set(table.header)
    rows_read = table.cells.height
    problems = [
        problem(table.header_row, name, "", "A column every LAIT download has is missing.",
                "Use the LAIT data exactly as downloaded: Short Desc, Data item, Years, "
                "LA and Regions, Values, LA Number, Region.")
        for name in LAIT_REQUIRED
        if name not in header
    ]  # fmt: skip
    if problems:
        return Conversion("lait", _empty_rows(), problem_table(problems), [], [], rows_read)
    candidates = _comparators(registry, "lait")
    cells = _named(table, [*LAIT_REQUIRED, "Region"])
    present = set(cells.select(pl.col("Short Desc").unique()).collect().to_series().to_list())
    matched = [(i, c) for i, c in candidates if c.measure in present]
    if not matched:
        wanted = ", ".join(sorted({c.measure or "" for _, c in candidates})) or "none"
        return _refusal(
            "lait",
            "No indicator in the registry takes its comparator from the measures in this file.",
            f"The registry's LAIT comparators read the measures: {wanted}. Add a comparator to "
            "an indicator in the registry to use another measure.",
            rows_read,
            table.describe(),
        )
    number = pl.col("LA Number").str.replace(r"\.0+$", "").cast(pl.Int32, strict=False)
    year = pl.col("Years").cast(pl.Int32, strict=False)
    level = (
        pl.when(number == LAIT_ENGLAND).then(pl.lit("national"))
        .when(number >= LAIT_FIRST_REGION).then(pl.lit("regional"))
        .otherwise(pl.lit("local_authority"))
    )  # fmt: skip
    frames: list[pl.LazyFrame] = []
    checks: list[pl.LazyFrame] = []
    for ind, comp in matched:
        usable = cells.filter(pl.col("Short Desc") == comp.measure)
        checks.append(_problems_where(
            usable, ~pl.col("Years").fill_null("").str.contains(r"^\d{4}$"), "Years",
            "This is not a year.", "LAIT gives one four-digit year per row, like 2024.",
        ))  # fmt: skip
        checks.append(_problems_where(
            usable, number.is_null(), "LA Number", "This is not a LAIT area number.",
            "Use the LAIT data as downloaded: 970 is England, 980 upwards the regions, and "
            "each authority has its three-digit number.",
        ))  # fmt: skip
        checks.append(_bad_measure(usable, "Values"))
        value, symbol = _measure("Values")
        name = pl.col("LA and Regions")
        blank = pl.lit(None, dtype=pl.String)
        frames.append(
            usable.select(
                pl.lit(ind.id).alias("indicator_id"),
                _label_expr("calendar", year, ind, comp).alias("period"),
                pl.lit("lait").alias("source"),
                level.alias("geographic_level"),
                pl.when(level == "national").then(pl.lit(ENGLAND_CODE))
                .when(level == "regional")
                .then(name.str.to_lowercase().replace_strict(LAIT_REGION_CODES, default=None))
                .otherwise(blank).alias("area_code"),
                name.alias("area"),
                pl.when(level == "local_authority").then(number.cast(pl.String))
                .otherwise(blank).alias("old_la_code"),
                blank.alias("breakdown"),
                pl.lit(None, dtype=pl.Float64).alias("numerator"),
                pl.lit(None, dtype=pl.Float64).alias("denominator"),
                value.cast(pl.Float64).alias("value"),
                symbol.cast(pl.String).alias("symbol"),
                pl.lit(Path(file_name).name).alias("source_file"),
                "row_number",
            )
        )  # fmt: skip
    rows, found = pl.collect_all([pl.concat(frames), pl.concat(checks)])
    notes = [f"Read {rows_read:,} rows of {Path(file_name).name}."] + [
        f"{ind.id}: measure {comp.measure}." for ind, comp in matched
    ]
    unused = sorted(present - {c.measure for _, c in matched})
    if unused:
        notes.append(f"Measures no indicator uses, not imported: {', '.join(unused)}.")
    return Conversion(
        "lait", rows.select(*OUTPUT, "row_number"), found.unique(maintain_order=True),
        [i.id for i, _ in matched], notes, rows_read, table.describe(),
    )  # fmt: skip


def _duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Two rows for the same indicator, period and area: the file is not what it claims."""
    key = ["indicator_id", "period", "source", "geographic_level", "area_code", "old_la_code",
           "area"]  # fmt: skip
    dup = rows.lazy().filter(pl.struct(key).is_duplicated())
    return dup.select(
        pl.col("row_number").alias("row"),
        pl.lit("area").alias("column"),
        pl.format("{} {}", pl.col("area"), pl.col("period")).alias("value"),
        pl.format(
            "{} has more than one row for this area and period (rows {}).",
            pl.col("indicator_id"),
            pl.col("row_number").cast(pl.String).str.join(", ").over(key),
        ).alias("problem"),
        pl.lit(
            "Narrow the comparator's filters in the registry so that each area has one row a "
            "period (for example breakdown_topic and breakdown), or remove the repeated row."
        ).alias("fix"),
    ).collect()


def convert(
    content: bytes, file_name: str, registry: Registry, *, kind: str | None = None
) -> Conversion:
    """An official file as `official_values` rows, or the problems that stop it."""
    if kind is not None and kind not in KINDS:
        return _refusal(kind, f"'{kind}' is not a kind of official file.", "Use ees or lait.")
    try:
        table = read_upload(content, file_name)
    except UnreadableFile as err:
        return _refusal(kind or "", err.problem, err.fix)
    found = detect_kind(table.header)
    if found is None:
        return _refusal(
            kind or "",
            "This is neither an Explore Education Statistics file (time_period, "
            "time_identifier, geographic_level, ...) nor a LAIT download (Short Desc, Years, "
            "LA and Regions, Values, ...).",
            "Download the file again from Explore Education Statistics or LAIT and import it "
            "unchanged.",
            table.cells.height,
            table.describe(),
        )
    if kind is not None and found != kind:
        return _refusal(
            kind,
            f"This looks like a{' LAIT' if found == 'lait' else 'n EES'} file, not {kind}.",
            f"Import it as --kind {found}, or leave --kind out.",
            table.cells.height,
            table.describe(),
        )
    out = (_convert_ees if found == "ees" else _convert_lait)(table, file_name, registry)
    if out.problems.height == 0:
        dups = _duplicates(out.rows)
        if dups.height:
            out.problems = dups
    out.problems = out.problems.sort("row", "column", nulls_last=False, maintain_order=True)
    return out


# ---------------------------------------------------------------------------------------------
# Storing it: the one upload path
# ---------------------------------------------------------------------------------------------


def period_key_expr() -> pl.Expr:
    """Indicator, period and kind of file: re-importing a file supersedes only what it gave."""
    return pl.format("{}|{}|{}", pl.col("indicator_id"), pl.col("period"), pl.col("source"))


def _report(
    conv: Conversion, file_name: str, digest: str, problems: pl.DataFrame
) -> OfficialReport:
    return OfficialReport(
        dataset=DATASET, file_name=Path(file_name).name, sha256=digest,
        rows_read=conv.rows_read, problems=problems, read_as=conv.read_as, kind=conv.kind,
        indicators=conv.indicators, notes=conv.notes,
    )  # fmt: skip


def _loaded_with(engine: Engine, digest: str, periods: list[str]) -> int | None:
    """An active batch of this very file that stored exactly these periods."""
    with engine.connect() as conn:
        batch = store.active_batch_with_hash(conn, DATASET, digest)
        if batch is None:
            return None
        stored = store.read_batches(conn).filter(pl.col("id") == batch)
    return batch if json.loads(stored.get_column("periods")[0]) == periods else None


def import_file(
    engine: Engine,
    content: bytes,
    file_name: str,
    registry: Registry,
    *,
    user: str,
    today: dt.date | None = None,
    kind: str | None = None,
    dry_run: bool = False,
    skip_if_loaded: bool = False,
    audited: bool = True,
) -> OfficialReport:
    """Read, validate and (unless a dry run) store an official file as one batch.

    The rows go through the `official_values` validation like any upload; a problem anywhere
    stores nothing. `skip_if_loaded` leaves a file alone that is already stored, as it is.
    The batch's audit event (an upload, by `user`) is written in the same transaction, unless
    `audited` is False.
    """
    digest = hashlib.sha256(content).hexdigest()
    conv = convert(content, file_name, registry, kind=kind)
    if conv.problems.height:
        return _report(conv, file_name, digest, conv.problems)
    csv = conv.rows.drop("row_number").write_csv().encode("utf-8")
    checked, validation = ingest.check_file(
        DATASET, csv, Path(file_name).name, registry, today=today or dt.date.today()
    )
    if validation is None or not checked.ok:
        # the generated file's rows are the official file's rows in order: say which they were
        lookup = dict(enumerate(conv.rows.get_column("row_number").to_list(), start=2))
        problems = checked.problems.with_columns(
            pl.col("row").replace_strict(lookup, default=None, return_dtype=pl.Int64)
        )
        return _report(conv, file_name, digest, problems)
    rows = validation.rows.with_columns(
        row_number=conv.rows.get_column("row_number"), period_key=period_key_expr()
    )
    report = _report(conv, file_name, digest, problem_table([]))
    report.periods = sorted(rows.get_column("period_key").unique().to_list())
    if dry_run:
        return report
    if skip_if_loaded:
        report.already_loaded_batch = _loaded_with(engine, digest, report.periods)
        if report.already_loaded_batch is not None:
            return report
    meta = store.BatchMeta(
        dataset=DATASET, uploaded_by=user, file_name=Path(file_name).name, sha256=digest,
        note=f"Official statistics ({conv.kind.upper()}) for: {', '.join(conv.indicators)}.",
    )  # fmt: skip
    with store.write_transaction(engine) as conn:
        report.stored = store.write_batch(conn, meta, rows)
        if audited:
            stored = report.stored
            audit.record_in(
                conn, audit.UPLOAD, user,
                f"Imported official statistics ({conv.kind.upper()}) “{meta.file_name}” as batch "
                f"{stored.batch_id} for {', '.join(conv.indicators)}: "
                f"{rows_words(stored.rows_added)}, replacing {rows_words(stored.rows_superseded)}.",
                ref=str(stored.batch_id),
            )  # fmt: skip
    return report


def reference_files(registry: Registry, directory: Path) -> list[tuple[str, Path]]:
    """The official files the registry's comparators name that are in a directory (any depth),
    with their kind, each once."""
    wanted = {c.file: c.kind for i in registry.indicators for c in i.comparators}
    found = []
    for name, kind in sorted(wanted.items()):
        paths = sorted(directory.rglob(name)) if directory.is_dir() else []
        if paths:
            found.append((kind, paths[0]))
    return found


def import_reference(
    engine: Engine, registry: Registry, directory: Path, *, user: str, today: dt.date
) -> list[OfficialReport]:
    """Import every official file the registry names from a directory; already stored ones are
    left alone. Like the demo data `seed` loads with them, they are not an officer's change,
    so they write no audit event."""
    return [
        import_file(
            engine,
            path.read_bytes(),
            path.name,
            registry,
            user=user,
            today=today,
            kind=kind,
            skip_if_loaded=True,
            audited=False,
        )
        for kind, path in reference_files(registry, directory)
    ]


def official_rows(engine: Engine) -> pl.DataFrame:
    """Every current official row."""
    with engine.connect() as conn:
        return store.read_active(conn, DATASET)


__all__ = [
    "DATASET",
    "PROBLEM_SCHEMA",
    "SYMBOLS",
    "Conversion",
    "OfficialReport",
    "convert",
    "detect_kind",
    "import_file",
    "import_reference",
    "official_rows",
    "reference_files",
    "symbol_meaning",
    "symbol_meaning_expr",
]
