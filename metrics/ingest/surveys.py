"""Survey tool exports: SurveyMonkey (CSV or XLSX) and Microsoft Forms (XLSX), wide to long.

Both tools write one row per respondent and one column per question (wide); our
`survey_responses` hold one row per answer (long). A mapping (`metrics.mappings`) says which
question column is which of our question codes, which answer texts mean which of our answer
codes, which column gives the response date and which the respondent. Only those columns are
read: names, e-mail and IP addresses and every other column are dropped here, on read, so they
never reach validation, the database or a log. The respondent's id is kept only as a
pseudonym (a hash), never as the tool wrote it.

- SurveyMonkey: two header rows. The first holds the question (written once above a question's
  columns), the second the answer option: `Response` or `Open-Ended Response` for a question
  with one answer, the statement for each row of a matrix (agreement) question, or an option
  of a tick-all question. Respondent columns: `Respondent ID`, `Collector ID`, `Start Date`,
  `End Date`, `IP Address`, `Email Address`, `First Name`, `Last Name`, `Custom Data 1`.
- Microsoft Forms: one header row: `ID`, `Start time`, `Completion time`, `Email`, `Name`
  (and in newer exports `Last modified time`), then one column per question with the answer's
  text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import polars as pl

from metrics.ingest import privacy
from metrics.ingest.reader import RawTable

SURVEYMONKEY = "SurveyMonkey"
FORMS = "Microsoft Forms"
# SurveyMonkey's second header row over a question with a single answer.
_SINGLE_ANSWER = ("response", "open-ended response", "open ended response")
_FORMS_COLUMNS = ("id", "start time", "completion time", "email", "name")
PSEUDONYM_PREFIX = "R-"


def _key(text: str | None) -> str:
    return (text or "").strip().lower()


def is_surveymonkey(table: RawTable) -> bool:
    """A SurveyMonkey export: `Respondent ID` in the header and the answer-option row below it."""
    if "respondent id" not in {_key(h) for h in table.header} or table.cells.height == 0:
        return False
    second = table.cells.drop("row_number").row(0)
    return any(_key(v) in _SINGLE_ANSWER for v in second)


def is_forms(table: RawTable) -> bool:
    """A Microsoft Forms export: its respondent columns first, in its order."""
    names = [_key(h) for h in table.header[: len(_FORMS_COLUMNS)]]
    return names == list(_FORMS_COLUMNS)


def layout(table: RawTable) -> str | None:
    """Which survey tool wrote the file, if either."""
    if is_surveymonkey(table):
        return SURVEYMONKEY
    if is_forms(table):
        return FORMS
    return None


def unfold_header(table: RawTable) -> RawTable:
    """SurveyMonkey's two header rows as one: the question, then ` - ` and the answer option
    where the option is not just `Response`. Any other table is returned as it is."""
    if not is_surveymonkey(table):
        return table
    second = table.cells.drop("row_number").row(0)
    names: list[str] = []
    question = ""
    for first, option in zip(table.header, second, strict=True):
        question = first.strip() or question  # a question is written once, over its columns
        option = (option or "").strip()
        names.append(question if not option or _key(option) in _SINGLE_ANSWER else
                     f"{question} - {option}")  # fmt: skip
    return RawTable(
        header=names,
        cells=table.cells.slice(1),
        encoding=table.encoding,
        separator=table.separator,
        sheet=table.sheet,
        sheets=table.sheets,
        header_row=table.header_row + 1,
        column_numbers=table.column_numbers,
    )


def identifying_columns(header: list[str]) -> list[str]:
    """The columns whose names say they identify someone (names, e-mail and IP addresses)."""
    return [h for h in header if privacy.identifier_kind(h)]


def pseudonym(salt: str, value: str) -> str:
    """A respondent's reference as stored: a hash of the tool's id, never the id itself."""
    digest = hashlib.sha256(f"{salt}|{value.strip()}".encode()).hexdigest()
    return PSEUDONYM_PREFIX + digest[:12]


def to_long(
    table: RawTable,
    *,
    questions: Mapping[str, str],
    respondent: str,
    fields: Mapping[str, pl.Expr],
    salt: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per answered question: `response_ref`, `question` (our code), `response` (the
    answer as written) and the `fields` (our column -> expression over the file's cells, e.g.
    the response date), with each respondent's spreadsheet row. Blank answers are skipped (a
    question left out is not an answer).

    Returns the long cells and, for each long row, the file's question column (so a problem
    can name it).
    """
    position = {h: i for i, h in enumerate(table.header)}
    ids = table.cells.get_column(f"c{position[respondent]}")
    lookup = {v: pseudonym(salt, v) for v in ids.drop_nulls().unique().to_list() if v.strip()}
    ref = (
        pl.col(f"c{position[respondent]}")
        .str.strip_chars()
        .replace_strict(
            {k.strip(): v for k, v in lookup.items()}, default=None, return_dtype=pl.String
        )
    )
    parts = []
    for column, code in questions.items():
        answer = pl.col(f"c{position[column]}")
        parts.append(
            table.cells.lazy()
            .filter(answer.str.strip_chars().str.len_chars() > 0)
            .select(
                "row_number",
                ref.alias("response_ref"),
                *(expr.alias(name) for name, expr in fields.items()),
                pl.lit(code).alias("question"),
                answer.alias("response"),
                pl.lit(column).alias("_file_column"),
            )
        )
    empty = pl.DataFrame(
        schema={"row_number": pl.Int64(), "response_ref": pl.String(),
                **dict.fromkeys(fields, pl.String()), "question": pl.String(),
                "response": pl.String(), "_file_column": pl.String()}
    )  # fmt: skip
    long = pl.concat(pl.collect_all(parts), how="vertical_relaxed") if parts else empty
    long = long.sort("row_number", maintain_order=True)
    return long.drop("_file_column"), long.select("row_number", "question", "response",
                                                   "_file_column")  # fmt: skip
