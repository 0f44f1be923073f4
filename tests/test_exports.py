"""Exports: charts (PNG, SVG) and tables (CSV, XLSX), all suppressed and formula-safe."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from typing import Any

import openpyxl
import polars as pl
import pytest

from metrics import api, exports, periods
from metrics.results import RESULT_SCHEMA

REG = api.registry()
EHC = REG.indicator("ehc_20wk_incl_exceptions")
TODAY = dt.date(2026, 11, 27)
SVG = "{http://www.w3.org/2000/svg}"
FORMULA_STARTS = ("=", "+", "-", "@")


def rows(indicator_id: str, *items: dict[str, Any]) -> pl.DataFrame:
    ind = REG.indicator(indicator_id)
    out = []
    for item in items:
        start, end = periods.parse(item["period"], ind.period_type)
        num, den = item.get("numerator"), item.get("denominator")
        out.append(
            {
                "indicator_id": indicator_id,
                "period": item["period"],
                "period_start": start,
                "period_end": end,
                "breakdown": item.get("breakdown"),
                "breakdown_group": item.get("group"),
                "numerator": num,
                "denominator": den,
                "value": item.get("value", 100 * num / den if num is not None and den else None),
                "lower": item.get("lower"),
                "upper": item.get("upper"),
                "status": item.get("status"),
                "note": item.get("note"),
            }
        )
    return pl.DataFrame(out, schema=RESULT_SCHEMA)


# City of London's plans issued within 20 weeks (all plans), as in the DfE release:
# 2023 5 of 5, 2024 4 of 5 (80%). 2025 is made up: 5 of 6, girls 1 of 1 and boys 4 of 5.
TIMELINESS = rows(
    "ehc_20wk_incl_exceptions",
    {"period": "2023", "numerator": 5.0, "denominator": 5.0, "lower": 56.6, "upper": 100.0,
     "status": "on_track"},
    {"period": "2024", "numerator": 4.0, "denominator": 5.0, "lower": 37.6, "upper": 96.4,
     "status": "off_track"},
    {"period": "2024", "breakdown": "Band", "group": "Within 20 weeks", "numerator": 4.0,
     "denominator": 5.0},
    {"period": "2024", "breakdown": "Band", "group": "20 to 52 weeks", "numerator": 1.0,
     "denominator": 5.0},
    {"period": "2024", "breakdown": "Band", "group": "Over 52 weeks", "numerator": 0.0,
     "denominator": 5.0},
    {"period": "2025", "numerator": 5.0, "denominator": 6.0, "lower": 43.6, "upper": 97.0,
     "status": "at_risk"},
)  # fmt: skip


def read_csv(content: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(content), infer_schema=False)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_the_suppressed_values() -> None:
    content = exports.table_csv(EHC, TIMELINESS, 5)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    table = read_csv(content)
    headline = table.filter(pl.col("Breakdown") == "All")
    assert headline.select("Period", "Number", "Out of", "Percentage").rows() == [
        ("2023", "5", "5", "100.0"),
        ("2024", "c", "5", "c"),  # 4 of 5: the 4 is c, and 80% would give it back
        ("2025", "5", "6", "83.3"),  # 5 / 6 = 83.33...%
    ]
    # 2024's rate is held back, so is its status: "off track" would say it is below target
    assert headline.get_column("Status").to_list() == [
        "✔ On track", "≈ Too few to judge", "▲ At risk",
    ]  # fmt: skip
    footnote = headline.filter(pl.col("Period") == "2024").get_column("Footnote")[0]
    assert "c: fewer than 5 children; suppressed to protect privacy" in footnote
    bands = table.filter(pl.col("Breakdown") == "Band").sort("Group")
    # 4 + 1 + 0 = 5 plans: both small bands are c, the true zero stays 0
    assert bands.select("Group", "Number").rows() == [
        ("20 to 52 weeks", "c"),
        ("Over 52 weeks", "0"),
        ("Within 20 weeks", "c"),
    ]
    assert "4 of 5" not in content.decode("utf-8-sig")
    assert "80.0" not in content.decode("utf-8-sig")


def test_xlsx_has_data_and_notes_sheets() -> None:
    book = openpyxl.load_workbook(io.BytesIO(exports.table_xlsx(EHC, TIMELINESS, 5, today=TODAY)))
    assert book.sheetnames == ["data", "notes"]
    data = [[c.value for c in row] for row in book["data"].iter_rows()]
    header = data[0]
    by_period = {r[0]: dict(zip(header, r, strict=True)) for r in data[1:] if r[1] == "All"}
    assert by_period["2023"]["Number"] == 5  # a real number in the spreadsheet
    assert by_period["2024"]["Number"] == "c"
    assert by_period["2024"]["Out of"] == 5
    assert by_period["2024"]["Percentage"] == "c"
    assert by_period["2025"]["Percentage"] == pytest.approx(83.3)
    assert isinstance(by_period["2024"]["Period"], str)  # "2024" stays a label, not a number
    notes = dict((r[0].value, r[1].value) for r in book["notes"].iter_rows(min_row=2) if r[0].value)
    assert notes["Measure"] == EHC.title
    assert notes["Data source"] == "EHC needs assessment requests"
    assert notes["Produced"] == "27 November 2026"
    assert notes["Footnote: primary"].startswith("c: fewer than 5 children")
    assert notes["Footnote: secondary"].startswith("secondary suppression")


def test_xlsx_reads_back_with_polars() -> None:
    content = exports.table_xlsx(EHC, TIMELINESS, 5, today=TODAY)
    frame = pl.read_excel(io.BytesIO(content), sheet_name="data", engine="openpyxl")
    assert frame.height == TIMELINESS.height
    assert "Footnote" in frame.columns


def evil_milestone() -> pl.DataFrame:
    return rows(
        "p3_awareness_plan",
        {"period": "2025-Q3", "value": 50.0, "note": '=HYPERLINK("http://evil","x")'},
        {"period": "2025-Q4", "value": 50.0, "note": "+44 20 7946 0000"},
        {"period": "2026-Q1", "value": 100.0, "note": "@SUM(A1:A9)"},
        {"period": "2026-Q2", "value": 100.0, "note": "-2+3 cmd|' /C calc'!A0"},
    )


def test_csv_cells_never_start_a_formula() -> None:
    table = read_csv(exports.table_csv(REG.indicator("p3_awareness_plan"), evil_milestone(), 5))
    for column in table.columns:
        for value in table.get_column(column).drop_nulls():
            assert not value.startswith(FORMULA_STARTS), value
    assert table.get_column("Evidence")[0] == '\'=HYPERLINK("http://evil","x")'


def test_xlsx_cells_are_text_not_formulas() -> None:
    content = exports.table_xlsx(REG.indicator("p3_awareness_plan"), evil_milestone(), 5)
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def test_png_is_a_png() -> None:
    png = exports.chart_png(EHC, TIMELINESS, 5)
    assert png is not None and png.startswith(exports.PNG_MAGIC)


def test_svg_parses_and_carries_title_and_description() -> None:
    svg = exports.chart_svg(EHC, TIMELINESS, 5)
    assert svg is not None
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == EHC.title
    assert desc is not None and desc.text is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # the description is built from suppressed rows: 2024 is withheld, never "4 of 5"
    assert "The figure for 2024 is withheld to protect privacy." in desc.text
    assert "4 of 5" not in svg.decode()


def test_a_chart_holds_no_suppressed_value_even_in_its_data() -> None:
    built = exports.chart(EHC, TIMELINESS, 5)
    assert built is not None
    spec = built.to_dict()
    records = [r for values in spec["datasets"].values() for r in values]
    for record in records:
        if record.get("period") == "2024" and "numerator" in record:
            assert record["numerator"] is None and record["value"] is None
            assert record["lower"] is None and record["upper"] is None
            assert "4 of 5" not in str(record) and "80.0%" not in str(record)


def test_a_stacked_bands_chart_is_not_drawn_over_hidden_counts() -> None:
    # a hidden band would be drawn as 0 and the stack would be wrong: no chart at all
    assert exports.chart(EHC, TIMELINESS, 5, kind="bands", period="2024") is None


def test_nothing_to_draw_gives_none() -> None:
    one_child = rows("ap_children", {"period": "2024/25", "value": 1.0})
    assert exports.chart_png(REG.indicator("ap_children"), one_child, 5) is None
    assert exports.chart_svg(REG.indicator("ap_children"), one_child, 5) is None


def test_inline_svg_ids_are_prefixed_for_one_page() -> None:
    built = exports.chart(EHC, TIMELINESS, 5)
    assert built is not None
    svg = exports.svg_inline(built, id_prefix="ehc")
    assert 'id="ehc-title"' in svg and 'id="ehc-desc"' in svg
    assert svg.startswith("<svg ") and 'aria-label="' in svg
