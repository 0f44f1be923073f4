"""Saved column mappings: read another tool's export as one of our datasets.

A mapping says which of the file's columns is each of ours, which of the file's values mean
each of our codes, how the file writes dates and, for a wide survey file (one row per
respondent), which columns are questions. Applying one gives a table in our template's layout,
which then goes through every check a template upload does; a problem names the file's own
column. Columns the mapping does not read are dropped on read, so identifying columns (names,
e-mail and IP addresses) never reach the database.

Saved mappings are versioned and audited like commentary (every save is a new version), found
again by the file's header, and exported and imported as TOML files so that councils can share
them. Mappings shipped with the dashboard (`metrics/mapping_files/`) are offered as well.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.engine import Engine

from metrics import audit, datasets
from metrics.datasets import Column, ColumnType
from metrics.db import mapping_store, store
from metrics.ingest import cells, privacy, surveys
from metrics.ingest.reader import RawTable
from metrics.ingest.validate import normalise_name

SHIPPED = Path(__file__).with_name("mapping_files")
SURVEY_DATASET = "survey_responses"
# What a wide survey file gives itself: the respondent, the question and the answer.
WIDE_GIVES = ("response_ref", "question", "response")
DATE_FORMATS = {
    "": "as the template: day first (27/11/2026) or 2026-11-27",
    "%m/%d/%Y %I:%M:%S %p": "month first with a time, as SurveyMonkey writes it (11/27/2026 "
    "02:05:00 PM)",
    "%m/%d/%Y": "month first (11/27/2026)",
    "%Y-%m-%d %H:%M:%S": "year first with a time (2026-11-27 14:05:00)",
    "%d/%m/%Y %H:%M": "day first with a time (27/11/2026 14:05)",
}


class MappingError(ValueError):
    """A mapping that cannot be used or saved: every problem, in words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


class Mapping(BaseModel):
    """How to read one layout of export as one dataset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    dataset: str
    description: str = ""
    header: tuple[str, ...]  # the file's columns, as the mapping was made for (recognition)
    columns: dict[str, str] = {}  # our column -> the file's column
    values: dict[str, dict[str, str]] = {}  # our column -> {the file's value: our code}
    constants: dict[str, str] = {}  # our column -> the same value on every row
    date_format: str = ""  # how the file writes dates (strptime); blank: as our template
    # a wide survey file: the file's question column -> our question code
    questions: dict[str, str] = {}
    respondent: str = ""  # wide: the column of the tool's respondent id (stored as a pseudonym)

    @property
    def wide(self) -> bool:
        return bool(self.questions)

    def file_columns(self) -> list[str]:
        """Every column of the file the mapping reads."""
        read = [*self.columns.values(), *self.questions]
        return [*read, self.respondent] if self.respondent else read

    def read(self, table: RawTable) -> Applied:
        """A file as read through this mapping (raises MappingError if it does not fit)."""
        return apply(self, prepared(table))


@dataclass(frozen=True)
class Saved:
    """A mapping as stored (version 1, 2, ...) or shipped with the dashboard (version 0)."""

    mapping: Mapping
    version: int = 0
    saved_by: str = ""
    saved_at: dt.datetime | None = None

    @property
    def shipped(self) -> bool:
        return self.version == 0

    def describe(self) -> str:
        """'“SurveyMonkey parent carers” (version 2)' or '… (shipped with the dashboard)'."""
        where = "shipped with the dashboard" if self.shipped else f"version {self.version}"
        return f"“{self.mapping.name}” ({where})"


@dataclass
class Applied:
    """A file read through a mapping: our layout, and where each of our columns came from."""

    table: RawTable
    mapping: Mapping
    source: dict[str, str]  # our column -> the file's column
    dropped: list[str]  # the file's columns not read
    # wide files: each long row's question code, answer and file column
    answers: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def file_problems(self, problems: pl.DataFrame) -> pl.DataFrame:
        """The problems with the file's own column names (`file_problems`)."""
        return file_problems(problems, self)


# ---------------------------------------------------------------------------------------------
# Checking a mapping
# ---------------------------------------------------------------------------------------------


def header_key(header: list[str] | tuple[str, ...]) -> str:
    """The same for two headers with the same columns, in any order and any capitals."""
    names = sorted(normalise_name(h) for h in header if h.strip())
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def _allowed(col: Column, value: str) -> bool:
    return cells.choice_key(value) in {cells.choice_key(v) for v in col.allowed_values}


def problems(m: Mapping) -> list[str]:
    """Everything wrong with a mapping, in words; empty if it can be used."""
    try:
        ds = datasets.get(m.dataset)
    except KeyError:
        return [f"There is no dataset called '{m.dataset}'."]
    if m.dataset in datasets.OFFICIAL_DATASETS:
        return ["Official statistics are imported as published (import-official), not mapped."]
    out: list[str] = [] if m.name.strip() else ["Give the mapping a name."]
    ours = set(ds.column_names)
    header = set(m.header)
    for name in [*m.columns, *m.values, *m.constants]:
        if name not in ours:
            out.append(f"'{name}' is not a column of {ds.title}: use one of "
                       f"{', '.join(ds.column_names)}.")  # fmt: skip
    for column in m.file_columns():
        if column not in header:
            out.append(f"The file has no column '{column}'.")
        elif kind := privacy.identifier_kind(column):
            out.append(f"The column '{column}' looks like {kind}, which is never stored: leave "
                       "it out of the mapping.")  # fmt: skip
    for name, table in m.values.items():
        col = ds.column(name) if name in ours else None
        if col is None or not col.allowed_values:
            continue
        for value, code in table.items():
            if code and not _allowed(col, code):
                out.append(f"'{value}' is mapped to '{code}', which is not one of the allowed "
                           f"values of {name}: {', '.join(col.allowed_values)}.")  # fmt: skip
    for name, value in m.constants.items():
        col = ds.column(name) if name in ours else None
        if col is not None and col.allowed_values and not _allowed(col, value):
            out.append(f"'{value}' is not one of the allowed values of {name}: "
                       f"{', '.join(col.allowed_values)}.")  # fmt: skip
    if m.date_format:
        try:
            dt.datetime(2026, 11, 27, 14, 5).strftime(m.date_format)
        except ValueError:
            out.append(f"'{m.date_format}' is not a date format.")
    given = set(m.columns) | set(m.constants)
    if m.wide:
        if m.dataset != SURVEY_DATASET:
            out.append("Only survey responses can be read from one column per question.")
        if not m.respondent:
            out.append("Choose the column that identifies each respondent (e.g. Respondent ID).")
        for code in m.questions.values():
            if not code.strip():
                out.append("Every question column needs our question code.")
        given |= set(WIDE_GIVES) if m.respondent else {"question", "response"}
        clash = sorted(set(WIDE_GIVES) & (set(m.columns) | set(m.constants)))
        if clash:
            out.append(f"{', '.join(clash)} come from the question columns: do not map them.")
    for col in ds.columns:
        if col.required and col.name not in given:
            out.append(f"{col.name} is required: choose the file's column that holds it "
                       f"({col.description})")  # fmt: skip
    return out


def checked(m: Mapping) -> Mapping:
    """The mapping, or MappingError with every problem."""
    found = problems(m)
    if found:
        raise MappingError(found)
    return m


# ---------------------------------------------------------------------------------------------
# TOML: sharing mappings between councils
# ---------------------------------------------------------------------------------------------


def _toml_str(text: str) -> str:
    # a JSON string is a valid TOML basic string (the same escapes)
    return json.dumps(text, ensure_ascii=False)


def _toml_table(values: dict[str, str]) -> list[str]:
    return [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in values.items()]


def to_toml(m: Mapping) -> str:
    """The mapping as a TOML file (what `mappings export` writes and `mappings import` reads)."""
    lines = [
        "# A column mapping for the Measures of Success dashboard: how to read one layout of",
        "# export as one of its datasets. Import it with `python -m metrics mappings import`.",
        f"name = {_toml_str(m.name)}",
        f"dataset = {_toml_str(m.dataset)}",
        f"description = {_toml_str(m.description)}",
        f"date_format = {_toml_str(m.date_format)}",
        f"respondent = {_toml_str(m.respondent)}",
        "header = [",
        *(f"  {_toml_str(h)}," for h in m.header),
        "]",
        "",
        "[columns]  # our column = the file's column",
        *_toml_table(m.columns),
        "",
        "[constants]  # our column = the value for every row",
        *_toml_table(m.constants),
        "",
        "[questions]  # the file's question column = our question code",
        *_toml_table(m.questions),
    ]
    for name, table in m.values.items():
        lines += ["", f"[values.{_toml_str(name)}]  # the file's value = our code",
                  *_toml_table(table)]  # fmt: skip
    return "\n".join(lines) + "\n"


def from_toml(text: str) -> Mapping:
    """A mapping from a TOML file; MappingError says what is wrong with it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise MappingError([f"This is not a TOML file: {err}."]) from err
    try:
        m = Mapping.model_validate(data)
    except ValidationError as err:
        raise MappingError([
            f"{'.'.join(map(str, e['loc'])) or 'the file'}: {e['msg']}" for e in err.errors()
        ]) from err  # fmt: skip
    return checked(m)


# ---------------------------------------------------------------------------------------------
# Storing, listing and recognising
# ---------------------------------------------------------------------------------------------


def save(engine: Engine, m: Mapping, who: str, *, role: str | None = None) -> int:
    """Store the mapping as the next version of its name, with its audit event. Returns the
    version."""
    checked(m)
    title = datasets.get(m.dataset).title
    with store.write_transaction(engine) as conn:
        version = mapping_store.append(
            conn, m.name, dataset=m.dataset, header_key=header_key(m.header), body=to_toml(m),
            saved_by=who, at=store.now_utc(),
        )  # fmt: skip
        audit.record_in(
            conn, audit.MAPPING, who,
            f"Saved the column mapping “{m.name}” for {title}, version {version}.",
            role=role, ref=f"mapping|{m.name}",
        )  # fmt: skip
    return version


def shipped() -> list[Saved]:
    """The mappings shipped with the dashboard, by name."""
    files = sorted(SHIPPED.glob("*.toml")) if SHIPPED.is_dir() else []
    return [Saved(from_toml(f.read_text(encoding="utf-8"))) for f in files]


def stored(engine: Engine) -> list[Saved]:
    """The newest version of each saved mapping, by name."""
    with engine.connect() as conn:
        rows = mapping_store.latest(conn)
    return [
        Saved(Mapping.model_validate(tomllib.loads(r["body"])), r["version"], r["saved_by"],
              r["saved_at"])
        for r in rows.iter_rows(named=True)
    ]  # fmt: skip


def available(engine: Engine) -> list[Saved]:
    """Every mapping an upload can use: the saved ones, then the shipped ones not saved over."""
    saved = stored(engine)
    names = {s.mapping.name for s in saved}
    return saved + [s for s in shipped() if s.mapping.name not in names]


def find(engine: Engine, name: str) -> Saved:
    for s in available(engine):
        if s.mapping.name == name:
            return s
    known = ", ".join(s.mapping.name for s in available(engine)) or "none yet"
    raise MappingError([f"There is no mapping called “{name}”. The mappings are: {known}."])


def recognise(engine: Engine, header: list[str], dataset: str | None = None) -> Saved | None:
    """The mapping made for a file with this header (the newest saved one first)."""
    key = header_key(header)
    for s in available(engine):
        if header_key(s.mapping.header) == key and dataset in (None, s.mapping.dataset):
            return s
    return None


def listing(engine: Engine) -> pl.DataFrame:
    """Every mapping: name, data, version, who saved it and when."""
    rows = [
        {
            "name": s.mapping.name,
            "dataset": s.mapping.dataset,
            "version": s.version,
            "saved_by": s.saved_by or "shipped with the dashboard",
            "saved_at": s.saved_at,
            "columns": len(s.mapping.header),
        }
        for s in available(engine)
    ]
    schema = {"name": pl.String(), "dataset": pl.String(), "version": pl.Int64(),
              "saved_by": pl.String(), "saved_at": pl.Datetime(time_zone="UTC"),
              "columns": pl.Int64()}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


# ---------------------------------------------------------------------------------------------
# Applying a mapping to a file
# ---------------------------------------------------------------------------------------------


def prepared(table: RawTable) -> RawTable:
    """The table as a mapping reads it (SurveyMonkey's two header rows made one)."""
    return surveys.unfold_header(table)


def _values_expr(raw: pl.Expr, table: dict[str, str]) -> pl.Expr:
    """Our code for each of the file's values the mapping names; any other value as written
    (so that validation reports it). The value "" says what a blank cell means."""
    keyed = {cells.choice_key(k): v for k, v in table.items() if v and k.strip()}
    mapped = pl.coalesce(
        cells.choice_key_expr(raw).replace_strict(keyed, default=None, return_dtype=pl.String),
        raw,
    )
    if table.get(""):
        blank = raw.is_null() | (raw.str.strip_chars().str.len_chars() == 0)
        return pl.when(blank).then(pl.lit(table[""])).otherwise(mapped)
    return mapped


def _date_expr(raw: pl.Expr, fmt: str) -> pl.Expr:
    """The file's dates rewritten as yyyy-mm-dd; a cell that does not read stays as written."""
    text = raw.str.strip_chars()
    parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
    return pl.when(parsed.is_not_null()).then(parsed.dt.strftime("%Y-%m-%d")).otherwise(raw)


def _field(ds: datasets.Dataset, m: Mapping, name: str, position: dict[str, int]) -> pl.Expr:
    """One of our columns, from the file's cells (or the mapping's constant)."""
    if name in m.constants:
        return pl.lit(m.constants[name], dtype=pl.String)
    raw = pl.col(f"c{position[m.columns[name]]}")
    if name in m.values:
        raw = _values_expr(raw, m.values[name])
    if m.date_format and ds.column(name).type is ColumnType.date:
        raw = _date_expr(raw, m.date_format)
    return raw


def apply(m: Mapping, table: RawTable) -> Applied:
    """The file in our template's layout: only the columns the mapping reads, values and dates
    as our template writes them. Every other column is dropped here."""
    ds = datasets.get(m.dataset)
    position = {h: i for i, h in enumerate(table.header)}
    missing = [c for c in m.file_columns() if c not in position]
    if missing:
        raise MappingError([f"The file has no column '{c}', which the mapping “{m.name}” reads."
                            for c in missing])  # fmt: skip
    given = [c.name for c in ds.columns if c.name in m.columns or c.name in m.constants]
    fields = {name: _field(ds, m, name, position) for name in given}
    source = {name: m.columns[name] for name in given if name in m.columns}
    answers = None
    if m.wide:
        long, answers = surveys.to_long(
            table, questions=m.questions, respondent=m.respondent, fields=fields, salt=m.name
        )
        long = long.with_columns(_values_expr(pl.col("response"), m.values.get("response", {})))
        names = [c for c in ds.column_names if c in long.columns]
        frame = long.select("row_number", *names)
        source["response_ref"] = m.respondent
    else:
        names = given
        frame = table.cells.select("row_number", *(fields[n].alias(n) for n in names))
    renamed = frame.select(*(pl.col(n).alias(f"c{i}") for i, n in enumerate(names)), "row_number")
    ours = RawTable(
        header=names, cells=renamed, encoding=table.encoding, separator=table.separator,
        sheet=table.sheet, sheets=table.sheets, header_row=table.header_row,
        column_numbers=[table.column_numbers[position[source[n]]] if n in source
                        and table.column_numbers else 0 for n in names],
    )  # fmt: skip
    read = set(m.file_columns())
    return Applied(ours, m, source, [h for h in table.header if h not in read], answers)


def file_problems(problems: pl.DataFrame, applied: Applied) -> pl.DataFrame:
    """The problems with the file's own column names (for a wide survey, the question's)."""
    source = applied.source
    out = problems.with_columns(
        pl.col("column").replace_strict(source, default=pl.col("column"), return_dtype=pl.String)
    )
    if applied.answers is None:
        return out
    # an answer's problem names the question column it was in: the row and the answer find it
    answer_cols = {"response", "question", "response + question", "response_ref + question"}
    mine = out.filter(pl.col("column").is_in(list(answer_cols)) & pl.col("row").is_not_null())
    if mine.height == 0:
        return out
    answers = applied.answers.select(
        pl.col("row_number").alias("row"), pl.col("response").alias("value"), "_file_column"
    ).unique()
    named = mine.filter(pl.col("column") == "response").join(answers, on=["row", "value"],
                                                            how="left")  # fmt: skip
    named = named.with_columns(pl.coalesce("_file_column", "column").alias("column")).drop(
        "_file_column"
    )
    rest = out.filter(~(pl.col("column") == "response") | pl.col("row").is_null())
    return (
        pl.concat([rest, named.select(out.columns)])
        .unique(maintain_order=True)
        .sort("row", nulls_last=False, maintain_order=True)
    )


# ---------------------------------------------------------------------------------------------
# Suggestions for a new mapping (the Upload page's mapping form)
# ---------------------------------------------------------------------------------------------


def distinct_values(table: RawTable, column: str, limit: int = 60) -> list[str]:
    """The file's distinct non-blank values in a column, most common first."""
    position = table.header.index(column)
    counts = (
        table.cells.select(pl.col(f"c{position}").str.strip_chars().alias("v"))
        .filter(pl.col("v").str.len_chars() > 0)
        .group_by("v")
        .len()
        .sort(["len", "v"], descending=[True, False])
    )
    return counts.get_column("v").head(limit).to_list()


def suggest_code(col: Column, value: str) -> str:
    """Our code whose words match the file's value ('Strongly agree' -> strongly_agree), or ''."""
    keys = {cells.choice_key(v): v for v in col.allowed_values}
    if col.type is ColumnType.yes_no:
        keys |= {k: v for k, v in cells.YES_NO_SYNONYMS.items()}
    key = cells.choice_key(value)
    if key in keys:
        return keys[key]
    for k, v in keys.items():  # "Neither agree nor disagree" -> neither
        if key.startswith(k + "_") or k.startswith(key + "_"):
            return v
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.75)
    return keys[close[0]] if close else ""


def _content_fit(col: Column, sample: pl.Series) -> float:
    """How well a file column's values read as one of our columns (0 to 1)."""
    values = sample.drop_nulls()
    values = values.filter(values.str.strip_chars().str.len_chars() > 0)
    if values.len() == 0:
        return 0.0
    frame = values.to_frame("v")
    if col.type is ColumnType.date:
        parsed = cells.parse_date(pl.col("v").str.strip_chars())
        ok = frame.select(parsed.is_not_null().mean()).item()
        us = frame.select(
            pl.col("v").str.strip_chars().str.strptime(pl.Datetime("us"), "%m/%d/%Y %I:%M:%S %p",
                                                       strict=False).is_not_null().mean()
        ).item()  # fmt: skip
        return float(max(ok, us))
    if col.allowed_values:
        return sum(1 for v in values.unique().to_list() if suggest_code(col, v)) / max(
            values.n_unique(), 1
        )
    if col.type in (ColumnType.integer, ColumnType.number):
        return float(frame.select(cells.parse_number(pl.col("v")).is_not_null().mean()).item())
    return 0.0


def suggest(dataset: str, table: RawTable, name: str = "") -> Mapping:
    """A first guess at a mapping for this file: each of our columns against the file's column
    whose name is closest (and whose values read as ours), each value against our code with
    the same words. Identifying columns are never suggested."""
    ds = datasets.get(dataset)
    usable = [h for h in table.header if h.strip() and not privacy.identifier_kind(h)]
    sample = table.cells.head(200)
    position = {h: i for i, h in enumerate(table.header)}
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for col in ds.columns:
        best, best_score = "", 0.0
        for h in usable:
            if h in taken:
                continue
            words = difflib.SequenceMatcher(None, col.name, normalise_name(h)).ratio()
            fit = _content_fit(col, sample.get_column(f"c{position[h]}"))
            score = words + 0.5 * fit
            if score > best_score:
                best, best_score = h, score
        if best and best_score >= 0.6:
            columns[col.name] = best
            taken.add(best)
    values = {}
    for our, theirs in columns.items():
        col = ds.column(our)
        if col.allowed_values:
            found = {v: suggest_code(col, v) for v in distinct_values(table, theirs)}
            values[our] = {v: c for v, c in found.items() if cells.choice_key(v) != c}
    return Mapping(
        name=name or "new mapping", dataset=dataset, header=tuple(table.header), columns=columns,
        values={k: v for k, v in values.items() if v},
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# What the Upload page asks before offering to map a file
# ---------------------------------------------------------------------------------------------


def read_for_mapping(content: bytes, file_name: str, sheet: str | None = None) -> RawTable | None:
    """The file's table as a mapping reads it; None if it cannot be read at all (checking it
    then says why)."""
    from metrics.ingest.reader import UnreadableFile, read_upload

    try:
        return prepared(read_upload(content, file_name, sheet))
    except UnreadableFile:
        return None


def fits_template(dataset: str, header: list[str]) -> bool:
    """The file has every required column of the template (by name), so needs no mapping."""
    names = {normalise_name(h) for h in header}
    return all(c.name in names for c in datasets.get(dataset).columns if c.required)


def question_columns(table: RawTable) -> list[str]:
    """The columns whose answers read as our agreement scale (a survey's questions)."""
    answer = datasets.get(SURVEY_DATASET).column("response")
    found = []
    for h in table.header:
        if not h.strip() or privacy.identifier_kind(h):
            continue
        values = distinct_values(table, h, limit=20)
        if values and all(suggest_code(answer, v) for v in values):
            found.append(h)
    return found


def suggest_question_code(column: str) -> str:
    """A question code from a question's words: 'Staff understand SEND' -> staff_understand_send."""
    return normalise_name(column.rsplit(" - ", 1)[-1])[:60]
