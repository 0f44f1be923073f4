"""A column left out of a file: a problem unless the dataset allows it, and then it never blanks
the values stored for the same references (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.engine import Engine

from metrics import api, datasets, ingest, templates, uploads
from metrics.db import store

TODAY = dt.date(2026, 11, 27)
EHC = "ehc_requests"
HEADER = (
    "case_ref,request_received_date,request_decision_date,request_outcome,assessment_outcome,"
    "plan_issued_date,exception_20_weeks,mediation_or_tribunal,age_at_request,sex,ethnic_group,"
    "primary_need"
)
# Support while waiting: R1 yes, R2 no. Families offered support in 2024: 1 of 2.
WITH_SUPPORT = "\r\n".join([
    HEADER + ",waiting_support_offered",
    "R1,10/01/2024,15/02/2024,assess,pending,,no,no,6,female,black,SLCN,yes",
    "R2,01/03/2024,20/03/2024,assess,pending,,no,no,9,male,white,ASD,no",
    "",
]).encode()  # fmt: skip
# The same two requests a month later, both plans issued, and a new one (R3), without the
# support column: R1 and R2 keep theirs, R3's is unknown. Still 1 of 2 (R3 is not counted).
WITHOUT_SUPPORT = "\r\n".join([
    HEADER,
    "R1,10/01/2024,15/02/2024,assess,plan_issued,20/05/2024,no,no,6,female,black,SLCN",
    "R2,01/03/2024,20/03/2024,assess,plan_issued,01/07/2024,no,no,9,male,white,ASD",
    "R3,01/04/2024,20/04/2024,assess,pending,,no,no,4,male,asian,HI",
    "",
]).encode()  # fmt: skip


def _support(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        rows = store.read_active(conn, "ehc_requests", ["case_ref", "waiting_support_offered"])
    return dict(rows.rows())


def test_a_column_left_out_keeps_the_stored_values(engine: Engine) -> None:
    reg = api.registry()
    first = ingest.ingest(engine, "ehc_requests", WITH_SUPPORT, "a.csv", reg, user="o", today=TODAY)
    assert first.ok, first.problems.to_dicts()

    checked = uploads.check("ehc_requests", WITHOUT_SUPPORT, "b.csv", reg, today=TODAY)
    assert checked.ok, checked.report.problems.to_dicts()
    assert checked.validation is not None
    assert checked.validation.left_out == ("waiting_support_offered",)
    # the preview already counts with the stored values: the support figure does not change
    preview = uploads.preview(engine, reg, "ehc_requests", checked, today=TODAY)
    assert "ehc_waiting_support" not in preview.indicators_changed
    uploads.store_upload(engine, "ehc_requests", checked, user="o")

    assert _support(engine) == {"R1": "yes", "R2": "no", "R3": None}
    figures = api.compute(engine, reg, indicator="ehc_waiting_support", on=TODAY)
    head = figures.filter(pl.col("breakdown").is_null()).row(0, named=True)
    assert (head["period"], head["numerator"], head["denominator"]) == ("2024", 1, 2)


def test_a_column_that_may_not_be_left_out_is_a_problem_naming_both_lists() -> None:
    no_plan_date = WITH_SUPPORT.replace(b"plan_issued_date,", b"").replace(
        b",pending,,", b",pending,"
    )
    checked = uploads.check("ehc_requests", no_plan_date, "c.csv", api.registry(), today=TODAY)
    assert checked.report.problems.select("row", "column").rows() == [(1, "plan_issued_date")]
    fix = checked.report.problems.item(0, "fix")
    assert "The file's columns: case_ref, request_received_date, request_decision_date," in fix
    assert "The template's columns: case_ref, request_received_date, request_decision_date, " \
        "request_outcome, assessment_outcome, plan_issued_date," in fix  # fmt: skip


def test_the_data_dictionary_says_which_columns_may_be_left_out() -> None:
    said = {r["column"]: r["required"] for r in templates.dictionary_rows(datasets.get(EHC))}
    assert said["waiting_support_offered"] == "required, the column may be left out"
    assert said["plan_issued_date"] == "optional"  # blank cells yes, the column no
    assert said["assessment_outcome"] == "optional"  # blank when the request was not assessed
