"""Official statistics in: the DfE's own files become comparator rows, exactly as published.

Every expected figure is read from the DfE files shipped in seed_data/official/ with the
standard csv module (see `published`), or written out by hand from them in a comment. The files
go through the one upload path: validation, a batch in the audit, supersession and roll back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REFERENCE
from sqlalchemy.engine import Engine

from metrics import api, cli, glossary, official, registry
from metrics.db import store

TODAY = dt.date(2026, 11, 28)
REG = registry.load()
EES = REFERENCE / "ees-ehc-plans-2025"
TIMELINESS = EES / "timeliness_20_week.csv"
CASELOAD = EES / "caseload.csv"
LAIT = REFERENCE / "lait" / "lait_send_measures_all_las.csv"
CITY = "E09000001"
EXCL, INCL = "ehc_20wk_excl_exceptions", "ehc_20wk_incl_exceptions"


def published(path: Path, **match: str) -> list[dict[str, str]]:
    """The rows of a reference file whose columns hold the given values, as published."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f) if all(r[k] == v for k, v in match.items())]


def load(engine: Engine, path: Path, **kw: Any) -> official.OfficialReport:
    report = official.import_file(
        engine, path.read_bytes(), path.name, kw.pop("reg", REG), user="analyst@test",
        today=TODAY, **kw,
    )  # fmt: skip
    assert report.ok, report.problems
    return report


def stored(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return store.read_active(conn, "official_values").to_dicts()


def one(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def batches(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return store.read_batches(conn).to_dicts()


# --------------------------------------------------------------------------------------------
# The EES timeliness file: exactly the official values
# --------------------------------------------------------------------------------------------

HEADLINE = {"breakdown_topic": "All EHC plans issued", "breakdown": "All EHC plans issued"}


def test_timeliness_gives_exactly_the_official_values(engine: Engine) -> None:
    load(engine, TIMELINESS)
    rows = stored(engine)

    # City of London 2023: 5 of 5 plans within 20 weeks leaving out exceptions (100%)
    (city_2023,) = published(TIMELINESS, new_la_code=CITY, time_period="2023", **HEADLINE)
    got = one(rows, indicator_id=EXCL, period="2023", area_code=CITY)
    assert (got["numerator"], got["denominator"], got["value"]) == (5, 5, 100)
    assert got["numerator"] == float(city_2023["plans_issued_20_weeks_ex"])
    assert got["denominator"] == float(city_2023["plans_issued_den_ex"])
    assert got["value"] == float(city_2023["PC_plans_issued_20_weeks_ex"])

    # England 2024 leaving out exceptions: 39,407 of 84,866 (46.4%)
    (england_2024,) = published(
        TIMELINESS, geographic_level="National", time_period="2024", **HEADLINE
    )
    got = one(rows, indicator_id=EXCL, period="2024", geographic_level="national")
    assert (got["numerator"], got["denominator"], got["value"]) == (39_407, 84_866, 46.4)
    assert got["numerator"] == float(england_2024["plans_issued_20_weeks_ex"])
    assert got["value"] == float(england_2024["PC_plans_issued_20_weeks_ex"])
    assert (got["area_code"], got["area"]) == ("E92000001", "England")

    # City of London 2024: every plan had an exception, so the rate leaving them out is 'x'
    # (0 plans counted): not available, never 0% and never 100%
    (city_2024,) = published(TIMELINESS, new_la_code=CITY, time_period="2024", **HEADLINE)
    assert city_2024["PC_plans_issued_20_weeks_ex"] == "x"
    got = one(rows, indicator_id=EXCL, period="2024", area_code=CITY)
    assert got["value"] is None
    assert got["symbol"] == "x"
    assert official.symbol_meaning(got["symbol"]) == "not available"
    assert got["denominator"] == 0  # as published: no plan without an exception
    # ...while the rate including exceptions is 4 of 5 (80%)
    got = one(rows, indicator_id=INCL, period="2024", area_code=CITY)
    assert (got["numerator"], got["denominator"], got["value"]) == (4, 5, 80)


def test_every_headline_row_is_imported_once_per_indicator(engine: Engine) -> None:
    report = load(engine, TIMELINESS)

    headline = published(TIMELINESS, **HEADLINE)  # England, 9 regions, every LA, 2019-2024
    rows = stored(engine)
    for indicator in (EXCL, INCL):
        assert sum(r["indicator_id"] == indicator for r in rows) == len(headline)
    assert report.indicators == [EXCL, INCL]
    assert report.periods == sorted(
        f"{i}|{year}|ees" for i in (EXCL, INCL) for year in range(2019, 2025)
    )
    (batch,) = batches(engine)
    assert (batch["dataset"], batch["file_name"]) == ("official_values", "timeliness_20_week.csv")
    assert batch["row_count"] == 2 * len(headline)
    assert batch["uploaded_by"] == "analyst@test"


def test_the_london_region_and_the_period_codes_map_onto_our_labels(engine: Engine) -> None:
    load(engine, TIMELINESS)
    rows = stored(engine)

    (london,) = published(
        TIMELINESS, geographic_level="Regional", region_code="E12000007", time_period="2019",
        **HEADLINE,
    )  # fmt: skip
    got = one(rows, indicator_id=INCL, period="2019", area_code="E12000007")
    assert got["area"] == london["region_name"] == "London"
    assert got["value"] == float(london["pc_plans_issued_within_20_weeks"])
    # the calendar year 2019 is the period '2019'
    assert {r["period"] for r in rows} == {"2019", "2020", "2021", "2022", "2023", "2024"}


def test_caseload_gives_city_of_london_14_plans_in_2019_to_26_in_2025(engine: Engine) -> None:
    load(engine, CASELOAD)
    rows = [r for r in stored(engine) if r["area_code"] == CITY]

    # academic year 201819's January census is January 2019: period '2019-01', and so on
    expected = {
        f"20{r['time_period'][4:]}-01": float(r["ehcplans"])
        for r in published(CASELOAD, new_la_code=CITY, breakdown_topic="All EHC plans")
    }
    got = {r["period"]: r["value"] for r in rows}
    assert got == expected
    assert got["2019-01"] == 14
    assert got["2025-01"] == 26
    assert sorted(got) == [f"{y}-01" for y in range(2019, 2026)]
    assert {r["indicator_id"] for r in rows} == {"active_ehc_plans"}


# --------------------------------------------------------------------------------------------
# LAIT
# --------------------------------------------------------------------------------------------


def _area(row: dict[str, Any]) -> str:
    """England, a region by ONS code, or an authority by its DfE number: in either file."""
    if row["geographic_level"] == "national":
        return "England"
    return row["area_code"] if row["geographic_level"] == "regional" else row["old_la_code"]


def test_lait_imports_and_agrees_with_ees_where_they_overlap(engine: Engine) -> None:
    load(engine, TIMELINESS)
    load(engine, LAIT)
    rows = stored(engine)

    ees = {(r["indicator_id"], r["period"], _area(r)): r for r in rows if r["source"] == "ees"}
    lait = {(r["indicator_id"], r["period"], _area(r)): r for r in rows if r["source"] == "lait"}
    overlap = ees.keys() & lait.keys()
    # every EES row (2 indicators x 970 headline rows) has its LAIT twin
    assert len(overlap) == len(ees) == 2 * len(published(TIMELINESS, **HEADLINE))
    for key in overlap:
        a, b = ees[key]["value"], lait[key]["value"]
        if a is None or b is None:
            assert a is None and b is None, key  # missing in one, missing in the other
        else:
            assert a == pytest.approx(b, abs=0.05), key  # EES rounds to one decimal place
    # LAIT goes back further: 2016 to 2018 have no EES twin
    assert {p for (_, p, _) in lait.keys() - ees.keys() if p < "2019"} == {"2016", "2017", "2018"}


def test_lait_city_of_london_2024_leaving_out_exceptions_is_missing_with_its_dash(
    engine: Engine,
) -> None:
    load(engine, LAIT)
    rows = stored(engine)

    (published_row,) = published(
        LAIT, **{"Short Desc": "SEN_EHC_Excpt_20wks", "Years": "2024", "LA Number": "201.0"}
    )
    assert published_row["Values"] == "-"
    got = one(rows, indicator_id=EXCL, period="2024", old_la_code="201")
    assert got["value"] is None
    assert got["symbol"] == "-"
    assert official.symbol_meaning("-") == "no figure published"
    # the tribunal appeal rate, 2023: 8.3% as LAIT stores it (8.3000000000000007)
    got = one(rows, indicator_id="tribunal_appeal_rate", period="2023", old_la_code="201")
    assert got["value"] == pytest.approx(8.3)


def test_lait_england_and_regions_get_their_ons_codes(engine: Engine) -> None:
    load(engine, LAIT)
    rows = stored(engine)

    england = one(rows, indicator_id=INCL, period="2024", geographic_level="national")
    assert (england["area_code"], england["area"], england["value"]) == (
        "E92000001", "England", 45.9,
    )  # fmt: skip
    london = one(rows, indicator_id=INCL, period="2024", area_code="E12000007")
    assert london["area"] == "London"
    # London's inner and outer halves are regional rows with no ONS region code
    halves = [
        r for r in rows
        if r["indicator_id"] == INCL and r["period"] == "2024" and r["area"].startswith("London (")
    ]  # fmt: skip
    assert sorted(r["area"] for r in halves) == ["London (Inner)", "London (Outer)"]
    assert all(r["area_code"] is None for r in halves)


def test_the_lait_region_codes_are_the_ones_the_ees_files_give() -> None:
    pairs = {
        (r["region_name"].casefold(), r["region_code"])
        for r in published(TIMELINESS, geographic_level="Regional", **HEADLINE)
    }
    assert set(official.LAIT_REGION_CODES.items()) == pairs


# --------------------------------------------------------------------------------------------
# Symbols and malformed files
# --------------------------------------------------------------------------------------------

EES_HEADER = TIMELINESS.read_text(encoding="utf-8-sig").splitlines()[0].split(",")


def ees_file(*rows: dict[str, str]) -> bytes:
    """A small timeliness file with the real header: every other cell as `base` has it."""
    base = {name: "x" for name in EES_HEADER} | {
        "time_period": "2024", "time_identifier": "Calendar year",
        "geographic_level": "Local authority", "country_code": "E92000001",
        "country_name": "England", "region_code": "E12000007", "region_name": "London",
        **HEADLINE,
        "plans_issued_den": "10", "plans_issued_within_20_weeks": "5",
        "pc_plans_issued_within_20_weeks": "50", "plans_issued_den_ex": "10",
        "plans_issued_20_weeks_ex": "5", "PC_plans_issued_20_weeks_ex": "50",
    }  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EES_HEADER, lineterminator="\n")
    writer.writeheader()
    for n, row in enumerate(rows):
        code = {"new_la_code": f"E09{900 + n:06d}", "old_la_code": f"{900 + n}"}
        writer.writerow(base | code | {"la_name": f"Area {n}"} | row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# The meaning of each symbol, as the Government Statistical Service publishes it.
SYMBOL_MEANINGS = {
    "x": "not available",
    "z": "not applicable",
    "c": "confidential: withheld to protect privacy",
    "low": "rounds to zero, but is not zero",
    "u": "low reliability, so not published",
    ":": "not available",  # older files
    "~": "rounds to zero, but is not zero",  # older files
}


def test_every_gss_symbol_becomes_missing_with_its_meaning_never_a_zero(engine: Engine) -> None:
    symbols = [*SYMBOL_MEANINGS, "[c]", "LOW"]  # the bracketed form and any case are read too
    content = ees_file(*({"PC_plans_issued_20_weeks_ex": s} for s in symbols))
    report = official.import_file(engine, content, "t.csv", REG, user="t", today=TODAY)
    assert report.ok, report.problems

    rows = [r for r in stored(engine) if r["indicator_id"] == EXCL]
    by_area = {r["area"]: r for r in rows}
    for n, symbol in enumerate(symbols):
        got = by_area[f"Area {n}"]
        canonical = symbol.strip("[]").lower()
        assert got["value"] is None, symbol
        assert got["symbol"] == canonical
        assert official.symbol_meaning(got["symbol"]) == SYMBOL_MEANINGS[canonical]
        assert (got["numerator"], got["denominator"]) == (5, 10)  # the counts, as published


def _problems(content: bytes, name: str = "t.csv", **kw: Any) -> list[tuple[Any, ...]]:
    report = official.import_file(
        api.engine("sqlite://"), content, name, REG, user="t", today=TODAY, **kw
    )
    assert not report.ok
    return report.problems.select("row", "column", "problem").rows()


MALFORMED = [
    pytest.param(
        ees_file({"PC_plans_issued_20_weeks_ex": "n/a"}),
        (2, "PC_plans_issued_20_weeks_ex", "This is neither a number nor a statistical symbol."),
        id="a cell that is neither a number nor a symbol",
    ),
    pytest.param(
        ees_file({}, {"plans_issued_den": ""}),
        (
            3,
            "plans_issued_den",
            "This cell is blank; an official file marks a missing figure with a symbol.",
        ),
        id="a blank cell",
    ),
    pytest.param(
        ees_file({"plans_issued_20_weeks_ex": "11"}),
        (
            2,
            "plans_issued_20_weeks_ex",
            "The numerator is greater than the denominator (plans_issued_den_ex).",
        ),
        id="a numerator over its denominator",
    ),
    pytest.param(
        ees_file({"time_period": "202425"}),
        (2, "time_period", "This time period code does not match its time identifier."),
        id="an academic-year code in a calendar-year row",
    ),
    pytest.param(
        ees_file({"time_identifier": "Spring term"}),
        (2, "time_identifier", "This time identifier is not one we can read."),
        id="a time identifier that is not a year",
    ),
    pytest.param(
        ees_file({"time_period": "202425", "time_identifier": "Academic year"}),
        (
            2,
            "time_identifier",
            "ehc_20wk_excl_exceptions is measured by calendar year, so "
            "figures by this kind of year cannot be compared with it.",
        ),
        id="academic years for a calendar-year indicator",
    ),
    pytest.param(
        ees_file(
            {"la_name": "Twice"},
            {"la_name": "Twice", "new_la_code": "E09000900", "old_la_code": "900"},
        ),
        (
            2,
            "area",
            "ehc_20wk_excl_exceptions has more than one row for this area and period (rows 2, 3).",
        ),
        id="the same area twice in a period",
    ),
    pytest.param(
        ees_file({"breakdown_topic": "Sex"}),
        (
            None,
            "breakdown_topic, breakdown",
            "No row of the file has breakdown_topic = All EHC "
            "plans issued, breakdown = All EHC plans issued, which the registry picks for "
            "ehc_20wk_excl_exceptions.",
        ),
        id="no headline rows",
    ),
]


@pytest.mark.parametrize(("content", "expected"), MALFORMED)
def test_a_malformed_official_file_is_refused_with_a_clear_report(
    content: bytes, expected: tuple[Any, ...]
) -> None:
    assert expected in _problems(content)


def test_a_file_missing_a_tidy_format_column_is_refused() -> None:
    text = ees_file({}).decode("utf-8-sig").replace("time_identifier", "time_id", 1)
    problems = _problems(text.encode("utf-8"))
    missing = "A column every Explore Education Statistics file has is missing."
    assert (1, "time_identifier", missing) in problems


def test_a_file_no_comparator_reads_is_refused_and_names_what_the_registry_reads() -> None:
    content = (EES / "work_based_placements.csv").read_bytes()
    report = official.import_file(
        api.engine("sqlite://"), content, "work_based_placements.csv", REG, user="t", today=TODAY
    )
    (problem,) = report.problems.to_dicts()
    assert problem["problem"] == (
        "No indicator in the registry takes its comparator from this file's columns."
    )
    assert (
        "timeliness_20_week.csv (breakdown_topic, breakdown, plans_issued_20_weeks_ex"
        in (problem["fix"])
    )


@pytest.mark.parametrize(
    ("content", "kind", "expected"),
    [
        (b"case_ref,plan\nA,1\n", None, "This is neither an Explore Education Statistics file"),
        (LAIT.read_bytes(), "ees", "This looks like a LAIT file, not ees."),
        (b"%PDF-1.4 ...", None, "This file is a PDF document, not a CSV or Excel spreadsheet."),
        (
            b"Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
            b"SEN_AppealableDec,,20x4,Barnet,1.9,302.0,Outer London\n",
            None,
            "This is not a year.",
        ),
        (
            b"Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
            b"SEN_TotStat,,2024,Barnet,1.9,302.0,Outer London\n",
            None,
            "No indicator in the registry takes its comparator from the measures in this file.",
        ),
    ],
    ids=["not official", "the wrong kind", "not a table", "a LAIT year", "an unused measure"],
)
def test_files_that_are_not_what_they_claim_are_refused(
    content: bytes, kind: str | None, expected: str
) -> None:
    problems = _problems(content, kind=kind)
    assert any(p[2].startswith(expected) for p in problems), problems


def test_a_refused_file_stores_nothing(engine: Engine) -> None:
    with engine.connect() as conn:
        before = store.table_digest(conn)
    report = official.import_file(
        engine, ees_file({"plans_issued_den": "lots"}), "t.csv", REG, user="t", today=TODAY
    )
    assert not report.ok
    with engine.connect() as conn:
        assert store.table_digest(conn) == before


# --------------------------------------------------------------------------------------------
# The upload path: supersession, roll back, seed, CLI
# --------------------------------------------------------------------------------------------


def test_reimporting_supersedes_only_that_kind_of_file_and_roll_back_restores(
    engine: Engine,
) -> None:
    first = load(engine, TIMELINESS)
    load(engine, LAIT)
    again = load(engine, TIMELINESS)
    assert first.stored and again.stored

    # the second EES import replaces the first one's rows (2 indicators x 970), not LAIT's
    assert again.stored.rows_superseded == first.stored.rows_added
    assert again.stored.superseded_batches == [first.stored.batch_id]
    rows = stored(engine)
    assert {r["batch_id"] for r in rows if r["source"] == "ees"} == {again.stored.batch_id}
    assert sum(r["source"] == "lait" for r in rows) > 0
    statuses = {b["id"]: b["status"] for b in batches(engine)}
    assert statuses[first.stored.batch_id] == "superseded"

    with store.write_transaction(engine) as conn:
        restored = store.rollback(conn, again.stored.batch_id, by="analyst@test")
    assert restored == [first.stored.batch_id]
    assert {r["batch_id"] for r in stored(engine) if r["source"] == "ees"} == {
        first.stored.batch_id
    }


def test_a_dry_run_checks_the_file_and_stores_nothing(engine: Engine) -> None:
    report = load(engine, CASELOAD, dry_run=True)
    assert report.stored is None
    assert report.periods == [f"active_ehc_plans|{y}-01|ees" for y in range(2019, 2026)]
    assert batches(engine) == []


def test_the_seed_imports_the_comparators_once(tmp_path: Path) -> None:
    eng = api.engine(f"sqlite:///{tmp_path / 'seed.sqlite3'}")
    first = [r for r in api.seed(eng) if r.dataset == "official_values"]
    assert sorted(r.file_name for r in first) == [
        "caseload.csv", "lait_send_measures_all_las.csv", "timeliness_20_week.csv",
    ]  # fmt: skip
    assert all(r.ok and r.stored for r in first)
    indicators = {r["indicator_id"] for r in stored(eng)}
    assert indicators == {EXCL, INCL, "active_ehc_plans", "tribunal_appeal_rate"}

    again = [r for r in api.seed(eng) if r.dataset == "official_values"]
    assert all(r.already_loaded_batch is not None and r.stored is None for r in again)


def test_the_command_line_imports_an_official_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert cli.main(["--database", url, "import-official", str(CASELOAD), "--dry-run"]) == 0
    assert "Dry run: nothing was stored." in capsys.readouterr().out

    assert cli.main(["--database", url, "import-official", str(CASELOAD)]) == 0
    assert "caseload.csv: stored 1134 official rows (EES) as batch 1 for active_ehc_plans" in (
        capsys.readouterr().out
    )  # 7 years x (England + 9 regions + every authority): the 1,134 'All EHC plans' rows
    assert len(published(CASELOAD, breakdown_topic="All EHC plans")) == 1134

    bad = tmp_path / "bad.csv"
    bad.write_bytes(ees_file({"plans_issued_den": "lots"}))
    assert cli.main(["--database", url, "import-official", str(bad), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"][0]["column"] == "plans_issued_den"


# --------------------------------------------------------------------------------------------
# A comparator for a new indicator is a registry edit, not code
# --------------------------------------------------------------------------------------------

WORK_PLACEMENTS = """
[[indicators]]
id = "ehc_work_placements"
priority = "context"
measure = "young people with an EHC plan in supported internships and apprenticeships"
title = "Young people with an EHC plan in a work-based placement"
description = "Supported internships, apprenticeships and traineeships."
type = "count"
unit = "count"
polarity = "none"
period_type = "academic_year"
update_frequency = "annually"
methodology = "From the SEN2 return."

[indicators.source]
dataset = "indicator_values"

[[indicators.comparators]]
kind = "ees"
file = "work_based_placements.csv"
filters = { breakdown_topic = "All work based placements", breakdown = "All work based placements" }
value = "open_wbp"
"""


def test_a_comparator_for_a_new_indicator_is_a_registry_edit(engine: Engine) -> None:
    edited = registry.load_text(
        registry.REGISTRY_PATH.read_text(encoding="utf-8") + WORK_PLACEMENTS
    )
    load(engine, EES / "work_based_placements.csv", reg=edited)

    rows = stored(engine)
    (england,) = published(
        EES / "work_based_placements.csv", geographic_level="National",
        breakdown_topic="All work based placements",
    )  # fmt: skip
    got = one(rows, geographic_level="national")
    # academic year 202425 is the period 2024/25; 4,376 young people in England
    assert (got["period"], got["value"]) == ("2024/25", float(england["open_wbp"]))
    assert got["value"] == 4376


def test_the_glossary_explains_the_official_sources_and_symbols() -> None:
    assert glossary.spell_out("EES") == "Explore Education Statistics (EES)"
    assert glossary.spell_out("LAIT") == "Local Authority Interactive Tool (LAIT)"
    (symbols,) = [t for t in glossary.terms() if t.term == "Statistical symbols"]
    assert "never a zero" in symbols.definition
