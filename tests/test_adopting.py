"""Adopting the dashboard: a starter registry for any authority, official files from anywhere.

`init-area` writes a registry from the DfE files shipped with the project; a new area's empty
database shows the official figures and no demo data; `official-sources` says which files the
registry needs; `import-official` takes a file, a folder, a release's .zip or an address.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from app_support import (  # noqa: F401 (fixtures, asked for by their short names)
    REFERENCE,
    app_on_fixture,
    charts,
    empty_url_fixture,
    open_page,
    texts,
)
from cli_support import run_fixture  # noqa: F401 (fixtures, asked for by their short names)
from sqlalchemy.engine import Engine

from metrics import api, area_init, audit, registry
from metrics.db import store

TIMELINESS = REFERENCE / "ees-ehc-plans-2025" / "timeliness_20_week.csv"
CASELOAD = REFERENCE / "ees-ehc-plans-2025" / "caseload.csv"
STATUTORY = ["ehc_20wk_excl_exceptions", "ehc_20wk_incl_exceptions", "ehc_6wk_decisions",
             "active_ehc_plans"]  # fmt: skip


def _latest_authorities() -> dict[str, dict[str, str]]:
    """Every authority in the January 2025 caseload rows of the DfE file, by new code."""
    found: dict[str, dict[str, str]] = {}
    with CASELOAD.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["time_period"] == "202425" and row["geographic_level"] == "Local authority":
                found[row["new_la_code"]] = row
    return found


def _official_rate(code: str, year: str) -> str:
    """pc_plans_issued_within_20_weeks for an area and year, as the DfE file gives it."""
    with TIMELINESS.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            level = {"National": "country_code", "Regional": "region_code"}.get(
                row["geographic_level"], "new_la_code"
            )
            if (
                row[level] == code
                and row["time_period"] == year
                and row["breakdown_topic"] == "All EHC plans issued"
            ):
                return row["pc_plans_issued_within_20_weeks"]
    raise AssertionError(f"{code} {year} is not in the DfE file")


# ---------------------------------------------------------------------------------------------
# init-area
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["E06000052", "908", " e06000052 "])
def test_init_area_writes_a_registry_for_cornwall_that_passes_check(
    run: Any, tmp_path: Path, code: str
) -> None:
    out = tmp_path / "cornwall.toml"

    status, said, _ = run("init-area", "--la-code", code, "--out", str(out))

    assert status == 0, said
    assert "Cornwall" in said
    assert registry.problems_in(out) == []
    reg = registry.load(out)
    # Cornwall: new code E06000052, old code 908, South West (E12000009), in the DfE file
    assert (reg.area.name, reg.area.new_la_code, reg.area.la_code) == (
        "Cornwall", "E06000052", "908",
    )  # fmt: skip
    assert (reg.area.region_code, reg.area.region_name) == ("E12000009", "South West")
    assert [i.id for i in reg.indicators] == STATUTORY
    assert [c.kind for c in reg.indicator("ehc_20wk_incl_exceptions").comparators] == [
        "ees", "lait",
    ]  # fmt: skip
    assert reg.indicator("ehc_6wk_decisions").comparators == ()  # the area's own data only
    text = out.read_text(encoding="utf-8")
    assert "City of London" not in text and "London" not in text


def test_the_starter_comparison_group_is_every_other_authority_of_the_region(
    tmp_path: Path,
) -> None:
    out = tmp_path / "cornwall.toml"
    area_init.write_starter("E06000052", out, today=area_init.dt.date(2026, 12, 5))

    members = registry.load(out).area.comparison_group
    south_west = {
        code for code, row in _latest_authorities().items() if row["region_code"] == "E12000009"
    }
    assert members is not None
    assert {m.new_la_code for m in members.members} == south_west - {"E06000052"}
    assert len(south_west) == 15  # the South West's 15 authorities in January 2025


def test_init_area_refuses_an_unknown_code_and_an_existing_file(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "area.toml"

    status, _, said = run("init-area", "--la-code", "E06999999", "--out", str(out))
    assert status == 2
    assert "No local authority has the code 'E06999999'" in said
    assert not out.exists()

    status, _, said = run("init-area", "--la-code", "Cornwall", "--out", str(out))
    assert status == 2
    assert "is not a local authority code" in said

    out.write_text("# my own registry\n", encoding="utf-8")
    status, _, said = run("init-area", "--la-code", "908", "--out", str(out))
    assert status == 2
    assert "already exists" in said
    assert out.read_text(encoding="utf-8") == "# my own registry\n"


# ---------------------------------------------------------------------------------------------
# A new area's database: official figures, no demo
# ---------------------------------------------------------------------------------------------


@pytest.fixture(name="new_area")
def new_area_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Cornwall's starter registry in force (MEASURES_REGISTRY)."""
    out = tmp_path / "cornwall.toml"
    area_init.write_starter("908", out, today=area_init.dt.date(2026, 12, 5))
    monkeypatch.setenv("MEASURES_REGISTRY", str(out))
    monkeypatch.delenv("MEASURES_DEMO", raising=False)
    yield out


def test_seed_for_another_area_loads_only_the_official_files_it_names(
    run: Any, engine: Engine, new_area: Path
) -> None:
    status, said, _ = run("seed", "--format", "json")

    assert status == 0
    stored = {r["file"] for r in json.loads(said)}
    assert stored == {"timeliness_20_week.csv", "lait_send_measures_all_las.csv", "caseload.csv"}
    with engine.connect() as conn:
        batches = store.read_batches(conn)
    assert set(batches.get_column("dataset")) == {"official_values"}  # no demo data


def test_the_demo_is_loaded_for_another_area_only_when_asked(
    run: Any, engine: Engine, new_area: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEASURES_DEMO", "1")

    assert run("seed")[0] == 0

    with engine.connect() as conn:
        datasets = set(store.read_batches(conn).get_column("dataset"))
    assert {"ehc_requests", "ehc_plans", "official_values"} <= datasets


def test_a_new_areas_empty_dashboard_shows_its_official_figures(
    app_on: Any, empty_url: str, new_area: Path
) -> None:
    reports = api.seed(api.engine(empty_url))
    assert [r.dataset for r in reports] == ["official_values"] * 3

    overview = open_page(app_on(empty_url), "overview")
    assert not overview.exception
    assert "Cornwall" in texts(overview)
    assert "City of London" not in texts(overview)

    at = open_page(app_on(empty_url), "indicator", indicator="ehc_20wk_incl_exceptions")
    assert not at.exception
    page = texts(at)
    assert "No data yet" in page or "no data" in page.lower()
    # the official figures are there before any of the area's own: England, the South West
    # and Cornwall itself in 2024, as the DfE file gives them
    for name, code in (("England", "E92000001"), ("South West", "E12000009")):
        assert f"{name} {float(_official_rate(code, '2024')):.1f}%" in page, name
    cornwall = float(_official_rate("E06000052", "2024"))
    assert f"Cornwall had a published figure of {cornwall:.1f}%" in page
    assert charts(at), "the every-authority chart is drawn"


# ---------------------------------------------------------------------------------------------
# official-sources and import-official from a folder, a .zip or an address
# ---------------------------------------------------------------------------------------------

SHIPPED_NAMES = ["caseload.csv", "lait_send_measures_all_las.csv", "timeliness_20_week.csv"]


def test_official_sources_lists_what_the_registry_needs_and_the_copy_held(run: Any) -> None:
    status, said, _ = run("official-sources", "--format", "json")

    assert status == 0
    needs = {n["file"]: n for n in json.loads(said)}
    assert sorted(needs) == SHIPPED_NAMES
    ees = needs["timeliness_20_week.csv"]
    assert ees["publication"] == "Education, health and care plans"
    assert ees["release_held"] == "Reporting year 2025"
    assert ees["copy_shipped_on"] == "2026-12-05"
    assert ees["published_at"].startswith("https://explore-education-statistics.service.gov.uk/")
    assert ees["stored_in_database"] is None
    assert set(ees["indicators"]) >= {"ehc_20wk_excl_exceptions", "ehc_20wk_incl_exceptions"}

    status, said, _ = run("official-sources")
    assert "in this database: not imported yet" in said
    assert "python -m metrics import-official" in said


def _official_batches(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return store.read_batches(conn).filter(pl.col("dataset") == "official_values")


def test_import_official_takes_a_folder_and_says_what_it_did_not_hold(
    run: Any, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "download" / "data"
    folder.mkdir(parents=True)
    (folder / "timeliness_20_week.csv").write_bytes(TIMELINESS.read_bytes())
    (folder / "notes.txt").write_text("not an official file", encoding="utf-8")

    status, said, _ = run("import-official", str(tmp_path / "download"), "--who", "A. Officer")

    assert status == 0, said
    assert "timeliness_20_week.csv: stored" in said
    assert "Not in" in said and "caseload.csv" in said
    batches = _official_batches(engine)
    assert batches.get_column("file_name").to_list() == ["timeliness_20_week.csv"]
    assert "A. Officer" in audit.events(engine).get_column("who").to_list()


def _release_zip() -> bytes:
    """A release's 'download all data' .zip: its CSVs in a data/ folder, with others."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/timeliness_20_week.csv", TIMELINESS.read_bytes())
        archive.writestr("data/caseload.csv", CASELOAD.read_bytes())
        archive.writestr("supporting-files/data-guidance.txt", "guidance")
    return buffer.getvalue()


@pytest.fixture(name="web")
def web_fixture(tmp_path: Path) -> Iterator[str]:
    """A web server on this machine's loopback address serving a folder: its base address."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "ehcp-2025.zip").write_bytes(_release_zip())
    (site / "timeliness_20_week.csv").write_bytes(TIMELINESS.read_bytes())

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_official_takes_a_release_zip_from_an_address(
    run: Any, engine: Engine, web: str
) -> None:
    status, said, _ = run("import-official", f"{web}/ehcp-2025.zip", "--format", "json")

    assert status == 0, said
    reports = json.loads(said)
    assert sorted(r["file"] for r in reports) == ["caseload.csv", "timeliness_20_week.csv"]
    assert all(r["ok"] and r["batch_id"] for r in reports)
    assert _official_batches(engine).height == 2


def test_import_official_from_an_address_supersedes_the_copy_held(
    run: Any, engine: Engine, web: str, tmp_path: Path
) -> None:
    assert run("import-official", str(TIMELINESS))[0] == 0

    status, said, _ = run("import-official", f"{web}/timeliness_20_week.csv", "--format", "json")

    assert status == 0, said
    report = json.loads(said)
    # the same release again: every row it stored before is superseded by the new batch
    assert report["rows_added"] == report["rows_superseded"] > 0


def test_a_wrong_address_or_path_is_refused_with_what_to_do(
    run: Any, engine: Engine, web: str
) -> None:
    status, _, said = run("import-official", f"{web}/no-such-file.csv")
    assert status == 2
    assert "answered 404" in said and "download the file" in said

    status, _, said = run("import-official", "/nowhere/at/all.csv")
    assert status == 2
    assert "There is no file or folder at /nowhere/at/all.csv" in said
    assert _official_batches(engine).height == 0
