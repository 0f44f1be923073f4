"""The board pack on the demo data: every measure, its status and commentary, no small numbers."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pypdf
import pytest
from sqlalchemy.engine import Engine

from metrics import api, boardpack, cli, commentary, disclosure, settings
from metrics.boardpack import BoardPack
from metrics.db import store
from tests.conftest import POSTGRES_URL, SEED_DIR, _reset_postgres, missing

REG = api.registry()
TODAY = dt.date(2026, 11, 27)
PERIOD = "2025-26"  # the financial year ending 31 March 2026
# 2026 is the latest calendar year starting by 31 March 2026, so the pack shows it
SAID = (
    "Fewer than 5 plans were late: a specialist report arrived after 22 weeks. A new tracker is "
    "in place."
)
HEADLINE = [i for p in REG.priorities for i in REG.for_priority(p.id) if i.headline]


@dataclass
class Built:
    engine: Engine
    pack: BoardPack
    raw: pl.DataFrame  # true, unsuppressed results
    pdf_text: str  # every page's text, whitespace collapsed
    reader: pypdf.PdfReader


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _seed(engine: Engine) -> None:
    api.seed(engine, REG, SEED_DIR)
    commentary.save(engine, "ehc_20wk_incl_exceptions", "2026", SAID, "A. Officer", registry=REG)


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database with the demo data and one commentary, seeded once for this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pack') / 'pack.sqlite3'}"
    _seed(store.ready_engine(url))
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(request: pytest.FixtureRequest, seeded_sqlite: str) -> Iterator[Built]:
    if request.param == "sqlite":
        url = seeded_sqlite
        engine = store.ready_engine(url)
    else:
        if not POSTGRES_URL:
            missing("MEASURES_TEST_POSTGRES_URL is not set")
        assert POSTGRES_URL is not None
        _reset_postgres(POSTGRES_URL)
        store.engine_for.cache_clear()
        url = POSTGRES_URL
        engine = store.ready_engine(url)
        _seed(engine)
    pack = boardpack.build(engine, REG, PERIOD, threshold=5, today=TODAY)
    reader = pypdf.PdfReader(io.BytesIO(pack.pdf))
    text = _collapse(" ".join(page.extract_text() for page in reader.pages))
    yield Built(engine, pack, api.compute(engine, REG, on=TODAY), text, reader)
    if request.param == "postgresql":
        store.engine_for(url).dispose()
        store.engine_for.cache_clear()
        _reset_postgres(url)


# ---------------------------------------------------------------------------------------------
# Which figures
# ---------------------------------------------------------------------------------------------


def test_period_rule() -> None:
    # the latest period that starts on or before the end of the chosen one
    assert boardpack.period_end("2025-26")[1] == dt.date(2026, 3, 31)
    assert boardpack.period_end("2025/26")[1] == dt.date(2026, 8, 31)
    assert boardpack.period_end("2025")[1] == dt.date(2025, 12, 31)
    assert boardpack.period_end("2025-Q3")[1] == dt.date(2025, 9, 30)
    with pytest.raises(boardpack.BoardPackError, match="not a period label"):
        boardpack.period_end("2025-27")


def test_each_measure_shows_its_latest_period_by_the_end_of_the_chosen_one(built: Built) -> None:
    shown = {m.indicator.id: m.row["period"] for m in built.pack.measures if m.row}
    assert shown["ehc_20wk_incl_exceptions"] == "2026"  # starts 1 January 2026
    assert shown["parent_carer_iag_survey"] == "2025-26"
    assert shown["work_opportunities_offered"] == "2025/26"  # starts 1 September 2025
    assert shown["local_offer_hits"] == "2026-03"
    assert shown["p3_awareness_plan"] == "2026-Q1"


def test_a_period_still_under_way_on_the_day_of_the_pack_says_so_far(built: Built) -> None:
    # produced 27 November 2026, for 2025-26 (to 31 March 2026): the 2026 calendar year (which
    # starts by then) is under way; the 2025/26 academic year and 2025-26 financial year are over
    shown = {m.indicator.id: m for m in built.pack.measures}
    assert shown["ehc_20wk_incl_exceptions"].period_text == "2026 so far (to 27 November)"
    assert shown["ap_children"].period_text == "2025/26"
    assert shown["parent_carer_iag_survey"].period_text == "2025-26"
    assert "in 2026 so far (to 27 November)" in shown["ehc_20wk_incl_exceptions"].sentence
    assert "2026 so far (to 27 November)" in built.pdf_text
    assert "2026 so far (to 27 November)" in built.pack.html


def test_every_headline_measure_is_in_the_pack(built: Built) -> None:
    assert [m.indicator.id for m in built.pack.measures] == [i.id for i in HEADLINE]
    assert built.pack.summary()["measures"] == len(HEADLINE)


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------


def test_pdf_has_every_title_status_and_the_commentary(built: Built) -> None:
    for m in built.pack.measures:
        assert _collapse(m.indicator.title) in built.pdf_text, m.indicator.title
        assert f"Status: {m.status_text}" in built.pdf_text, m.indicator.title
    assert _collapse(SAID) in built.pdf_text
    assert "Published figures: counts below 5 are suppressed" in built.pdf_text
    assert "Produced 27 November 2026" in built.pdf_text
    assert "City of London" in built.pdf_text


def test_pdf_has_one_image_per_chart(built: Built) -> None:
    drawn = sum(m.chart_png is not None for m in built.pack.measures)
    assert drawn == built.pack.charts > 10
    assert sum(len(page.images) for page in built.reader.pages) == drawn


def test_pdf_language_title_and_bookmarks(built: Built) -> None:
    root = built.reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "board pack" in str(built.reader.metadata.title)

    def titles(outline: list) -> list[str]:
        out: list[str] = []
        for item in outline:
            out += titles(item) if isinstance(item, list) else [item.title]
        return out

    marks = titles(built.reader.outline)
    assert "At a glance" in marks
    for priority in REG.priorities:
        assert f"Priority {priority.id}: {priority.title}" in marks
    for m in built.pack.measures:
        assert m.indicator.title in marks


def small_count_phrases(text: str) -> list[str]:
    """'3 of 4', '1 of 12': a count from 1 to 4 written out against a total."""
    return re.findall(r"(?<![\d.,])[1-4] of \d", text)


def withheld_raw_figures(built: Built) -> list[tuple[str, str]]:
    """(indicator, 'n of d') for every withheld headline figure the pack could have shown."""
    out = []
    raw = built.raw.filter(pl.col("breakdown").is_null())
    for m in built.pack.measures:
        if m.row is None or not m.row.get("value_flag"):
            continue
        true = raw.filter(
            (pl.col("indicator_id") == m.indicator.id) & (pl.col("period") == m.row["period"])
        ).row(0, named=True)
        if true["numerator"] is not None and true["denominator"] is not None:
            out.append((m.indicator.id, f"{true['numerator']:.0f} of {true['denominator']:.0f}"))
    return out


def test_no_suppressed_value_in_the_pdf(built: Built) -> None:
    assert "4 of 5" not in built.pdf_text  # City of London 2024 timeliness, 4 of 5 plans
    assert small_count_phrases(built.pdf_text) == []
    hidden = withheld_raw_figures(built)
    assert hidden  # the demo data has withheld figures, so the check means something
    for _indicator, phrase in hidden:
        assert phrase not in built.pdf_text


def test_withheld_counts_say_fewer_than_5(built: Built) -> None:
    ap = next(m for m in built.pack.measures if m.indicator.id == "ap_children")
    assert ap.row is not None and ap.row["value_flag"] == disclosure.PRIMARY
    true = built.raw.filter(
        (pl.col("indicator_id") == "ap_children")
        & (pl.col("period") == ap.row["period"])
        & pl.col("breakdown").is_null()
    ).row(0, named=True)
    assert "fewer than 5" in ap.sentence
    assert f": {true['value']:.0f} " not in ap.sentence
    assert ap.value_text == "c"


# ---------------------------------------------------------------------------------------------
# The HTML
# ---------------------------------------------------------------------------------------------


class Outline(HTMLParser):
    """Headings in order, svg charts and tables, and every src/href."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.svgs: list[dict[str, str | None]] = []
        self.tables = 0
        self.links: list[str] = []
        self.text: list[str] = []
        self.lang: str | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "svg":
            self.svgs.append(found)
        if tag == "table":
            self.tables += 1
        for name in ("src", "href"):
            if found.get(name):
                self.links.append(str(found[name]))
        if tag in ("script", "style", "svg"):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            self.text.append(data)


@pytest.fixture(scope="module")
def page(built: Built) -> Outline:
    parsed = Outline()
    parsed.feed(built.pack.html)
    return parsed


def test_html_is_self_contained(built: Built, page: Outline) -> None:
    assert page.lang == "en-GB"
    assert [link for link in page.links if not link.startswith("#")] == []
    assert not re.search(r"url\(\s*['\"]?https?:", built.pack.html)
    assert "<script" not in built.pack.html and "<link" not in built.pack.html


def test_html_has_one_labelled_svg_per_chart(built: Built, page: Outline) -> None:
    charts = [s for s in page.svgs if s.get("role") == "img"]
    assert len(charts) == built.pack.charts
    assert all(s.get("aria-label") for s in charts)


def test_html_headings_in_order_and_real_tables(built: Built, page: Outline) -> None:
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1  # never skips a level going down
    assert page.tables == 1 + len(built.pack.measures)  # at a glance, then one per measure


def test_html_has_the_same_content_and_no_suppressed_value(built: Built, page: Outline) -> None:
    text = _collapse(" ".join(page.text))
    for m in built.pack.measures:
        assert m.indicator.title in text
        assert m.status_text in text
    assert SAID in text
    assert "4 of 5" not in text
    assert small_count_phrases(text) == []
    for _indicator, phrase in withheld_raw_figures(built):
        assert phrase not in text
    # nor inside the charts' own words
    assert small_count_phrases(built.pack.html) == []


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setenv("MEASURES_DATABASE_URL", url)  # restored after the test
    settings.get_settings.cache_clear()
    try:
        return cli.main(["--database", url, *args])
    finally:
        settings.get_settings.cache_clear()


def test_cli_writes_html_and_prints_a_summary(
    seeded_sqlite: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    url = seeded_sqlite
    out = tmp_path / "pack.html"
    code = run_cli(monkeypatch, url, "boardpack", "--period", PERIOD, "--out", str(out),
                   "--format", "json")  # fmt: skip
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["measures"] == len(HEADLINE) and summary["format"] == "html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_refuses_other_formats_and_bad_periods(
    seeded_sqlite: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    url = seeded_sqlite
    assert run_cli(monkeypatch, url, "boardpack", "--period", PERIOD, "--out", "x.docx") == 2
    assert ".pdf or .html" in capsys.readouterr().err
    code = run_cli(monkeypatch, url, "boardpack", "--period", "2025-27",
                   "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert code == 2
    assert "not a period label" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
