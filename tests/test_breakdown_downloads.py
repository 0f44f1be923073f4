"""Every chart has the same downloads as a trend chart (PNG, SVG, CSV, XLSX), always as
published: breakdowns, the equity view, the time-taken bands and the population charts."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    app_on_fixture,
    copy_database,
    open_page,
    seeded_template_fixture,
    sqlite_url,
)
from streamlit.testing.v1 import AppTest

from metrics import api, exports

REG = api.registry()
AUTISM = REG.indicator("ehc_plans_autism")  # share of EHC plans whose primary need is autism
# In the demo data's January 2026 census, 28 plans: 21 autism, and 2, 1, 1, 2 and 1 with the
# five other primary needs (seed_data/ehc_plans.csv). Each of those five is below 5: c.
OTHER_NEEDS = {
    "Moderate learning difficulty",
    "Physical disability",
    "Severe learning difficulty",
    "Social, emotional and mental health",
    "Speech, language and communication needs",
}
C_NOTE = "c: fewer than 5 children; suppressed to protect privacy"


@pytest.fixture(scope="module", name="demo_url")
def demo_url_fixture(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tmp_path_factory.mktemp("downloads") / "measures.sqlite3"
    copy_database(seeded_template, target)
    return sqlite_url(target)


@pytest.fixture(scope="module", name="demo_results")
def demo_results_fixture(demo_url: str) -> pl.DataFrame:
    """Every result of the demo data, unsuppressed (exports suppress it themselves)."""
    return api.compute(api.engine(demo_url), REG)


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def four_buttons(labels: list[str], chart: str) -> list[str]:
    """The labels of the four downloads of the chart whose name ends in `chart`."""
    kinds = ("Chart as PNG", "Chart as SVG", "Table as CSV", "Table as Excel")
    return [label for label in labels if label.startswith(kinds) and chart in label]


def test_a_breakdown_chart_has_the_four_downloads(app_on: Any, demo_url: str) -> None:
    at = open_page(app_on(demo_url), "indicator", indicator=AUTISM.id, period="2026-01")

    assert not at.exception, [e.message for e in at.exception]
    found = four_buttons(download_labels(at), f"{AUTISM.title} by primary need, January 2026")
    assert [label.split(":")[0] for label in found] == [
        "Chart as PNG", "Chart as SVG", "Table as CSV", "Table as Excel",
    ]  # fmt: skip


def test_the_equity_and_bands_charts_have_the_four_downloads(app_on: Any, demo_url: str) -> None:
    title = REG.indicator("ehc_20wk_incl_exceptions").title
    at = open_page(
        app_on(demo_url), "indicator", indicator="ehc_20wk_incl_exceptions", period="2024"
    )

    assert not at.exception, [e.message for e in at.exception]
    labels = download_labels(at)
    assert len(four_buttons(labels, f"{title}: global majority and White, by period")) == 4
    assert len(four_buttons(labels, f"{title}: time taken, 2024")) == 4


def test_a_population_chart_has_the_four_downloads(app_on: Any, demo_url: str) -> None:
    at = open_page(app_on(demo_url), "population")

    assert not at.exception, [e.message for e in at.exception]
    assert len(four_buttons(download_labels(at), f"{AUTISM.title} by primary need")) == 4


def test_a_breakdowns_csv_and_xlsx_hold_c_for_its_small_groups(demo_results: pl.DataFrame) -> None:
    only = {"breakdown": "Primary need", "period": "2026-01"}

    csv = pl.read_csv(
        io.BytesIO(exports.table_csv(AUTISM, demo_results, **only)), infer_schema=False
    )
    book = openpyxl.load_workbook(
        io.BytesIO(exports.table_xlsx(AUTISM, demo_results, **only)), data_only=False
    )

    # only that breakdown, that period: six groups
    assert set(csv["Breakdown"]) == {"Primary need"} and set(csv["Period"]) == {"2026-01"}
    rows = {r["Group"]: r for r in csv.iter_rows(named=True)}
    assert set(rows) == OTHER_NEEDS | {"Autistic spectrum disorder"}
    autism = rows["Autistic spectrum disorder"]
    assert (autism["Number"], autism["Out of"], autism["Percentage"]) == ("21", "21", "100.0")
    for need in OTHER_NEEDS:
        assert (rows[need]["Out of"], rows[need]["Percentage"]) == ("c", "c"), need
        assert C_NOTE in rows[need]["Footnote"]
    sheet = book["data"]
    header = [cell.value for cell in sheet[1]]
    out_of = header.index("Out of")
    cells = {
        row[header.index("Group")]: row[out_of] for row in sheet.iter_rows(2, values_only=True)
    }
    assert cells["Autistic spectrum disorder"] == 21
    assert {cells[need] for need in OTHER_NEEDS} == {"c"}


def test_a_breakdowns_chart_files_show_c_and_no_small_count(demo_results: pl.DataFrame) -> None:
    only = {"breakdown": "Primary need", "period": "2026-01"}

    svg = exports.chart_svg(AUTISM, demo_results, kind="breakdown", **only)
    png = exports.chart_png(AUTISM, demo_results, kind="breakdown", **only)

    assert svg is not None and png is not None and png.startswith(exports.PNG_MAGIC)
    words = re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())
    # the five small groups are labelled c (none of them has autism: 0 of c); the autism bar
    # 100.0% (21 of 21)
    assert words.count("c (0 of c)") == 5
    assert "100.0% (21 of 21)" in words
    assert not [w for w in words if re.search(r"\b[1-4] of|of [1-4]\b", w)]


def test_the_spc_chart_has_the_four_downloads_and_draws_as_published(
    app_on: Any, demo_url: str, demo_results: pl.DataFrame
) -> None:
    hits = REG.indicator("local_offer_hits")  # monthly website visits: an SPC chart
    at = open_page(app_on(demo_url), "indicator", indicator=hits.id)

    assert not at.exception, [e.message for e in at.exception]
    label = f"{hits.title}: real change or noise (statistical process control)"
    assert len(four_buttons(download_labels(at), label)) == 4
    svg = exports.chart_svg(hits, demo_results, kind="spc")
    assert svg is not None and b"<svg" in svg and b"process limits" in svg.lower()
