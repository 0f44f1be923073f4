"""A corpus of bad files: each is refused with exactly the problems written down here, and the
database is left exactly as it was.

The files are in tests/bad_files/, written by tests/bad_files/make_corpus.py. For each one the
table below says which dataset it was uploaded as and where every problem is: the spreadsheet
row (the header is row 1; None for a problem with the whole file), the column (None for the
whole file) and a word or two the explanation must contain.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from metrics import ingest, registry
from metrics.db import store

BAD = Path(__file__).resolve().parent / "bad_files"
TODAY = dt.date(2026, 11, 27)

Where = tuple[int | None, str | None, str]


@dataclass(frozen=True)
class Case:
    file: str
    dataset: str
    problems: tuple[Where, ...]
    max_bytes: int | None = None


EHC, VALUES = "ehc_requests", "indicator_values"
CASES = (
    # Not a table at all: one problem with the whole file, naming what the file is.
    Case("pdf_document.csv", EHC, ((None, None, "PDF"),)),
    Case("screenshot.png", EHC, ((None, None, "PNG image"),)),
    Case("random_bytes.csv", EHC, ((None, None, "not look like a CSV or Excel"),)),
    Case("old_excel_97.xls", EHC, ((None, None, "older Excel"),)),
    Case("word_document.docx", EHC, ((None, None, "Word document"),)),
    Case("damaged_workbook.xlsx", EHC, ((None, None, "damaged"),)),
    Case("empty.csv", EHC, ((None, None, "empty"),)),
    Case("only_blank_lines.csv", EHC, ((None, None, "empty"),)),
    Case("header_only.csv", EHC, ((None, None, "no data rows"),)),
    Case("header_only.xlsx", EHC, ((None, None, "no data rows"),)),
    Case("only_dictionary_sheet.xlsx", EHC, ((None, None, "data dictionary"),)),
    # the quote opens in row 3's second cell and runs to the end of the file
    Case("unclosed_quote.csv", EHC, ((3, None, "quote mark"),)),
    # 305 bytes against a limit of 100
    Case("too_big.csv", EHC, ((None, None, "limit"),), max_bytes=100),
    # The header row.
    Case("missing_column.csv", EHC, ((1, "sex", "missing"),)),
    Case(
        "misspelt_column.csv",
        EHC,
        ((1, "request_recieved_date", "did you mean 'request_received_date'"),),
    ),
    Case("extra_column.csv", EHC, ((1, "notes", "not part of the template"),)),
    Case("duplicated_column.csv", EHC, ((1, "sex", "more than once"),)),
    Case("child_name_column.csv", EHC, ((1, "Child Name", "a name"),)),
    Case("date_of_birth_column.csv", EHC, ((1, "Date of Birth", "date of birth"),)),
    Case("address_column.csv", EHC, ((1, "Address Line 1", "address"),)),
    Case("postcode_column.csv", EHC, ((1, "Post Code", "postcode"),)),
    Case("upn_column.csv", EHC, ((1, "UPN", "Unique Pupil Number"),)),
    Case("uln_column.csv", EHC, ((1, "ULN", "Unique Learner Number"),)),
    Case("nhs_number_column.csv", EHC, ((1, "NHS Number", "NHS number"),)),
    # a column called "d" holding 14/03/2015 and 02/11/2016: dates the template never asks for
    Case("dates_column_without_a_name.csv", EHC, ((1, "d", "date of birth"),)),
    Case("nhs_numbers_in_extra_column.csv", EHC, ((1, "ref2", "NHS numbers"),)),
    # two blank rows above the header: the header is row 3 and the bad age is row 5
    Case(
        "blank_top_rows_missing_column.xlsx",
        EHC,
        (
            (3, "sex", "missing"),
            (5, "age_at_request", "whole number"),
        ),
    ),
    # Cells.
    Case("age_not_a_number.csv", EHC, ((3, "age_at_request", "whole number"),)),
    # only one problem: the unreadable date does not also break "decision after request"
    Case("date_not_readable.csv", EHC, ((2, "request_received_date", "not a date"),)),
    # 31/02/2024: no such day; "outcome plan_issued but no date" must not be added
    Case("impossible_date.csv", EHC, ((2, "plan_issued_date", "no such date"),)),
    Case("us_style_date.csv", EHC, ((2, "request_decision_date", "no such date"),)),
    # 1 December 2026 is after "today", 27 November 2026
    Case("future_date.csv", EHC, ((2, "request_received_date", "future"),)),
    Case("two_digit_year.csv", EHC, ((2, "request_received_date", "too early"),)),
    Case(
        "value_not_allowed.csv",
        EHC,
        (
            (2, "sex", "not one of the allowed values"),
            (3, "ethnic_group", "not one of the allowed values"),
        ),
    ),
    Case("required_blank.csv", EHC, ((2, "exception_20_weeks", "blank"),)),
    Case("plan_before_request.csv", EHC, ((2, "plan_issued_date", "before its request"),)),
    Case("outcome_without_plan_date.csv", EHC, ((2, "plan_issued_date", "no plan issue date"),)),
    Case(
        "assessment_outcome_when_not_assessed.csv",
        EHC,
        (
            (2, "assessment_outcome", "not assessed"),
            (3, "assessment_outcome", "blank, but the request was assessed"),
        ),
    ),
    # the whole column left out: refused, naming the file's columns and the template's
    Case("optional_column_left_out.csv", EHC, ((1, "plan_issued_date", "column is missing"),)),
    Case(
        "duplicate_case_ref.csv",
        EHC,
        (
            (2, "case_ref", "rows 2, 4"),
            (4, "case_ref", "rows 2, 4"),
        ),
    ),
    Case(
        "age_out_of_range.csv",
        EHC,
        (
            (2, "age_at_request", "above 25"),
            (3, "age_at_request", "negative"),
        ),
    ),
    # 9276308686: 9*10+2*9+7*8+6*7+3*6+0*5+8*4+6*3+8*2+6*1 = 296 = 26*11 + 10, a ULN
    Case("uln_in_case_ref.csv", EHC, ((2, "case_ref", "Unique Learner Number"),)),
    # 9434765919: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2+9*1 = 308 = 28*11, an NHS number
    Case("nhs_number_in_case_ref.csv", EHC, ((2, "case_ref", "NHS number"),)),
    Case("persons_name_in_case_ref.csv", EHC, ((2, "case_ref", "person's name"),)),
    Case("upn_in_case_ref.csv", EHC, ((2, "case_ref", "Unique Pupil Number"),)),
    Case("row_with_extra_cells.csv", EHC, ((3, "(column N)", "more cells than the header"),)),
    Case("postcode_in_evidence.csv", "milestones", ((2, "evidence", "postcode"),)),
    Case("email_in_response_ref.csv", "survey_responses", ((2, "response_ref", "email"),)),
    Case(
        "survey_duplicate_answer.csv",
        "survey_responses",
        (
            (2, "response_ref + question", "rows 2, 3"),
            (3, "response_ref + question", "rows 2, 3"),
        ),
    ),
    # "Co-design " 13 times is 130 characters, 129 once trimmed; the limit is 120
    Case("text_too_long.csv", "codesign_activities", ((2, "title", "longer than 120"),)),
    Case("negative_count.csv", VALUES, ((2, "count", "negative"),)),
    Case("numerator_over_denominator.csv", VALUES, ((2, "numerator", "greater than"),)),
    Case("unknown_indicator.csv", VALUES, ((2, "indicator_id", "not an indicator"),)),
    # local_offer_hits is monthly; 2024/25 is an academic year
    Case("period_wrong_type.csv", VALUES, ((2, "period", "period type"),)),
    Case("period_not_a_label.csv", VALUES, ((2, "period", "not a period label"),)),
    # tribunal_appeal_rate is a rate: a count of 3 and no numerator or denominator
    Case(
        "rate_without_numerator.csv",
        VALUES,
        (
            (2, "count", "count must be blank"),
            (2, "numerator", "no numerator"),
            (2, "denominator", "no denominator"),
        ),
    ),
    # local_offer_hits is a count: given as 1520 out of 2000
    Case(
        "count_given_as_rate.csv",
        VALUES,
        (
            (2, "count", "no count"),
            (2, "numerator", "must be blank"),
        ),
    ),
    # row 3 reads count 1, numerator 610: the unquoted "1,610" split in two
    Case("unquoted_thousands.csv", VALUES, ((3, "numerator", "1,520"),)),
    Case(
        "milestone_complete_without_date.csv",
        "milestones",
        ((2, "completed_date", "no completed date"),),
    ),
    Case("placement_ends_before_start.csv", "ap_placements", ((2, "end_date", "ends before"),)),
    Case(
        "codesign_completed_before_start.csv",
        "codesign_activities",
        ((2, "completed_date", "before it started"),),
    ),
    Case(
        "review_not_held_but_involved.csv",
        "ehc_plans",
        ((2, "cyp_involved_in_review", "not held"),),
    ),
    # The same checks through every encoding and separator.
    Case("cp1252_semicolon_future_date.csv", "codesign_activities", ((3, "start_date", "future"),)),
    Case("utf16_tab_bad_need.txt", EHC, ((3, "primary_need", "allowed values"),)),
    Case("utf8_tab_bad_age.tsv", EHC, ((2, "age_at_request", "whole number"),)),
    # rows 3 (an empty line) and 4 (only separators) are blank; "M" is not a sex code
    Case("utf8_bom_semicolon_blank_rows.csv", EHC, ((5, "sex", "allowed values"),)),
    # Excel hides the "sep=;" line, so the header is row 1
    Case("sep_line_semicolon.csv", EHC, ((2, "sex", "allowed values"),)),
    Case("xlsx_blank_rows_bad_date.xlsx", EHC, ((5, "plan_issued_date", "no such date"),)),
    # the workbook claims to be one cell (A1) big; row 4 must still be read
    Case("xlsx_wrong_dimension.xlsx", EHC, ((4, "sex", "allowed values"),)),
    # "ask Sam" in column O, with column N empty
    Case("xlsx_value_without_heading.xlsx", EHC, ((3, "(column O)", "no heading"),)),
)

GOOD_REQUESTS = (
    b"case_ref,request_received_date,request_decision_date,request_outcome,assessment_outcome,"
    b"plan_issued_date,exception_20_weeks,mediation_or_tribunal,age_at_request,sex,ethnic_group,"
    b"primary_need,waiting_support_offered\r\n"
    b"OLD-1,10/01/2023,01/02/2023,assess,plan_issued,01/05/2023,no,no,6,female,black,SLCN,yes\r\n"
    b"OLD-2,10/01/2024,01/02/2024,assess,pending,,no,no,9,male,white,ASD,no\r\n"
)


@pytest.fixture(scope="module")
def shipped_registry() -> registry.Registry:
    return registry.load()


def test_the_table_covers_every_file_in_the_corpus() -> None:
    files = {p.name for p in BAD.iterdir() if p.suffix != ".py" and p.is_file()}
    assert files == {c.file for c in CASES}
    assert len(CASES) >= 40


def _zip_contents(content: bytes) -> dict[str, bytes]:
    """A zip's files, less the document properties that carry the time it was written."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_the_corpus_is_what_make_corpus_writes() -> None:
    """The committed files can be regenerated: the same bytes, or for zip files (workbooks,
    the Word document) the same contents."""
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, make in module.FILES.items():
        made, committed = make(), (BAD / name).read_bytes()
        if zipfile.is_zipfile(io.BytesIO(committed)):
            assert _zip_contents(made) == _zip_contents(committed), name
        else:
            assert made == committed, name


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_a_bad_file_is_refused_with_exactly_its_problems_and_changes_nothing(
    engine: Engine, shipped_registry: registry.Registry, case: Case
) -> None:
    first = ingest.ingest(
        engine, EHC, GOOD_REQUESTS, "earlier.csv", shipped_registry, user="officer", today=TODAY
    )
    assert first.ok and first.stored
    with engine.connect() as conn:
        before = store.table_digest(conn)

    report = ingest.ingest(
        engine, case.dataset, (BAD / case.file).read_bytes(), case.file, shipped_registry,
        user="officer", today=TODAY, max_bytes=case.max_bytes,
    )  # fmt: skip

    assert not report.ok and report.stored is None
    found = report.problems
    assert sorted(found.select("row", "column").rows(), key=repr) == sorted(
        ((row, column) for row, column, _ in case.problems), key=repr
    )
    for row, column, words in case.problems:
        texts = found.filter(
            (found["row"].eq_missing(row)) & (found["column"].eq_missing(column))
        ).select(text=found["problem"] + " " + found["fix"])["text"]
        assert any(words.lower() in t.lower() for t in texts), (row, column, words, list(texts))
    assert found["fix"].str.len_chars().min() > 0, "every problem says how to fix it"
    with engine.connect() as conn:
        assert store.table_digest(conn) == before


def test_ten_digit_numbers_are_named_for_what_they_are(shipped_registry: registry.Registry) -> None:
    """A ULN is never called an NHS number, nor the other way round."""
    uln, _ = ingest.check_file(
        EHC, (BAD / "uln_in_case_ref.csv").read_bytes(), "u.csv", shipped_registry, today=TODAY
    )
    nhs, _ = ingest.check_file(
        EHC, (BAD / "nhs_number_in_case_ref.csv").read_bytes(), "n.csv", shipped_registry,
        today=TODAY,
    )  # fmt: skip
    assert "NHS" not in uln.problems["problem"][0]
    assert "Learner" not in nhs.problems["problem"][0]
