"""Vectorised validation: every problem in an upload at once, as one table.

Each check is a polars expression over the whole frame; the checks are gathered into one lazy
pipeline and collected once. A problem names the spreadsheet row, the column, the value, what is
wrong and how to fix it, in words a council officer can act on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

import polars as pl

from metrics import datasets, periods
from metrics.datasets import Column, ColumnType, Dataset
from metrics.ingest.reader import RawTable

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "problem": pl.String(),
    "fix": pl.String(),
}
EARLIEST_DATE = dt.date(1990, 1, 1)

# Column names that would put a direct identifier in the database.
IDENTIFIER_NAMES: dict[str, str] = {
    "name": "a name",
    "forename": "a name",
    "firstname": "a name",
    "surname": "a name",
    "lastname": "a name",
    "fullname": "a name",
    "dob": "a date of birth",
    "birth": "a date of birth",
    "birthdate": "a date of birth",
    "address": "an address",
    "postcode": "a postcode",
    "upn": "a Unique Pupil Number",
    "uln": "a Unique Learner Number",
    "nhs": "an NHS number",
    "email": "an email address",
    "phone": "a phone number",
    "telephone": "a phone number",
    "mobile": "a phone number",
}
IDENTIFIER_VALUES: dict[str, tuple[str, str]] = {
    "postcode": (r"(?i)^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", "a postcode"),
    "nhs": (r"^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}$", "an NHS number"),
    "upn": (r"(?i)^[A-Z][0-9]{11}[0-9A-Z]$", "a Unique Pupil Number (UPN)"),
    "email": (r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address"),
}
PRIVACY_FIX = (
    "Only pseudonymised data may be uploaded. Remove names, dates of birth, addresses, "
    "postcodes, UPNs, ULNs and NHS numbers from the file (use your case system's reference "
    "instead) and upload again."
)


@dataclass
class Validation:
    dataset: Dataset
    rows: pl.DataFrame  # typed dataset columns + row_number + period_key (non-blank rows)
    problems: pl.DataFrame  # PROBLEM_SCHEMA, sorted by row

    @property
    def ok(self) -> bool:
        return self.problems.height == 0


def normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


def _problem(row: int, column: str, value: str, problem: str, fix: str) -> dict[str, object]:
    return {"row": row, "column": column, "value": value, "problem": problem, "fix": fix}


def _identifier_kind(name: str) -> str | None:
    tokens = set(normalise_name(name).split("_"))
    joined = normalise_name(name).replace("_", "")
    for key, what in IDENTIFIER_NAMES.items():
        if (
            key in tokens
            or joined == key
            or (key in ("birth", "nhs", "postcode") and key in joined)
        ):
            return what
    return None


def check_header(ds: Dataset, header: list[str]) -> tuple[dict[str, int], list[dict[str, object]]]:
    """Map each expected column to its position; report missing, misspelt, extra, duplicated."""
    problems: list[dict[str, object]] = []
    expected = ds.column_names
    positions: dict[str, int] = {}
    unmatched: list[tuple[int, str]] = []
    for i, raw in enumerate(header):
        name = normalise_name(raw)
        if name in expected:
            if name in positions:
                problems.append(_problem(
                    1, raw, raw, f"The column '{name}' appears more than once.",
                    "Keep one copy of the column and delete the others.",
                ))  # fmt: skip
            else:
                positions[name] = i
        else:
            unmatched.append((i, raw))
    missing = [c for c in expected if c not in positions]
    for i, raw in unmatched:
        kind = _identifier_kind(raw)
        if kind:
            problems.append(_problem(
                1, raw, raw, f"This column looks like {kind}, a direct identifier.", PRIVACY_FIX,
            ))  # fmt: skip
            continue
        close = difflib.get_close_matches(normalise_name(raw), missing, n=1, cutoff=0.6)
        if close:
            problems.append(_problem(
                1, raw, raw, f"Unexpected column name: did you mean '{close[0]}'?",
                f"Rename the column to '{close[0]}' exactly, as in the template.",
            ))  # fmt: skip
            missing.remove(close[0])
        elif raw.strip() == "":
            problems.append(_problem(
                1, f"(column {i + 1})", "", "A column has no name in the header row.",
                "Give it the name from the template, or delete the column if it is not needed.",
            ))  # fmt: skip
        else:
            problems.append(_problem(
                1, raw, raw, "This column is not part of the template.",
                f"Delete the column. The expected columns are: {', '.join(expected)}.",
            ))  # fmt: skip
    for name in missing:
        col = ds.column(name)
        if col.required:
            problems.append(_problem(
                1, name, "", "A required column is missing.",
                f"Add a column headed '{name}': {col.description}",
            ))  # fmt: skip
    return positions, problems


def _clean(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_chars() == 0).then(None).otherwise(text)


def _parse_date(raw: pl.Expr) -> pl.Expr:
    return pl.coalesce(
        raw.str.to_date("%Y-%m-%d", strict=False),
        raw.str.to_date("%d/%m/%Y", strict=False),
        raw.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
    )


def _parse_number(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    thousands = r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
    plain = pl.when(raw.str.contains(thousands)).then(raw.str.replace_all(",", "")).otherwise(raw)
    return plain.str.replace_all(" ", "").cast(dtype, strict=False)


def _typed(col: Column, raw: pl.Expr) -> pl.Expr:
    match col.type:
        case ColumnType.date:
            return _parse_date(raw)
        case ColumnType.integer:
            number = _parse_number(raw, pl.Float64())
            return pl.when(number == number.round(0)).then(number).cast(pl.Int64, strict=False)
        case ColumnType.number:
            return _parse_number(raw, pl.Float64())
        case ColumnType.category | ColumnType.yes_no:
            mapping = {v.lower(): v for v in col.allowed_values}
            return raw.str.to_lowercase().replace_strict(mapping, default=None)
        case _:
            return raw


def _column_checks(col: Column, today: dt.date) -> list[tuple[pl.Expr, str, str]]:
    """(is-bad expression over raw `name` and typed `name__t`, problem, fix) for one column."""
    raw, typed = pl.col(col.name), pl.col(f"{col.name}__t")
    present = raw.is_not_null()
    checks: list[tuple[pl.Expr, str, str]] = []
    if col.required:
        checks.append((
            raw.is_null(), "This cell is blank but the column is required.",
            f"Fill it in: {col.description}",
        ))  # fmt: skip
    match col.type:
        case ColumnType.date:
            checks += [
                (present & typed.is_null(), "This is not a date we can read.",
                 "Write the date as dd/mm/yyyy (for example 27/11/2026) or yyyy-mm-dd."),
                (typed > pl.lit(today), "This date is in the future.",
                 "Check the date: events cannot be recorded before they happen."),
                (typed < pl.lit(EARLIEST_DATE), "This date is too early to be right.",
                 "Check the date, and write the year in full (2024, not 24)."),
            ]  # fmt: skip
        case ColumnType.integer | ColumnType.number:
            kind = "a whole number" if col.type is ColumnType.integer else "a number"
            checks.append((
                present & typed.is_null(), f"This is not {kind}.",
                f"Write {kind} using digits only, for example 1520 or 1,520.",
            ))  # fmt: skip
            if col.minimum is not None:
                what = "negative" if col.minimum == 0 else f"below {col.minimum:g}"
                checks.append((
                    typed < col.minimum, f"This value is {what}.",
                    f"Use a value of at least {col.minimum:g}.",
                ))  # fmt: skip
            if col.maximum is not None:
                checks.append((
                    typed > col.maximum, f"This value is above {col.maximum:g}.",
                    f"Use a value between {col.minimum or 0:g} and {col.maximum:g}.",
                ))  # fmt: skip
        case ColumnType.category | ColumnType.yes_no:
            allowed = ", ".join(col.allowed_values)
            checks.append((
                present & typed.is_null(), "This value is not one of the allowed values.",
                f"Use one of: {allowed}.",
            ))  # fmt: skip
        case ColumnType.period:
            known = "|".join(p.pattern.strip("^$") for p in periods.PATTERNS.values())
            checks.append((
                present & ~raw.str.contains(f"^({known})$"), "This is not a period label.",
                "Write the period like 2024 (calendar year), 2024/25 (academic year), "
                "2024-25 (financial year), 2024-Q1 (quarter) or 2024-03 (month).",
            ))  # fmt: skip
        case ColumnType.text:
            checks.append((
                raw.str.len_chars() > col.max_length,
                f"This text is longer than {col.max_length} characters.",
                "Shorten it; long notes belong in the commentary, not the data file.",
            ))  # fmt: skip
            for pattern, what in IDENTIFIER_VALUES.values():
                checks.append((
                    raw.str.contains(pattern), f"This looks like {what}, a direct identifier.",
                    PRIVACY_FIX,
                ))  # fmt: skip
    if col.unique:
        checks.append((
            present & raw.is_duplicated(), "This reference appears on more than one row.",
            "Each row needs its own reference: remove the duplicate row or correct the reference.",
        ))  # fmt: skip
    return checks


def _row_rules(ds: Dataset, aggregate_types: dict[str, str]) -> list[tuple[str, pl.Expr, str, str]]:
    """Rules across columns of one row: (column to blame, is-bad, problem, fix)."""
    c = pl.col
    rules: list[tuple[str, pl.Expr, str, str]] = []
    if ds.name == "ehc_requests":
        rules += [
            ("plan_issued_date", c("plan_issued_date") < c("request_received_date"),
             "The plan is dated before its request was received.",
             "Check both dates: a plan is issued after the request."),
            ("request_decision_date", c("request_decision_date") < c("request_received_date"),
             "The decision is dated before the request was received.",
             "Check both dates: the decision comes after the request."),
            ("plan_issued_date",
             (c("assessment_outcome") == "plan_issued") & c("plan_issued_date").is_null(),
             "The outcome is plan_issued but there is no plan issue date.",
             "Add the date the final plan was issued, or correct assessment_outcome."),
            ("plan_issued_date",
             (c("assessment_outcome") != "plan_issued") & c("plan_issued_date").is_not_null(),
             "There is a plan issue date but the outcome is not plan_issued.",
             "Set assessment_outcome to plan_issued, or clear the date."),
            ("assessment_outcome",
             c("request_outcome").is_in(["not_assess", "withdrawn"])
             & (c("assessment_outcome") == "plan_issued"),
             "A plan is recorded as issued although the request was not assessed.",
             "Correct request_outcome or assessment_outcome."),
        ]  # fmt: skip
    if ds.name in ("ap_placements",):
        rules.append((
            "end_date", c("end_date") < c("start_date"), "The placement ends before it starts.",
            "Check the start and end dates.",
        ))  # fmt: skip
    if ds.name == "codesign_activities":
        rules.append((
            "completed_date", c("completed_date") < c("start_date"),
            "The activity is completed before it started.", "Check the two dates.",
        ))  # fmt: skip
    if ds.name == "milestones":
        rules += [
            ("completed_date", (c("status") == "complete") & c("completed_date").is_null(),
             "The milestone is complete but has no completed date.", "Add the completed date."),
            ("completed_date", (c("status") != "complete") & c("completed_date").is_not_null(),
             "There is a completed date but the status is not complete.",
             "Set the status to complete, or clear the date."),
        ]  # fmt: skip
    if ds.name == "indicator_values":
        known = ", ".join(sorted(aggregate_types)) or "(none in the registry)"
        ptype = c("indicator_id").replace_strict(aggregate_types, default=None)
        label_ok = pl.lit(False)
        for pt, pattern in periods.PATTERNS.items():
            label_ok = (
                pl.when(ptype == pt.value)
                .then(c("period").str.contains(pattern.pattern))
                .otherwise(label_ok)
            )
        rules += [
            ("indicator_id", c("indicator_id").is_not_null() & ptype.is_null(),
             "This is not an indicator that takes counted values.",
             f"Use one of: {known}."),
            ("period", ptype.is_not_null() & c("period").is_not_null() & ~label_ok,
             "The period does not match the indicator's period type.",
             "Use the indicator's period type: see its entry in the registry (e.g. 2024-03 for a "
             "monthly indicator)."),
            ("numerator", c("numerator") > c("denominator"),
             "The numerator is greater than the denominator.",
             "Check both numbers: the numerator counts part of the denominator."),
            ("count", c("count").is_null() & c("numerator").is_null(),
             "The row has neither a count nor a numerator and denominator.",
             "Fill in count, or numerator and denominator."),
            ("denominator", c("numerator").is_not_null() & c("denominator").is_null(),
             "A numerator needs a denominator.", "Fill in the denominator."),
        ]  # fmt: skip
    return rules


def _key_duplicates(ds: Dataset) -> pl.Expr | None:
    multi = len(ds.key) > 1
    if not multi:
        return None
    parts = [pl.col(k).fill_null("") for k in ds.key]
    return pl.struct(parts).is_duplicated() & pl.all_horizontal(pl.col(ds.key[0]).is_not_null())


def period_key_expr(ds: Dataset) -> pl.Expr:
    if ds.period_type is None:  # indicator_values: one indicator's period at a time
        return pl.format("{}|{}", pl.col("indicator_id"), pl.col("period"))
    return periods.label_expr(pl.col(ds.period_column), ds.period_type)


def validate(
    ds: Dataset,
    table: RawTable,
    *,
    today: dt.date,
    aggregate_types: dict[str, str] | None = None,
) -> Validation:
    """Check every cell and row of an upload; return the typed rows and every problem found.

    `aggregate_types` maps indicator ids that take counted values to their period type.
    """
    aggregate_types = aggregate_types or {}
    positions, header_problems = check_header(ds, table.header)
    problem_frames: list[pl.LazyFrame] = []
    if header_problems:
        problem_frames.append(pl.LazyFrame(header_problems, schema=PROBLEM_SCHEMA))

    cell_cols = [c for c in table.cells.columns if c != "row_number"]
    non_blank = (
        pl.any_horizontal(pl.col(c).str.strip_chars().str.len_chars() > 0 for c in cell_cols)
        if cell_cols
        else pl.lit(False)
    )
    present = [c for c in ds.columns if c.name in positions]
    lf = (
        table.cells.lazy()
        .filter(non_blank)
        .select(
            "row_number",
            *(_clean(f"c{positions[c.name]}").alias(c.name) for c in present),
            *(pl.lit(None, dtype=pl.String).alias(c.name) for c in ds.columns if c not in present),
        )
    )
    lf = lf.with_columns(_typed(c, pl.col(c.name)).alias(f"{c.name}__t") for c in ds.columns)

    for col in present:
        for bad, problem, fix in _column_checks(col, today):
            problem_frames.append(
                lf.filter(bad.fill_null(False)).select(
                    pl.col("row_number").alias("row"),
                    pl.lit(col.name).alias("column"),
                    pl.col(col.name).fill_null("").alias("value"),
                    pl.lit(problem).alias("problem"),
                    pl.lit(fix).alias("fix"),
                )
            )
    typed = lf.select(
        "row_number",
        *(pl.col(f"{c.name}__t").alias(c.name) for c in ds.columns),
        *(pl.col(c.name).alias(f"{c.name}__raw") for c in ds.columns),
    )
    if len({c.name for c in present}) == len(ds.columns) or not header_problems:
        for column, bad, problem, fix in _row_rules(ds, aggregate_types):
            problem_frames.append(
                typed.filter(bad.fill_null(False)).select(
                    pl.col("row_number").alias("row"),
                    pl.lit(column).alias("column"),
                    pl.col(f"{column}__raw").fill_null("").alias("value"),
                    pl.lit(problem).alias("problem"),
                    pl.lit(fix).alias("fix"),
                )
            )
        dup = _key_duplicates(ds)
        if dup is not None:
            first = ds.key[0]
            problem_frames.append(
                typed.filter(dup).select(
                    pl.col("row_number").alias("row"),
                    pl.lit(" + ".join(ds.key)).alias("column"),
                    pl.concat_str(
                        [pl.col(f"{k}__raw").fill_null("") for k in ds.key], separator=" / "
                    ).alias("value"),
                    pl.lit(f"The same {first} and {ds.key[1]} appear on more than one row.").alias(
                        "problem"
                    ),
                    pl.lit("Remove the duplicate row.").alias("fix"),
                )
            )

    rows_lf = typed.select(*(pl.col(c) for c in ds.column_names), "row_number").with_columns(
        period_key=period_key_expr(ds)
    )
    problems_lf = (
        pl.concat(problem_frames, how="vertical").sort(["row", "column"], maintain_order=True)
        if problem_frames
        else pl.LazyFrame(schema=PROBLEM_SCHEMA)
    )
    rows, problems = pl.collect_all([rows_lf, problems_lf])
    if rows.height == 0 and problems.height == 0:
        problems = pl.DataFrame(
            [_problem(2, "(file)", "", "The file has a header row but no data rows.",
                      "Add one row per record under the header, then upload again.")],
            schema=PROBLEM_SCHEMA,
        )  # fmt: skip
    if problems.height == 0:
        unplaced = rows.filter(pl.col("period_key").is_null())
        if unplaced.height:
            problems = pl.DataFrame(
                [_problem(r, ds.period_column, "", "This row has no date to place it in a period.",
                          f"Fill in {ds.period_column}.") for r in unplaced["row_number"]],
                schema=PROBLEM_SCHEMA,
            )  # fmt: skip
    return Validation(dataset=ds, rows=rows, problems=problems)


def validate_upload(
    dataset: str, table: RawTable, *, today: dt.date, aggregate_types: dict[str, str] | None = None
) -> Validation:
    return validate(datasets.get(dataset), table, today=today, aggregate_types=aggregate_types)
