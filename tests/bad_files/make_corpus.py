"""Write the corpus of bad upload files next to this script.

Run `uv run python tests/bad_files/make_corpus.py` to regenerate. Each file is what an officer
might really upload by mistake: real Windows-1252 and UTF-16 bytes, semicolon and tab separated
text, workbooks made with openpyxl, a PDF, a PNG, random bytes. What each file must be refused
for is written down by hand in tests/test_ingest_corpus.py.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 27)  # the date the tests validate against

EHC = [
    "case_ref", "request_received_date", "request_decision_date", "request_outcome",
    "assessment_outcome", "plan_issued_date", "exception_20_weeks", "mediation_or_tribunal",
    "age_at_request", "sex", "ethnic_group", "primary_need", "waiting_support_offered",
]  # fmt: skip
PLANS = [
    "case_ref", "snapshot_date", "age", "sex", "ethnic_group", "primary_need", "short_breaks",
    "annual_review_held", "cyp_involved_in_review",
]  # fmt: skip
AP = [
    "placement_ref", "child_ref", "start_date", "end_date", "placed_by", "notified_to_la",
    "provider_quality_assured", "panel_quality_rating", "sen_status",
]  # fmt: skip
SURVEY = ["response_ref", "response_date", "respondent_group", "question", "response"]
CODESIGN = [
    "activity_ref", "title", "priority", "start_date", "completed_date", "involved_from_start",
    "feedback_given", "reported_feeling_heard",
]  # fmt: skip
MILESTONES = [
    "milestone_id", "priority", "action", "lead", "due_date", "status", "completed_date",
    "status_date", "evidence",
]  # fmt: skip
VALUES = ["indicator_id", "period", "breakdown", "breakdown_group", "count", "numerator",
          "denominator"]  # fmt: skip

_EHC_ROW = {
    "case_ref": "REQ-0001", "request_received_date": "05/02/2024",
    "request_decision_date": "11/03/2024", "request_outcome": "assess",
    "assessment_outcome": "plan_issued", "plan_issued_date": "14/06/2024",
    "exception_20_weeks": "no", "mediation_or_tribunal": "no", "age_at_request": "7",
    "sex": "male", "ethnic_group": "asian", "primary_need": "ASD",
    "waiting_support_offered": "yes",
}  # fmt: skip


def ehc(ref: str = "REQ-0001", **changes: str) -> list[str]:
    """A sound EHC request row, with some cells changed."""
    row = _EHC_ROW | {"case_ref": ref} | changes
    return [row[c] for c in EHC]


def plan(**changes: str) -> list[str]:
    row = {
        "case_ref": "PLAN-0001", "snapshot_date": "16/01/2025", "age": "9", "sex": "female",
        "ethnic_group": "white", "primary_need": "ASD", "short_breaks": "yes",
        "annual_review_held": "yes", "cyp_involved_in_review": "yes",
    } | changes  # fmt: skip
    return [row[c] for c in PLANS]


def placement(**changes: str) -> list[str]:
    row = {
        "placement_ref": "AP-0001", "child_ref": "CYP-0001", "start_date": "04/11/2024",
        "end_date": "", "placed_by": "school", "notified_to_la": "yes",
        "provider_quality_assured": "yes", "panel_quality_rating": "high",
        "sen_status": "sen_support",
    } | changes  # fmt: skip
    return [row[c] for c in AP]


def answer(ref: str = "S25-001", **changes: str) -> list[str]:
    row = {
        "response_ref": ref, "response_date": "03/03/2025", "respondent_group": "parent_carer",
        "question": "iag_offer_good", "response": "agree",
    } | changes  # fmt: skip
    return [row[c] for c in SURVEY]


def activity(**changes: str) -> list[str]:
    row = {
        "activity_ref": "CD-001", "title": "Inclusive play session design", "priority": "4",
        "start_date": "01/05/2025", "completed_date": "20/10/2025", "involved_from_start": "yes",
        "feedback_given": "yes", "reported_feeling_heard": "yes",
    } | changes  # fmt: skip
    return [row[c] for c in CODESIGN]


def milestone(**changes: str) -> list[str]:
    row = {
        "milestone_id": "p1_local_offer_review", "priority": "1",
        "action": "Review the Local Offer with the City Parent Carer Forum",
        "lead": "Head of SEND", "due_date": "31/03/2027", "status": "in_progress",
        "completed_date": "", "status_date": "30/09/2025",
        "evidence": "Draft reviewed at CPCF meeting",
    } | changes  # fmt: skip
    return [row[c] for c in MILESTONES]


def value(**changes: str) -> list[str]:
    row = {
        "indicator_id": "local_offer_hits", "period": "2024-03", "breakdown": "",
        "breakdown_group": "", "count": "1520", "numerator": "", "denominator": "",
    } | changes  # fmt: skip
    return [row[c] for c in VALUES]


def text(rows: list[list[str]], sep: str = ",", newline: str = "\r\n") -> str:
    """Rows as delimited text, quoted the way Excel quotes (only where needed)."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=newline).writerows(rows)
    return out.getvalue()


def utf8(rows: list[list[str]], sep: str = ",") -> bytes:
    return text(rows, sep).encode("utf-8")


def workbook(sheets: dict[str, list[list[object]]], dimension: str | None = None) -> bytes:
    """An .xlsx file; a row given as [] is left blank. `dimension` overwrites the stored size."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for col, cell in enumerate(row, start=1):
                if cell not in (None, ""):
                    ws.cell(row=r, column=col, value=cell)
    wb.properties.creator = "make_corpus.py"
    buf = io.BytesIO()
    wb.save(buf)
    content = buf.getvalue()
    if dimension is None:
        return content
    # Some tools write a wrong size ("A1"); openpyxl's fast reader would then stop at row 1.
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(),
                              data)  # fmt: skip
            dst.writestr(item, data)
    return out.getvalue()


def _word_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _random_bytes() -> bytes:
    data = random.Random(2026).randbytes(4096)
    assert b"\x00" in data and b"\x81" in data  # binary, and not Windows-1252 text either
    return data


FILES: dict[str, Callable[[], bytes]] = {
    # --- not a table at all ---------------------------------------------------------------
    "pdf_document.csv": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
    "screenshot.png": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(64),
    "random_bytes.csv": _random_bytes,
    "old_excel_97.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
    "word_document.docx": _word_document,
    "damaged_workbook.xlsx": lambda: b"PK\x03\x04" + random.Random(7).randbytes(300),
    "empty.csv": lambda: b"",
    "only_blank_lines.csv": lambda: b"\r\n\r\n   \r\n",
    "header_only.csv": lambda: utf8([EHC]),
    "header_only.xlsx": lambda: workbook({"data": [EHC]}),
    "only_dictionary_sheet.xlsx": lambda: workbook(
        {"data dictionary": [["column", "description"], ["case_ref", "Reference"]]}
    ),
    "unclosed_quote.csv": lambda: (
        text([EHC, ehc()]) + 'REQ-0002,"05/02/2024,,assess,pending,,no,no,7,male,asian,ASD,yes\r\n'
    ).encode(),
    "too_big.csv": lambda: utf8([EHC, ehc()]),  # tested with a limit of 100 bytes
    # --- the header row ---------------------------------------------------------------------
    "missing_column.csv": lambda: utf8(
        [
            [c for c in EHC if c != "sex"],
            [v for c, v in zip(EHC, ehc(), strict=True) if c != "sex"],
        ]
    ),
    "misspelt_column.csv": lambda: utf8(
        [
            [c.replace("received", "recieved") for c in EHC],
            ehc(),
        ]
    ),
    "extra_column.csv": lambda: utf8([[*EHC, "notes"], [*ehc(), "chased twice"]]),
    "duplicated_column.csv": lambda: utf8([[*EHC, "sex"], [*ehc(), "male"]]),
    "child_name_column.csv": lambda: utf8([[*EHC, "Child Name"], [*ehc(), "Amira Khan"]]),
    "date_of_birth_column.csv": lambda: utf8([[*EHC, "Date of Birth"], [*ehc(), "14/03/2015"]]),
    "address_column.csv": lambda: utf8([[*EHC, "Address Line 1"], [*ehc(), "1 Long Lane"]]),
    "postcode_column.csv": lambda: utf8([[*EHC, "Post Code"], [*ehc(), "EC1A 7BE"]]),
    "upn_column.csv": lambda: utf8([[*EHC, "UPN"], [*ehc(), "A123456789012"]]),
    "uln_column.csv": lambda: utf8([[*EHC, "ULN"], [*ehc(), "9276308686"]]),
    "nhs_number_column.csv": lambda: utf8([[*EHC, "NHS Number"], [*ehc(), "943 476 5919"]]),
    "dates_column_without_a_name.csv": lambda: utf8(
        [
            [*EHC, "d"],
            [*ehc("REQ-0001"), "14/03/2015"],
            [*ehc("REQ-0002"), "02/11/2016"],
        ]
    ),
    "nhs_numbers_in_extra_column.csv": lambda: utf8(
        [
            [*EHC, "ref2"],
            [*ehc(), "943 476 5919"],
        ]
    ),
    "blank_top_rows_missing_column.xlsx": lambda: workbook(
        {
            "data": [
                [],
                [],
                [c for c in EHC if c != "sex"],
                [v for c, v in zip(EHC, ehc("REQ-0001"), strict=True) if c != "sex"],
                [
                    v
                    for c, v in zip(EHC, ehc("REQ-0002", age_at_request="seven"), strict=True)
                    if c != "sex"
                ],
            ]
        }
    ),
    # --- cells ------------------------------------------------------------------------------
    "age_not_a_number.csv": lambda: utf8(
        [
            EHC,
            ehc("REQ-0001"),
            ehc("REQ-0002", age_at_request="seven"),
        ]
    ),
    "date_not_readable.csv": lambda: utf8([EHC, ehc(request_received_date="next week")]),
    "impossible_date.csv": lambda: utf8([EHC, ehc(plan_issued_date="31/02/2024")]),
    "us_style_date.csv": lambda: utf8([EHC, ehc(request_decision_date="03/13/2024")]),
    "future_date.csv": lambda: utf8(
        [
            EHC,
            ehc(
                request_received_date="01/12/2026",
                request_decision_date="",
                request_outcome="pending",
                assessment_outcome="pending",
                plan_issued_date="",
            ),
        ]
    ),
    "two_digit_year.csv": lambda: utf8([EHC, ehc(request_received_date="05/02/24")]),
    "value_not_allowed.csv": lambda: utf8(
        [
            EHC,
            ehc("REQ-0001", sex="boy"),
            ehc("REQ-0002", ethnic_group="Asian British"),
        ]
    ),
    "required_blank.csv": lambda: utf8([EHC, ehc(exception_20_weeks="")]),
    "plan_before_request.csv": lambda: utf8(
        [
            EHC,
            ehc(request_decision_date="", plan_issued_date="01/02/2024"),
        ]
    ),
    "outcome_without_plan_date.csv": lambda: utf8([EHC, ehc(plan_issued_date="")]),
    # a request not assessed has no assessment, so no assessment outcome (row 2); an assessed
    # one needs its outcome (row 3)
    "assessment_outcome_when_not_assessed.csv": lambda: utf8(
        [
            EHC,
            ehc(
                "REQ-0001",
                request_outcome="not_assess",
                assessment_outcome="pending",
                plan_issued_date="",
            ),
            ehc("REQ-0002", assessment_outcome="", plan_issued_date=""),
        ]
    ),
    # plan_issued_date may be blank in a cell, but the column cannot be left out
    "optional_column_left_out.csv": lambda: utf8(
        [
            [c for c in EHC if c != "plan_issued_date"],
            [v for c, v in zip(EHC, ehc(), strict=True) if c != "plan_issued_date"],
        ]
    ),
    "duplicate_case_ref.csv": lambda: utf8(
        [
            EHC,
            ehc("REQ-0001"),
            ehc("REQ-0002"),
            ehc("REQ-0001"),
        ]
    ),
    "age_out_of_range.csv": lambda: utf8(
        [
            EHC,
            ehc("REQ-0001", age_at_request="30"),
            ehc("REQ-0002", age_at_request="-1"),
        ]
    ),
    "uln_in_case_ref.csv": lambda: utf8([EHC, ehc("9276308686")]),
    "nhs_number_in_case_ref.csv": lambda: utf8([EHC, ehc("9434765919")]),
    "persons_name_in_case_ref.csv": lambda: utf8([EHC, ehc("Amira Khan")]),
    "upn_in_case_ref.csv": lambda: utf8([EHC, ehc("A123456789012")]),
    "row_with_extra_cells.csv": lambda: utf8(
        [
            EHC,
            ehc("REQ-0001"),
            [*ehc("REQ-0002"), "see email"],
        ]
    ),
    "postcode_in_evidence.csv": lambda: utf8(
        [
            MILESTONES,
            milestone(evidence="Visited family at EC2V 7HH"),
        ]
    ),
    "email_in_response_ref.csv": lambda: utf8([SURVEY, answer("parent@example.com")]),
    "survey_duplicate_answer.csv": lambda: utf8(
        [
            SURVEY,
            answer("S25-001"),
            answer("S25-001"),
            answer("S25-002"),
        ]
    ),
    "text_too_long.csv": lambda: utf8([CODESIGN, activity(title="Co-design " * 13)]),
    "negative_count.csv": lambda: utf8([VALUES, value(count="-5")]),
    "numerator_over_denominator.csv": lambda: utf8(
        [
            VALUES,
            value(
                indicator_id="tribunal_appeal_rate",
                period="2024",
                count="",
                numerator="7",
                denominator="5",
            ),
        ]
    ),
    "unknown_indicator.csv": lambda: utf8([VALUES, value(indicator_id="local_offer_visits")]),
    "period_wrong_type.csv": lambda: utf8([VALUES, value(period="2024/25")]),
    "period_not_a_label.csv": lambda: utf8([VALUES, value(period="March 2024")]),
    "rate_without_numerator.csv": lambda: utf8(
        [
            VALUES,
            value(indicator_id="tribunal_appeal_rate", period="2024", count="3"),
        ]
    ),
    "count_given_as_rate.csv": lambda: utf8(
        [
            VALUES,
            value(count="", numerator="1520", denominator="2000"),
        ]
    ),
    # "1,520" unquoted in a comma-separated file splits into count 1 and numerator 520.
    "unquoted_thousands.csv": lambda: (
        text([VALUES, value(count="1,520")]) + "local_offer_hits,2024-04,,,1,610,,\r\n"
    ).encode(),
    "milestone_complete_without_date.csv": lambda: utf8(
        [
            MILESTONES,
            milestone(status="complete", completed_date=""),
        ]
    ),
    "placement_ends_before_start.csv": lambda: utf8([AP, placement(end_date="01/10/2024")]),
    "codesign_completed_before_start.csv": lambda: utf8(
        [
            CODESIGN,
            activity(completed_date="01/04/2025"),
        ]
    ),
    "review_not_held_but_involved.csv": lambda: utf8(
        [
            PLANS,
            plan(annual_review_held="no", cyp_involved_in_review="yes"),
        ]
    ),
    # --- the same checks through every encoding and separator -----------------------------------
    "cp1252_semicolon_future_date.csv": lambda: text(
        [
            CODESIGN,
            activity(title="Café drop-in for parent carers"),
            activity(activity_ref="CD-002", start_date="01/01/2027", completed_date=""),
        ],
        sep=";",
    ).encode("cp1252"),
    "utf16_tab_bad_need.txt": lambda: (
        codecs.BOM_UTF16_LE
        + text(
            [
                EHC,
                ehc("REQ-0001"),
                ehc("REQ-0002", primary_need="Autism"),
            ],
            sep="\t",
        ).encode("utf-16-le")
    ),
    "utf8_tab_bad_age.tsv": lambda: utf8([EHC, ehc(age_at_request="7 years")], sep="\t"),
    "utf8_bom_semicolon_blank_rows.csv": lambda: (
        codecs.BOM_UTF8
        + (
            text([EHC, ehc("REQ-0001")], sep=";")
            + "\r\n"
            + ";" * 12
            + "\r\n"
            + text([ehc("REQ-0002", sex="M")], sep=";")
        ).encode("utf-8")
    ),
    "sep_line_semicolon.csv": lambda: ("sep=;\r\n" + text([EHC, ehc(sex="boy")], sep=";")).encode(
        "utf-8"
    ),
    "xlsx_blank_rows_bad_date.xlsx": lambda: workbook(
        {
            "data": [
                EHC,
                ehc("REQ-0001"),
                [],
                [],
                ehc("REQ-0002", plan_issued_date="31/02/2024"),
            ]
        }
    ),
    "xlsx_wrong_dimension.xlsx": lambda: workbook(
        {"data": [EHC, ehc("REQ-0001"), ehc("REQ-0002"), ehc("REQ-0003", sex="boy")]},
        dimension="A1",
    ),
    "xlsx_value_without_heading.xlsx": lambda: workbook(
        {
            "data": [
                EHC,
                ehc("REQ-0001"),
                [*ehc("REQ-0002"), None, "ask Sam"],
            ]
        }
    ),
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
    print(f"Wrote {len(FILES)} files to {HERE}")


if __name__ == "__main__":
    main()
