"""Validation: every problem at once, in words an officer can act on; the privacy guard."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from metrics import datasets
from metrics.ingest import privacy
from metrics.ingest.reader import read_upload
from metrics.ingest.validate import Validation, validate

TODAY = dt.date(2026, 11, 27)
EHC = datasets.get("ehc_requests")
HEADER = ",".join(EHC.column_names)
GOOD = "R1,05/02/2024,11/03/2024,assess,plan_issued,14/06/2024,no,no,7,male,asian,ASD,yes"


def check(dataset: str, *lines: str, **kw: object) -> Validation:
    table = read_upload(("\r\n".join(lines) + "\r\n").encode(), "upload.csv")
    return validate(datasets.get(dataset), table, today=TODAY, **kw)  # type: ignore[arg-type]


def where(v: Validation) -> list[tuple[int | None, str | None]]:
    return v.problems.select("row", "column").rows()


def test_every_problem_is_reported_at_once_in_row_order() -> None:
    v = check(
        "ehc_requests",
        HEADER.replace("sex", "gender"),
        "R1,05/02/2024,11/03/2024,assess,plan_issued,14/06/2024,no,no,seven,,asian,ASD,yes",
        GOOD.replace("R1,", "R2,").replace(",asian,", ",Asian British,"),
        GOOD.replace("R1,", "R3,").replace("14/06/2024", "01/01/2024"),
        GOOD.replace("R1,", "R4,").replace(",yes", ",maybe"),
    )
    assert where(v) == [
        (1, "gender"),  # not a template column (and "sex" is missing)
        (1, "sex"),
        (2, "age_at_request"),
        (3, "ethnic_group"),
        (4, "plan_issued_date"),  # before the request and before the decision
        (4, "plan_issued_date"),
        (5, "waiting_support_offered"),
    ]


def test_a_misspelt_column_gets_the_closest_name_suggested() -> None:
    v = check("ehc_requests", HEADER.replace("primary_need", "primary_needs"), GOOD)
    assert v.problems.to_dicts() == [{
        "row": 1, "column": "primary_needs", "value": "primary_needs",
        "problem": "Unexpected column name: did you mean 'primary_need'?",
        "fix": "Rename the column to 'primary_need' exactly, as in the template.",
    }]  # fmt: skip


def test_column_names_are_matched_whatever_their_case_and_spacing() -> None:
    v = check("ehc_requests", HEADER.replace("case_ref", "Case Ref").replace("sex", " SEX "), GOOD)
    assert v.ok


def test_a_value_outside_the_list_is_shown_with_the_allowed_values() -> None:
    v = check("ehc_requests", HEADER, GOOD.replace(",male,", ",boy,"))
    assert v.problems.to_dicts() == [{
        "row": 2, "column": "sex", "value": "boy",
        "problem": "This value is not one of the allowed values.",
        "fix": "Use one of: female, male, other, not_known.",
    }]  # fmt: skip


def test_choices_are_read_whatever_their_case_spacing_or_spelling_of_yes() -> None:
    v = check(
        "ehc_requests", HEADER,
        "R1,05/02/2024,11/03/2024,Assess,Plan issued,14/06/2024,N,FALSE,7,Male,Asian,asd,Y",
        "R2,05/02/2024,11/03/2024,not assess,,,No,TRUE,7,not known,any other,slcn,yes",
    )  # fmt: skip
    assert v.ok, v.problems.to_dicts()
    assert v.rows.select(
        "request_outcome", "assessment_outcome", "exception_20_weeks", "mediation_or_tribunal",
        "sex", "ethnic_group", "primary_need", "waiting_support_offered",
    ).rows() == [
        ("assess", "plan_issued", "no", "no", "male", "asian", "ASD", "yes"),
        ("not_assess", None, "no", "yes", "not_known", "any_other", "SLCN", "yes"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("05/02/2024", dt.date(2024, 2, 5)),
        ("5/2/2024", dt.date(2024, 2, 5)),
        ("2024-02-05", dt.date(2024, 2, 5)),
        ("05-02-2024", dt.date(2024, 2, 5)),
        ("05/02/2024 00:00", dt.date(2024, 2, 5)),  # Excel's CSV of a date-time cell
        ("2024-02-05T09:30:00", dt.date(2024, 2, 5)),
    ],
)
def test_dates_in_the_forms_officers_write_them(cell: str, date: dt.date) -> None:
    v = check("ehc_requests", HEADER, GOOD.replace("05/02/2024", cell))
    assert v.ok, v.problems.to_dicts()
    assert v.rows["request_received_date"].to_list() == [date]


@pytest.mark.parametrize(
    ("cell", "ok"),
    [("12", True), ("12.0", True), (" 12 ", True), ("12.5", False), ("1e1", False),
     ("twelve", False), ("nan", False), ("inf", False)],
)  # fmt: skip
def test_whole_numbers(cell: str, ok: bool) -> None:
    v = check("ehc_requests", HEADER, GOOD.replace(",no,no,7,", f",no,no,{cell},"))
    assert v.ok is ok, v.problems.to_dicts()


def test_counts_with_thousands_separators() -> None:
    values = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator"
    v = check(
        "indicator_values", values,
        'local_offer_hits,2024-03,,,"1,520",,', 'local_offer_hits,2024-04,,,"12,345.5",,',
        'local_offer_hits,2024-05,,,"1,52",,',
        aggregate_types={"local_offer_hits": "month"},
        aggregate_measures={"local_offer_hits": "count"},
    )  # fmt: skip
    assert where(v) == [(4, "count")]  # 1,52 is not a number
    assert v.rows["count"].to_list()[:2] == [1520.0, 12345.5]


def test_a_due_date_may_be_in_the_future_but_a_review_date_may_not() -> None:
    header = "milestone_id,priority,action,lead,due_date,status,completed_date,status_date,evidence"
    v = check("milestones", header, "m1,1,Review,Head of SEND,31/03/2028,in_progress,,30/12/2026,")
    assert where(v) == [(2, "status_date")]
    assert "future" in v.problems["problem"][0]


def test_a_year_label_whose_second_year_does_not_follow_is_refused() -> None:
    values = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator"
    v = check(
        "indicator_values", values, "hits,2024/25,,,5,,", "hits,2024/26,,,5,,",
        aggregate_types={"hits": "academic_year"}, aggregate_measures={"hits": "count"},
    )  # fmt: skip
    assert where(v) == [(3, "period")]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Forename", "a name"), ("Surname", "a name"), ("Child's name", "a name"),
        ("DOB", "a date of birth"), ("Date of Birth", "a date of birth"),
        ("BirthDate", "a date of birth"), ("Home address", "an address"),
        ("Postcode", "a postcode"), ("post_code", "a postcode"),
        ("UPN", "a Unique Pupil Number (UPN)"),
        ("Unique Pupil Number", "a Unique Pupil Number (UPN)"),
        ("ULN", "a Unique Learner Number (ULN)"), ("NHS No", "an NHS number"),
        ("NHSNumber", "an NHS number"), ("E-mail", "an email address"),
        ("Mobile", "a phone number"),
        ("notes", None), ("school", None), ("case_reference", None), ("title", None),
    ],
)  # fmt: skip
def test_identifying_column_names(name: str, kind: str | None) -> None:
    assert privacy.identifier_kind(name) == kind


def test_every_template_column_name_passes_the_privacy_guard() -> None:
    flagged = [
        (d.name, c.name)
        for d in datasets.DATASETS
        for c in d.columns
        if privacy.identifier_kind(c.name)
    ]
    assert flagged == []


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (["jo@example.com", ""], "email addresses"),
        (["Amira Khan", "Smith, Jo"], "people's names"),
        (["EC2V 7HH", "n1 9gu"], "postcodes"),
        (["A123456789012", "B12345678901C"], "Unique Pupil Numbers"),
        (["9276308686", ""], "Unique Learner Numbers (ULNs)"),
        (["14/03/2015", "2016-11-02"], "a date of birth, perhaps"),
    ],
)
def test_a_column_outside_the_template_is_refused_for_what_its_values_look_like(
    values: list[str], words: str
) -> None:
    rows = [f'{GOOD.replace("R1", f"R{i}")},"{v}"' for i, v in enumerate(values)]
    lines = [HEADER + ",extra", *rows]
    v = check("ehc_requests", *lines)
    assert where(v) == [(1, "extra")]
    assert words in v.problems["problem"][0]
    assert "pseudonymised" in v.problems["fix"][0]


def test_an_ordinary_extra_column_is_just_not_part_of_the_template() -> None:
    v = check("ehc_requests", HEADER + ",notes", GOOD + ",chased on 3 May")
    assert v.problems["problem"].to_list() == ["This column is not part of the template."]


def test_ten_digit_numbers_that_pass_no_check_are_still_refused_honestly() -> None:
    # 1234567890: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2+0*1 = 210 = 19*11 + 1: neither an NHS
    # number (remainder 0) nor a ULN (remainder 10), but still shaped like both
    v = check("ehc_requests", HEADER, GOOD.replace("R1,", "1234567890,"))
    assert where(v) == [(2, "case_ref")]
    assert "NHS number or a Unique Learner Number" in v.problems["problem"][0]


def test_a_reference_with_digits_is_not_mistaken_for_an_identifier() -> None:
    v = check("ehc_requests", HEADER, GOOD.replace("R1,", "REQ-2024000123,"))
    assert v.ok


def test_a_duplicated_column_names_both_places() -> None:
    v = check("ehc_requests", HEADER + ",sex", GOOD + ",male")
    assert v.problems["fix"][0].endswith("(columns J and N).")


def test_the_rows_carry_the_period_they_supersede() -> None:
    v = check("ehc_requests", HEADER, GOOD, GOOD.replace("R1,05/02/2024", "R2,31/12/2023"))
    assert v.rows.select("row_number", "period_key").rows() == [(2, "2024"), (3, "2023")]
    assert v.rows.schema["request_received_date"] == pl.Date


def test_references_are_read_without_the_spaces_around_them() -> None:
    alone = check("ehc_requests", HEADER, GOOD.replace("R1,", " R1 ,"))
    assert alone.ok
    assert alone.rows["case_ref"].to_list() == ["R1"]
    # the same reference, once with spaces around it, is still the same reference
    twice = check("ehc_requests", HEADER, GOOD, GOOD.replace("R1,", "R1\t,"))
    assert where(twice) == [(2, "case_ref"), (3, "case_ref")]
    assert "(rows 2, 3)" in twice.problems["problem"][0]


def test_a_reference_of_nothing_but_quotes_or_spaces_is_blank() -> None:
    v = check("ehc_requests", HEADER, GOOD, GOOD.replace("R1,", '"",'), GOOD.replace("R1,", "  ,"))
    assert where(v) == [(3, "case_ref"), (4, "case_ref")]
    assert set(v.problems["problem"]) == {"This cell is blank but the column is required."}


def test_a_name_behind_spaces_is_still_found() -> None:
    v = check("ehc_requests", HEADER, GOOD.replace("R1,", "  Jane Smith,"))
    assert where(v) == [(2, "case_ref")]
    assert v.problems["problem"][0] == "This looks like a person's name."


BLANK = "," * (len(EHC.column_names) - 1)
SPACES = " ," * (len(EHC.column_names) - 1) + " "


def test_blank_rows_are_left_out_when_the_first_column_holds_references() -> None:
    v = check("ehc_requests", HEADER, GOOD, BLANK, SPACES, GOOD.replace("R1,", "R2,"))
    assert v.ok
    assert v.rows["row_number"].to_list() == [2, 5]


def test_blank_rows_are_left_out_when_the_first_column_holds_dates() -> None:
    # the first column is read by its distinct cells, not row by row as references are
    names = EHC.column_names
    header = ",".join([*names[1:], names[0]])

    def moved(line: str) -> str:
        ref, rest = line.split(",", 1)
        return f"{rest},{ref}"

    v = check("ehc_requests", header, moved(GOOD), BLANK, SPACES, moved(GOOD.replace("R1,", "R2,")))
    assert v.ok
    assert v.rows["row_number"].to_list() == [2, 5]
    # a row with its first cell blank but others filled is a row, with a problem
    gap = check("ehc_requests", header, moved(GOOD).replace("05/02/2024,", ",", 1))
    assert where(gap) == [(2, "request_received_date")]


def test_a_reference_is_limited_in_characters_not_bytes() -> None:
    # case_ref allows 40 characters; "é" takes two bytes in UTF-8
    assert check("ehc_requests", HEADER, GOOD.replace("R1,", "é" * 40 + ",")).ok
    for long in ("R" * 41, "é" * 41):
        v = check("ehc_requests", HEADER, GOOD.replace("R1,", long + ","))
        assert where(v) == [(2, "case_ref")]
        assert v.problems["problem"][0] == "This text is longer than 40 characters."
