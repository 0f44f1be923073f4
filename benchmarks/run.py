"""Performance benchmarks: ingest, compute, page render and browser time at England scale.

    uv run python benchmarks/run.py [--rows N] [--skip-browser] [--database URL]

Generates the synthetic data (benchmarks/generate.py) if it is not there yet, then runs each
measurement in a child process of its own, so that each peak memory figure (the child's
maximum resident set size) belongs to that measurement alone. Prints a table (measure, figure,
target, met?) and writes every figure, with the machine it came from, to
benchmarks/out/results.json. The SQLite databases are made afresh in benchmarks/out/;
`--database` also runs the storage, compute and page measurements on that PostgreSQL database,
which is EMPTIED first (its name must not be `test`, which the test suite uses).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# the tests' harness serves the app and launches Chromium the same way for the benchmarks
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests")]

import generate  # noqa: E402
from app_support import switch_to  # noqa: E402
from browser_support import CHROMIUM_ARGS, serving  # noqa: E402
from conftest import CHROMIUM  # noqa: E402

OUT = HERE / "out"
RESULTS = OUT / "results.json"
DATASET = "ehc_requests"
RUN_TIMEOUT = 600  # seconds an AppTest run may take (the first at full scale computes)
PAGE_TIMEOUT_MS = 300_000

# Targets from issue 8.
VALIDATE_VS_READ_CSV = 3.0  # read + validate within 3x of a bare polars.read_csv
VS_PYDANTIC = 20.0  # at least 20x faster than validating row by row with pydantic
COMPUTE_SECONDS = 2.0
PAGE_DEMO_SECONDS = 0.5
PAGE_FULL_SECONDS = 2.0
PEAK_MB = 1500.0

# The pages, by address, with the query string a visitor would bring (the indicator page
# opens one indicator at one period). Every priority is one page file at its own address.
PAGES = {
    "overview": "",
    "priority-1": "",
    "priority-2": "",
    "priority-3": "",
    "priority-4": "",
    "priority-5": "",
    "action-plan": "",
    "indicator": "indicator=ehc_20wk_excl_exceptions&period=2023",
    "population": "",
    "about": "",
    "upload": "",
    "data-audit": "",
}


# --------------------------------------------------------------------------- helpers


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return sqlite_url(path)


def reset_database(url: str) -> None:
    """Empty a database (PostgreSQL) so that the measurement starts from nothing."""
    if url.startswith("sqlite"):
        fresh_sqlite(Path(url.removeprefix("sqlite:///")))
        return
    import sqlalchemy as sa

    from metrics.db.tables import metadata

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


# --------------------------------------------------------------------------- measurements
# Each runs in a child process and returns a dict of figures (JSON-able).


def measure_validate(params: dict[str, Any]) -> dict[str, Any]:
    """polars.read_csv of the file against the real read + validate, interleaved, best of 3."""
    import polars as pl

    from metrics import api, ingest

    content = (OUT / f"{DATASET}.csv").read_bytes()
    reg = api.registry()
    read_csv, check = [], []
    for _ in range(params.get("repeats", 3)):
        read_csv.append(timed(lambda: pl.read_csv(content))[0])
        seconds, (report, _) = timed(
            lambda: ingest.check_file(DATASET, content, "ehc_requests.csv", reg, today=api.today())
        )
        check.append(seconds)
        if not report.ok:
            raise RuntimeError(f"the benchmark file has problems: {report.problems.head()}")
    return {
        "rows": report.rows_read,
        "bytes": len(content),
        "read_csv_seconds": read_csv,
        "check_file_seconds": check,
        "read_csv_best": min(read_csv),
        "check_file_best": min(check),
        "peak_mb": peak_mb(),
    }


def measure_ingest(params: dict[str, Any]) -> dict[str, Any]:
    """The real upload path, once: read + validate, then store in one transaction."""
    from metrics import api, ingest
    from metrics.db import store

    url = params["url"]
    reset_database(url)
    eng = api.engine(url)
    reg = api.registry()
    content = (OUT / f"{DATASET}.csv").read_bytes()
    validate_s, (report, result) = timed(
        lambda: ingest.check_file(DATASET, content, f"{DATASET}.csv", reg, today=api.today())
    )
    assert report.ok and result is not None
    validate_peak = peak_mb()
    meta = store.BatchMeta(DATASET, "benchmark", f"{DATASET}.csv", report.sha256)

    def write() -> store.WriteResult:
        with store.write_transaction(eng) as conn:
            return store.write_batch(conn, meta, result.rows)

    store_s, written = timed(write)
    return {
        "rows": written.rows_added,
        "validate_seconds": validate_s,
        "store_seconds": store_s,
        "validate_peak_mb": validate_peak,
        "peak_mb": peak_mb(),
    }


def measure_load_rest(params: dict[str, Any]) -> dict[str, Any]:
    """Every other dataset through the same path (one upload each), into the same database."""
    from metrics import api, ingest

    eng = api.engine(params["url"])
    reg = api.registry()
    figures = {}
    for path in sorted(OUT.glob("*.csv")):
        if path.stem == DATASET:
            continue
        seconds, report = timed(
            lambda p=path: ingest.ingest(
                eng, p.stem, p.read_bytes(), p.name, reg, user="benchmark", today=api.today()
            )
        )
        if not report.ok:
            raise RuntimeError(f"{path.name} has problems: {report.problems.head()}")
        figures[path.stem] = {"rows": report.rows_read, "seconds": seconds}
    return {"datasets": figures, "peak_mb": peak_mb()}


def measure_compute(params: dict[str, Any]) -> dict[str, Any]:
    """Every indicator, every period and breakdown, from the database, in a fresh process."""
    from metrics import api
    from metrics import compute as calculators
    from metrics.db.tables import computed_results

    eng = api.engine(params["url"])
    with eng.begin() as conn:  # results stored by an earlier run would be read, not worked out
        conn.execute(computed_results.delete())
    reg = api.registry()
    today = api.today()
    # the first call pays for importing and planning as a freshly started server would
    total, results = timed(lambda: api.compute(eng, reg, on=today))
    first_peak = peak_mb()
    read, frames = timed(
        lambda: {k: v.collect().lazy() for k, v in api.load_frames(eng, reg).items()}
    )
    calculate, _ = timed(lambda: calculators.compute_all(frames, reg, today=today))
    again, _ = timed(lambda: api.compute(eng, reg, on=today))
    # what an upload adds to store them, and what a page then pays to read them back
    store_results, _ = timed(lambda: api.results(eng, reg, on=today))
    stored_read, stored = timed(lambda: api.results(eng, reg, on=today))
    assert stored.equals(results)
    with eng.connect() as conn:
        from metrics.db import store

        rows = {name: int(n) for name, n in store.active_row_counts(conn).items()}
    return {
        "seconds": total,
        "read_seconds": read,
        "calculate_seconds": calculate,
        "second_call_seconds": again,
        "work_out_and_store_seconds": store_results,
        "stored_read_seconds": stored_read,
        "result_rows": results.height,
        "indicators": len(reg.indicators),
        "stored_rows": rows,
        "peak_mb": first_peak,
    }


def measure_pydantic(params: dict[str, Any]) -> dict[str, Any]:
    """The same rows validated one at a time with a pydantic model of an ehc_requests row."""
    from pydantic import ValidationError

    model = pydantic_model(dt.date.today())
    text = (OUT / f"{DATASET}.csv").read_bytes().decode("utf-8")

    def run() -> tuple[int, int]:
        good, bad, seen = [], 0, set()
        for row in csv.DictReader(io.StringIO(text)):
            try:
                record = model.model_validate(row)
            except ValidationError:
                bad += 1
                continue
            if record.case_ref in seen:
                bad += 1
            seen.add(record.case_ref)
            good.append(record)
        return len(good), bad

    seconds, (good, bad) = timed(run)
    return {"rows": good + bad, "problems": bad, "seconds": seconds, "peak_mb": peak_mb()}


def pydantic_model(today: dt.date) -> type:
    """A fair pydantic model of one ehc_requests row: the same checks the vectorised
    validation makes (types, allowed values, UK or ISO dates neither too early nor in the
    future, the age range, required cells, reference length, and the cross-column rules)."""
    from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, model_validator

    earliest = dt.date(1990, 1, 1)

    def a_date(value: object) -> dt.date | None:
        if value in ("", None):
            return None
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                day = dt.datetime.strptime(str(value).strip(), fmt).date()
            except ValueError:
                continue
            if not earliest <= day <= today:
                raise ValueError("date out of range")
            return day
        raise ValueError("not a date")

    def required(value: object) -> object:
        if value in ("", None):
            raise ValueError("required")
        return value

    Date = Annotated[dt.date | None, BeforeValidator(a_date)]
    RequiredDate = Annotated[dt.date, BeforeValidator(required), BeforeValidator(a_date)]
    YesNo = Literal["yes", "no"]

    class EhcRequest(BaseModel):
        case_ref: Annotated[str, StringConstraints(min_length=1, max_length=40)]
        request_received_date: RequiredDate
        request_decision_date: Date
        request_outcome: Literal["assess", "not_assess", "withdrawn", "pending"]
        assessment_outcome: Literal["plan_issued", "not_issued", "withdrawn", "pending"]
        plan_issued_date: Date
        exception_20_weeks: YesNo
        mediation_or_tribunal: YesNo
        age_at_request: int = Field(ge=0, le=25)
        sex: Literal["female", "male", "other", "not_known"]
        ethnic_group: Literal[
            "white", "mixed", "asian", "black", "chinese", "any_other", "not_known"
        ]
        primary_need: Literal[
            "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD",
            "OTH", "NSA",
        ]  # fmt: skip
        waiting_support_offered: YesNo

        @model_validator(mode="after")
        def _rules(self) -> EhcRequest:
            received, decided, issued = (
                self.request_received_date, self.request_decision_date, self.plan_issued_date
            )  # fmt: skip
            if issued and issued < received:
                raise ValueError("plan before request")
            if decided and decided < received:
                raise ValueError("decision before request")
            if issued and decided and issued < decided:
                raise ValueError("plan before decision")
            if (self.assessment_outcome == "plan_issued") != (issued is not None):
                raise ValueError("plan date and outcome disagree")
            if self.request_outcome in ("not_assess", "withdrawn") and issued is not None:
                raise ValueError("plan without assessment")
            return self

    return EhcRequest


def measure_pages(params: dict[str, Any]) -> dict[str, Any]:
    """Server-side render time of each page with Streamlit's AppTest.

    One AppTest session first opens every page once, as a server that has been running for a
    while has (its modules are imported). Then it visits every page in turn: the cached results
    are cleared first, so the first visit ("after an upload") computes every indicator from
    the database and builds that page's charts; the second visit is what everyone after that
    sees.
    """
    os.environ["MEASURES_DATABASE_URL"] = params["url"]
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=RUN_TIMEOUT)

    def open_page(page: str) -> None:
        switch_to(at, page)
        at.query_params.clear()
        at.query_params.update(dict(p.split("=") for p in PAGES[page].split("&") if p))

    def warm_up() -> None:
        at.run()
        for page in PAGES:
            open_page(page)
            at.run()

    warm_up_seconds, _ = timed(warm_up)
    pages = {}
    for page in PAGES:
        st.cache_data.clear()
        open_page(page)
        first, _ = timed(at.run)
        errors = [e.message for e in at.exception]
        again, _ = timed(at.run)
        charts = len(at.get("vega_lite_chart"))
        pages[page] = {"first_visit": first, "next_visit": again, "errors": errors,
                       "charts": charts}  # fmt: skip
    return {"warm_up_seconds": warm_up_seconds, "pages": pages, "peak_mb": peak_mb()}


def process_peak_mb(pid: int) -> float | None:
    """Another process's peak resident memory (VmHWM), in MB, while it is running."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# Notes the moments the page's heading and its first chart (a canvas or SVG) appear, in
# milliseconds since navigation started.
FIRST_DRAWN_SCRIPT = """
new MutationObserver((_, observer) => {
  if (window.__heading === undefined && document.querySelector('[data-testid="stMain"] h1')) {
    window.__heading = performance.now();
  }
  if (document.querySelector('[data-testid="stVegaLiteChart"] :is(canvas, svg)')) {
    window.__firstChart = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


def measure_browser(params: dict[str, Any]) -> dict[str, Any]:
    """Headless Chromium: from navigation to the first chart drawn, for every page.

    A fresh server, then every page in turn (the first visit computes the results), then every
    page again. For a page with no chart (as the AppTest run of the same page found), the time
    until its heading appeared is given instead.
    """
    from playwright.sync_api import sync_playwright

    pages: dict[str, dict[str, Any]] = {}
    with serving(params["url"]) as (base, server), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for visit in ("first_visit", "next_visit"):
            for page_name, query in PAGES.items():
                tab = browser.new_page(viewport={"width": 1280, "height": 900})
                tab.add_init_script(FIRST_DRAWN_SCRIPT)
                address = f"{base}/{'' if page_name == 'overview' else page_name}"
                tab.goto(address + (f"?{query}" if query else ""))
                tab.wait_for_function(
                    "() => window.__heading !== undefined", timeout=PAGE_TIMEOUT_MS
                )
                entry = pages.setdefault(page_name, {"charts": params["charts"][page_name]})
                first_chart = None
                if entry["charts"]:
                    tab.wait_for_function(
                        "() => window.__firstChart !== undefined", timeout=120_000
                    )
                    first_chart = tab.evaluate("() => window.__firstChart") / 1000
                heading = tab.evaluate("() => window.__heading") / 1000
                entry[visit] = {"first_chart": first_chart, "heading": heading}
                tab.close()
        browser.close()
        server_peak = process_peak_mb(server.pid)
    return {"pages": pages, "server_peak_mb": server_peak, "peak_mb": peak_mb()}


MEASURES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "validate": measure_validate,
    "ingest": measure_ingest,
    "load_rest": measure_load_rest,
    "compute": measure_compute,
    "pydantic": measure_pydantic,
    "pages": measure_pages,
    "browser": measure_browser,
}


def child(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return its figures."""
    command = [sys.executable, __file__, "--child", name, "--params", json.dumps(params)]
    print(f"  {name} {params.get('label', '')}...", flush=True)
    load = os.getloadavg()[0]  # other work on the machine slows every figure: keep it with them
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["wall_seconds"] = time.perf_counter() - start
    figures["load_average_before"] = load
    return figures


# --------------------------------------------------------------------------- machine and table


def machine() -> dict[str, Any]:
    import polars as pl
    import sqlalchemy
    import streamlit

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )  # fmt: skip
    os_name = next(
        (line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text()
         .splitlines() if line.startswith("PRETTY_NAME=")),
        platform.system(),
    )  # fmt: skip
    import sqlite3

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": f"{os_name} (Linux {platform.release()})",
        "python": platform.python_version(),
        "polars": pl.__version__,
        "streamlit": streamlit.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": os.getloadavg(),
    }


def postgres_version(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        version = str(conn.execute(sa.text("SHOW server_version")).scalar())
    engine.dispose()
    return version


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, figure, target, met?) for every figure that has a target, and a few without."""
    rows: list[tuple[str, str, str, str]] = []
    n = results["rows"]
    v = results["validate"]
    ratio = v["check_file_best"] / v["read_csv_best"]
    rows.append((f"polars.read_csv, {n:,} ehc_requests rows ({v['bytes'] / 1e6:.0f} MB)",
                 f"{v['read_csv_best']:.2f} s", "", ""))  # fmt: skip
    rows.append(("read + validate (metrics.ingest.check_file)", f"{v['check_file_best']:.2f} s",
                 "", ""))  # fmt: skip
    met = verdict(ratio <= VALIDATE_VS_READ_CSV)
    rows.append(("  read + validate / read_csv", f"{ratio:.1f}x",
                 f"<= {VALIDATE_VS_READ_CSV:g}x", met))  # fmt: skip
    p = results["pydantic"]
    speedup = p["seconds"] / v["check_file_best"]
    rows.append(("pydantic, one row at a time (same rows, same checks)", f"{p['seconds']:.1f} s",
                 "", ""))  # fmt: skip
    rows.append(("  pydantic / read + validate", f"{speedup:.0f}x", f">= {VS_PYDANTIC:g}x",
                 verdict(speedup >= VS_PYDANTIC)))  # fmt: skip
    for db, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        if db not in results["databases"]:
            continue
        r = results["databases"][db]
        ing = r["ingest"]
        rows.append((f"[{label}] upload: read + validate", f"{ing['validate_seconds']:.2f} s",
                     "", ""))  # fmt: skip
        rows.append((f"[{label}] upload: store {ing['rows']:,} rows (one transaction)",
                     f"{ing['store_seconds']:.2f} s", "", ""))  # fmt: skip
        rows.append((f"[{label}] upload: peak memory", f"{ing['peak_mb']:.0f} MB",
                     f"< {PEAK_MB:g} MB", verdict(ing["peak_mb"] < PEAK_MB)))  # fmt: skip
        c = r["compute"]
        stored = sum(c["stored_rows"].values())
        rows.append((f"[{label}] compute every indicator from the database ({stored:,} rows)",
                     f"{c['seconds']:.2f} s", f"< {COMPUTE_SECONDS:g} s",
                     verdict(c["seconds"] < COMPUTE_SECONDS)))  # fmt: skip
        split = f"{c['read_seconds']:.2f} s / {c['calculate_seconds']:.2f} s"
        rows.append((f"[{label}]   of which reading the rows / calculating", split, "", ""))
        if "stored_read_seconds" in c:
            rows.append((f"[{label}] upload: work out and store every result",
                         f"{c['work_out_and_store_seconds']:.2f} s", "", ""))  # fmt: skip
            rows.append((f"[{label}] every result, read back from the store (what a page does)",
                         f"{c['stored_read_seconds']:.3f} s", f"< {COMPUTE_SECONDS:g} s",
                         verdict(c["stored_read_seconds"] < COMPUTE_SECONDS)))  # fmt: skip
        rows.append((f"[{label}] compute: peak memory", f"{c['peak_mb']:.0f} MB",
                     f"< {PEAK_MB:g} MB", verdict(c["peak_mb"] < PEAK_MB)))  # fmt: skip
        for scale, key, target in (("demo", "pages_demo", PAGE_DEMO_SECONDS),
                                   ("full scale", "pages_full", PAGE_FULL_SECONDS)):  # fmt: skip
            if key not in r:
                continue
            for page, f in r[key]["pages"].items():
                for visit in ("first_visit", "next_visit"):
                    words = "first visit" if visit == "first_visit" else "next visit"
                    ok = f[visit] < target and not f["errors"]
                    rows.append((f"[{label}] page {page} ({scale}, {words})",
                                 f"{f[visit]:.2f} s" + (" ERROR" if f["errors"] else ""),
                                 f"< {target:g} s", verdict(ok)))  # fmt: skip
            rows.append((f"[{label}] pages ({scale}): peak memory",
                         f"{r[key]['peak_mb']:.0f} MB", f"< {PEAK_MB:g} MB",
                         verdict(r[key]["peak_mb"] < PEAK_MB)))  # fmt: skip
    for scale, key in (("demo", "browser_demo"), ("full scale", "browser_full")):
        if key not in results:
            continue
        for page, f in results[key]["pages"].items():
            for visit in ("first_visit", "next_visit"):
                words = "first visit" if visit == "first_visit" else "next visit"
                chart = f[visit]["first_chart"]
                figure = (f"{chart:.2f} s to first chart" if chart is not None
                          else f"{f[visit]['heading']:.2f} s to heading (no chart)")  # fmt: skip
                rows.append((f"browser {page} ({scale}, {words})", figure, "", ""))
        peak = results[key].get("server_peak_mb")
        if peak:
            rows.append((f"browser ({scale}): Streamlit server peak memory", f"{peak:.0f} MB",
                         f"< {PEAK_MB:g} MB", verdict(peak < PEAK_MB)))  # fmt: skip
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in [("measure", "figure", "target", "met?"), *rows])
              for i in range(4)]  # fmt: skip
    for r in [("measure", "figure", "target", "met?"), tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


# --------------------------------------------------------------------------- main


def ensure_data(rows: int) -> None:
    manifest = OUT / "manifest.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("rows") == rows:
        return
    print(f"generating {rows:,} ehc_requests rows and the other datasets...", flush=True)
    generate.generate(rows, OUT)


def demo_database() -> str:
    """The demo data, seeded through the real upload path into benchmarks/out/demo.sqlite3."""
    from metrics import api
    from metrics.db import store

    url = fresh_sqlite(OUT / "demo.sqlite3")
    reports = api.seed(api.engine(url))
    bad = [r.dataset for r in reports if not r.ok]
    if bad:
        raise RuntimeError(f"the demo data did not load: {bad}")
    store.engine_for(url).dispose()
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="ehc_requests rows")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--database", help="also measure on this PostgreSQL URL (emptied!)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        figures = MEASURES[args.child](json.loads(args.params))
        print("RESULT " + json.dumps(figures))
        return
    if args.database and args.database.rstrip("/").rsplit("/", 1)[-1].split("?")[0] == "test":
        parser.error("the database `test` belongs to the test suite: create one for benchmarks")

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_data(args.rows)
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "rows": args.rows,
        "generated": json.loads((OUT / "manifest.json").read_text())["files"],
        "databases": {},
    }
    print("measuring:", flush=True)
    results["validate"] = child("validate", {})
    results["pydantic"] = child("pydantic", {})
    full_sqlite = sqlite_url(OUT / "full.sqlite3")
    demo = demo_database()
    targets = {"sqlite": full_sqlite}
    if args.database:
        targets["postgresql"] = args.database
        results["machine"]["postgresql"] = postgres_version(args.database)
    for db, url in targets.items():
        r: dict[str, Any] = {}
        r["ingest"] = child("ingest", {"url": url, "label": db})
        r["load_rest"] = child("load_rest", {"url": url, "label": db})
        r["compute"] = child("compute", {"url": url, "label": db})
        if db == "sqlite":
            r["pages_demo"] = child("pages", {"url": demo, "label": "demo"})
        r["pages_full"] = child("pages", {"url": url, "label": f"{db}, full scale"})
        results["databases"][db] = r
    if not args.skip_browser:
        if CHROMIUM.exists() and shutil.which(str(CHROMIUM)):
            for key, url in (("demo", demo), ("full", full_sqlite)):
                pages = results["databases"]["sqlite"][f"pages_{key}"]["pages"]
                charts = {page: f["charts"] for page, f in pages.items()}
                results[f"browser_{key}"] = child(
                    "browser", {"url": url, "label": key, "charts": charts}
                )
        else:
            print("  (no Chromium at /usr/bin/chromium: browser timings skipped)")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["total_seconds"] = time.perf_counter() - started
    rows = table_rows(results)
    results["table"] = [dict(zip(("measure", "figure", "target", "met"), r, strict=True))
                        for r in rows]  # fmt: skip
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    m = results["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}, "
          f"Python {m['python']}, polars {m['polars']}")  # fmt: skip
    print_table(rows)
    print(f"\n{RESULTS.relative_to(ROOT)} written; {results['total_seconds'] / 60:.1f} minutes.")


if __name__ == "__main__":
    main()
