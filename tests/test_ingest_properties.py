"""Properties that hold for any input: whatever is uploaded, the reader and validator answer
(rows, or problems) and never crash; no non-blank row is dropped; every problem points at a row
that exists."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import datasets, ingest, registry
from metrics.ingest.formulas import neutralise, neutralise_expr
from metrics.ingest.validate import PROBLEM_SCHEMA

TODAY = dt.date(2026, 11, 27)
REGISTRY = registry.load()
EHC = datasets.get("ehc_requests")
HEADER = EHC.column_names
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Beginnings that steer random bytes down every branch of the reader.
PREFIXES = [
    b"", b"PK\x03\x04", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"%PDF", b"\xd0\xcf\x11\xe0",
    ",".join(HEADER).encode() + b"\r\n", b"sep=;\r\n", b'"',
]  # fmt: skip
FILE_NAMES = ["upload.csv", "upload.xlsx", "upload.xls", "upload.txt"]

# Cells: odd text, plus values that reach the date, number, choice and cross-row checks.
ALPHABET = "abcXYZ019 ,;\"'/-=+@.:\n\téé£–“"
CELLS = st.one_of(
    st.text(alphabet=ALPHABET, max_size=12),
    st.sampled_from([
        "", " ", "REQ-1", "REQ-2", "05/02/2024", "2024-02-30", "31/12/2026", "01/01/1900",
        "assess", "plan_issued", "pending", "not_assess", "yes", "No", "7", "1,520", "-3",
        "ASD", "female", "asian", "=1+2", "9434765919", "EC2V 7HH",
    ]),
)  # fmt: skip


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def check(content: bytes, name: str = "upload.csv") -> tuple[ingest.IngestReport, object]:
    return ingest.check_file("ehc_requests", content, name, REGISTRY, today=TODAY)


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000),
       name=st.sampled_from(FILE_NAMES))  # fmt: skip
def test_any_bytes_are_loaded_or_refused_with_problems(prefix: bytes, body: bytes, name: str):
    report, result = check(prefix + body, name)
    assert dict(report.problems.schema) == PROBLEM_SCHEMA
    if report.ok:
        assert result is not None and report.rows_read > 0
    else:
        assert report.problems.height > 0
        assert report.problems["problem"].str.len_chars().min() > 0
        rows = report.problems["row"].drop_nulls()
        assert rows.len() == 0 or rows.min() >= 1


@SETTINGS
@given(records=st.lists(st.lists(CELLS, min_size=len(HEADER), max_size=len(HEADER)),
                        max_size=8))  # fmt: skip
def test_any_cells_under_a_valid_header_never_crash_and_problems_point_at_real_rows(
    records: list[list[str]],
) -> None:
    report, result = check(as_csv([HEADER, *records]))
    # Record i is spreadsheet row i + 2, even when a cell holds a line break.
    filled = {i + 2 for i, r in enumerate(records) if any(c.strip() for c in r)}
    assert result is not None, report.problems
    # nothing is silently dropped: every row with something in it is read
    assert set(result.rows["row_number"]) == filled  # type: ignore[attr-defined]
    rows = set(report.problems["row"].drop_nulls())
    assert rows <= filled
    if not filled:
        assert report.problems.select("row", "column").rows() == [(None, None)]  # header only


@SETTINGS
@given(header=st.lists(st.text(alphabet=ALPHABET + "_", max_size=15), max_size=16),
       records=st.lists(st.lists(CELLS, min_size=0, max_size=16), max_size=4))  # fmt: skip
def test_any_header_never_crashes_validation(header: list[str], records: list[list[str]]):
    report, _ = check(as_csv([header, *records]))
    assert dict(report.problems.schema) == PROBLEM_SCHEMA
    assert report.ok or report.problems.height > 0


@SETTINGS
@given(values=st.lists(st.text(max_size=10), max_size=20))
def test_the_vectorised_neutraliser_agrees_with_the_scalar_one(values: list[str]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    vectorised = frame.select(neutralise_expr(pl.col("v")))["v"].to_list()
    assert vectorised == [neutralise(v) for v in values]
    # once is enough: a neutralised value is left alone the second time
    assert [neutralise(neutralise(v)) for v in values] == [neutralise(v) for v in values]
