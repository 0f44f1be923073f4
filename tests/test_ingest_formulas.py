"""Formula safety: text that a spreadsheet would run is stored as text, and written out inert."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from metrics import ingest, registry
from metrics.db import store
from metrics.ingest.formulas import neutralise, neutralise_frame

TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+44 20 7606 3030", "'+44 20 7606 3030"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("  =1+2", "'  =1+2"),  # spaces before do not make it safe
        ("＝1+2", "'＝1+2"),  # the full-width equals sign
        # plain numbers cannot run, and an apostrophe would spoil them
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        # ordinary text is left alone
        ("Head of SEND", "Head of SEND"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already safe", "'=already safe"),
    ],
)
def test_neutralise(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_a_frame_is_neutralised_in_its_text_columns_only() -> None:
    frame = pl.DataFrame(
        {
            "title": ["=cmd|' /C calc'!A0", "Café"],
            "count": [-5, 3],
            "when": [dt.date(2024, 1, 1), None],
            "note": [None, "@risk"],
        }
    )
    out = neutralise_frame(frame)
    assert isinstance(out, pl.DataFrame)
    assert out.to_dict(as_series=False) == {
        "title": ["'=cmd|' /C calc'!A0", "Café"],
        "count": [-5, 3],
        "when": [dt.date(2024, 1, 1), None],
        "note": [None, "'@risk"],
    }
    assert isinstance(neutralise_frame(frame.lazy()), pl.LazyFrame)


def test_formula_text_in_an_upload_is_stored_as_the_text_it_is(engine: Engine) -> None:
    content = (
        b"activity_ref,title,priority,start_date,completed_date,involved_from_start,"
        b"feedback_given,reported_feeling_heard\r\n"
        b'CD-001,"=HYPERLINK(""http://evil.example"",""Click"")",4,01/05/2025,,yes,yes,yes\r\n'
    )
    report = ingest.ingest(
        engine, "codesign_activities", content, "f.csv", registry.load(), user="o", today=TODAY
    )
    assert report.ok, report.problems.to_dicts()
    with engine.connect() as conn:
        titles = store.read_active(conn, "codesign_activities")["title"].to_list()
    assert titles == ['=HYPERLINK("http://evil.example","Click")']
    assert neutralise(titles[0]) == '\'=HYPERLINK("http://evil.example","Click")'
