"""Load and fault test: two app processes on one PostgreSQL database, ten viewers browsing and
two officers uploading at once, then an app process killed in the middle of storing an upload.

    .venv/bin/python benchmarks/load.py [--seconds 180] [--database URL] [--viewers 10]
        [--officers 2] [--fault-rows 200000] [--kill-after 1] [--skip-fault] [--seed 1]

Everything runs on this computer (127.0.0.1 only), and every loop is bounded by the time given
and a maximum count. This is a script that reports figures, never a timed test.

1. The database (default `postgresql+psycopg://postgres@127.0.0.1:5432/load`) is created if
   missing, EMPTIED, migrated and seeded with the demo data (`python -m metrics seed`). Its name
   may not be `test` (the test suite's) or `bench` (benchmarks/run.py's).
2. Two app processes, `python -m dashboard.serve` on two free ports of 127.0.0.1 (A and B), in
   local mode, their upload limit raised to fit the fault file when that is over 20 MB. One
   visit to each server's overview computes the results (a warm-up, not counted).
3. Load, for --seconds: headless Chromium (/usr/bin/chromium), one browser with a context per
   person. Each viewer opens random report pages (overview, priorities, Action Plan,
   indicator detail with ?indicator=..., population, meeting mode, about), alternating the two
   servers, pausing 1 to 3 seconds between pages. A page counts as served when, within 120
   seconds of navigating, its heading is shown, its script has finished and there is no error
   box on it; its time runs from navigation to then. Errors are counted by kind: an error box
   (the app failed) or a timeout (the app or the machine too slow). Meanwhile each officer
   uploads small distinct EHC request files through the upload page (choose the data, upload,
   wait for the preview, press Store), alternating the servers; when the other officer's upload
   lands between the preview and the press, the page works the preview out afresh and asks for
   the press again, and the script presses again. Then every upload is checked in the database:
   exactly one batch per file SHA-256, its row count and its stored rows equal to the file's
   rows, and one upload event in the audit log.
4. Fault: viewers keep browsing server B only. An officer uploads a large file (--fault-rows
   EHC requests, default 200,000) to server A and presses Store; once A's database session is
   copying the rows in (seen in pg_stat_activity) and --kill-after seconds later is still in
   that transaction, A is killed with SIGKILL. The database must then hold none of the batch or
   all of it (every batch's stored rows equal its row count, no rows without a batch, data
   tables unchanged when it holds none), and a small upload through B must be stored (no stale
   lock).
5. A table on screen and every figure in benchmarks/out/load.json, with the machine, its load
   average while the test ran (other work on the machine slows every figure) and the CPU time
   the app processes and the browser used; exit status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import generate  # noqa: E402
import run  # noqa: E402  (puts tests/ on the path: the app is served as the tests serve it)
from browser_support import free_port, make_run  # noqa: E402
from browser_support import wait_until_healthy as answers  # noqa: E402
from playwright.async_api import Error as PlaywrightError  # noqa: E402
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

OUT = run.OUT
WORK = OUT / "load"
RESULTS = OUT / "load.json"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/load"
RESERVED_DATABASES = ("test", "bench")
DATASET = "ehc_requests"
DATASET_TITLE = "EHC needs assessment requests"
STARTUP_SECONDS = 120
PAGE_TIMEOUT_MS = 120_000  # a page not served in this time counts as an error
UPLOAD_TIMEOUT_MS = 180_000
FAULT_TIMEOUT_MS = 900_000  # reading, validating and previewing the large file
MAX_VISITS = 10_000  # per viewer: bounds the loop whatever --seconds says
MAX_UPLOADS = 1_000  # per officer
MAX_CONFIRMS = 5  # presses of Store for one upload
CLICK_TIMEOUT_MS = 30_000
ROWS_PER_UPLOAD = 25
AFTER_KILL_SECONDS = 15  # viewers keep browsing B this long after the kill
DEFAULT_UPLOAD_MB = 20  # .streamlit/config.toml and metrics.settings

HEADING = '[data-testid="stMain"] h1'
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ERROR_BOX = '[data-testid="stException"]'
# The writer's COPY (readers copy *out* of the table, TO STDOUT).
WRITER_COPY = "COPY %data_ehc_requests% FROM STDIN%"


# --------------------------------------------------------------------------- records


@dataclass
class Visit:
    phase: str
    viewer: int
    server: str
    page: str
    seconds: float
    error: str | None = None


@dataclass
class Upload:
    phase: str
    officer: int
    server: str
    file_name: str
    sha256: str
    rows: int
    seconds: float | None = None
    batch_id: int | None = None
    presses: int = 0
    error: str | None = None
    stored_once: bool | None = None  # from the database, after the load phase


@dataclass
class Shared:
    """What the people's tasks share: where they may go, and what happened."""

    servers: dict[str, str]  # "A"/"B" -> base address
    viewer_servers: list[str]
    pages: tuple[list[str], list[str]]  # report pages, indicator ids
    phase: str = "load"
    stop_viewers: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: Counter[str] = field(default_factory=Counter)
    visits: list[Visit] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)


# --------------------------------------------------------------------------- database


def database_name(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).database or ""


def prepare_database(url: str) -> None:
    """Create the database if missing, empty it, then migrate and seed it as `make run` does."""
    import sqlalchemy as sa

    name = database_name(url)
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    run.reset_database(url)
    env = os.environ | {"MEASURES_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "seed"], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def plain_engine(url: str) -> Any:
    """An engine of this script's own, holding no connection between uses."""
    import sqlalchemy as sa

    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def verify_uploads(url: str, uploads: list[Upload]) -> None:
    """Each file: exactly one batch with its SHA-256, whose row count and stored rows equal the
    file's rows, and exactly one upload event in the audit log for it."""
    import sqlalchemy as sa

    from metrics.db.tables import DATA_TABLES, audit_events, batches

    table = DATA_TABLES[DATASET]
    engine = plain_engine(url)
    with engine.connect() as conn:
        for up in uploads:
            found = conn.execute(
                sa.select(batches.c.id, batches.c.row_count).where(
                    batches.c.dataset == DATASET, batches.c.sha256 == up.sha256
                )
            ).all()
            if len(found) != 1:
                up.stored_once = False
                up.error = up.error or f"{len(found)} batches hold this file"
                continue
            batch_id, row_count = found[0]
            stored = conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.batch_id == batch_id)
            ).scalar()
            events = conn.execute(
                sa.select(sa.func.count())
                .select_from(audit_events)
                .where(audit_events.c.action == "upload", audit_events.c.ref == str(batch_id))
            ).scalar()
            up.stored_once = row_count == up.rows and stored == up.rows and events == 1
            if up.batch_id is not None and up.batch_id != batch_id:
                up.stored_once = False
            if not up.stored_once:
                up.error = up.error or (
                    f"batch {batch_id}: row_count {row_count}, {stored} rows stored, "
                    f"{events} audit events, for a file of {up.rows} rows"
                )
    engine.dispose()


def consistency(url: str) -> dict[str, Any]:
    """Whether every batch has exactly its rows and every row its batch; and a fingerprint of
    the batches and data tables (the audit log is left out: sign-ins add to it)."""
    import sqlalchemy as sa

    from metrics.db.tables import DATA_TABLES, batches

    engine = plain_engine(url)
    fingerprint = hashlib.sha256()
    partial: list[dict[str, Any]] = []
    orphans = 0
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(batches.c.id, batches.c.dataset, batches.c.row_count).order_by(batches.c.id)
        ).all()
        ids = {r.id for r in rows}
        expected = {(r.dataset, r.id): r.row_count for r in rows}
        for table in (batches, *DATA_TABLES.values()):
            for row in conn.execute(sa.select(table).order_by(table.c.id)):
                fingerprint.update(repr(tuple(row)).encode())
        for name, table in DATA_TABLES.items():
            counts = dict(
                conn.execute(
                    sa.select(table.c.batch_id, sa.func.count()).group_by(table.c.batch_id)
                ).all()
            )
            for (dataset, batch_id), row_count in expected.items():
                if dataset == name and counts.get(batch_id, 0) != row_count:
                    partial.append({"batch": batch_id, "rows": counts.get(batch_id, 0),
                                    "row_count": row_count})  # fmt: skip
            orphans += sum(n for b, n in counts.items() if b not in ids)
            orphans += conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.superseded_by.is_not(None), table.c.superseded_by.not_in(ids))
            ).scalar()
    engine.dispose()
    return {"batches": len(ids), "partial_batches": partial, "orphan_rows": orphans,
            "fingerprint": fingerprint.hexdigest()}  # fmt: skip


def batches_with_hash(url: str, sha256: str) -> list[tuple[int, int]]:
    import sqlalchemy as sa

    from metrics.db.tables import batches

    engine = plain_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(batches.c.id, batches.c.row_count).where(batches.c.sha256 == sha256)
        ).all()
    engine.dispose()
    return [tuple(r) for r in found]  # type: ignore[misc]


def table_bytes(url: str) -> int:
    """The requests table's size on disk, indexes included: it grows with rows not yet
    committed, which no other session can see."""
    import sqlalchemy as sa

    engine = plain_engine(url)
    with engine.connect() as conn:
        size = conn.execute(sa.text("SELECT pg_total_relation_size(:t)"),
                            {"t": f"data_{DATASET}"}).scalar()  # fmt: skip
    engine.dispose()
    return int(size)


def wait_for_writer(url: str, seconds: float) -> dict[str, Any] | None:
    """Poll until a session copies rows into the requests table inside a transaction: its
    pid, how long its transaction has run and the table's size on disk."""
    import sqlalchemy as sa

    engine = plain_engine(url)
    query = sa.text(
        "SELECT a.pid, now() - a.xact_start, pg_total_relation_size(:t) FROM pg_stat_activity a "
        "WHERE a.datname = current_database() AND a.xact_start IS NOT NULL AND a.query LIKE :q"
    )
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            row = conn.execute(query, {"q": WRITER_COPY, "t": f"data_{DATASET}"}).first()
            conn.rollback()  # a fresh snapshot of the statistics on the next look
            if row is not None:
                engine.dispose()
                return {"pid": row[0], "transaction_seconds": row[1].total_seconds(),
                        "table_bytes": row[2]}  # fmt: skip
            time.sleep(0.01)
    engine.dispose()
    return None


def wait_until_gone(url: str, pid: int, seconds: float) -> float | None:
    """Seconds until the database session `pid` has ended (None if it outlived the wait)."""
    import sqlalchemy as sa

    engine = plain_engine(url)
    start = time.monotonic()
    with engine.connect() as conn:
        while time.monotonic() - start < seconds:
            alive = conn.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
            ).scalar()
            conn.rollback()
            if not alive:
                engine.dispose()
                return time.monotonic() - start
            time.sleep(0.02)
    engine.dispose()
    return None


# --------------------------------------------------------------------------- files


def officer_file(officer: int, n: int, rng: random.Random) -> bytes:
    """ROWS_PER_UPLOAD requests received in one year (2019 to 2025), references that no other
    file has (LOAD<officer>-<n>-<i>), in the template's format with UK dates."""
    year = 2019 + (officer * 3 + n) % 7
    from metrics import datasets

    lines = [",".join(datasets.get(DATASET).column_names)]
    uk = "%d/%m/%Y"
    for i in range(ROWS_PER_UPLOAD):
        received = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 240))
        assess = rng.random() < 0.8
        decided = received + dt.timedelta(days=rng.randrange(14, 43))
        issued = decided + dt.timedelta(days=rng.randrange(40, 120)) if assess else None
        if issued is not None and rng.random() < 0.3:
            issued = None
        lines.append(",".join([
            f"LOAD{officer}-{n:04d}-{i:02d}",
            received.strftime(uk),
            decided.strftime(uk),
            "assess" if assess else "not_assess",
            "plan_issued" if issued else "pending",
            issued.strftime(uk) if issued else "",
            "yes" if rng.random() < 0.08 else "no",
            "no",
            str(rng.randrange(0, 26)),
            _pick(rng, generate.SEX),
            _pick(rng, generate.ETHNIC),
            _pick(rng, generate.NEED),
            "yes" if rng.random() < 0.8 else "no",
        ]))  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def fault_file(rows: int) -> bytes:
    """The benchmarks' synthetic EHC requests (2016 to 2025), as an officer's CSV."""
    import numpy as np

    frame = generate.ehc_requests(np.random.default_rng(generate.SEED), rows)
    return frame.write_csv(date_format=generate.UK_DATE).encode()


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    peak_mb: float | None = None
    killed: bool = False


@contextlib.contextmanager
def app_servers(url: str, names: list[str], upload_mb: int) -> Iterator[dict[str, Server]]:
    """`python -m dashboard.serve` on free loopback ports, one per name, on one database."""
    env = os.environ | {
        "MEASURES_DATABASE_URL": url,
        "MEASURES_AUTH_MODE": "local",
        "MEASURES_MAX_UPLOAD_MB": str(upload_mb),
        "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": str(upload_mb),
    }
    servers: dict[str, Server] = {}
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        for name in names:
            port = free_port()
            log = WORK / f"server-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    make_run(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            servers[name] = Server(name, f"http://127.0.0.1:{port}", process, log)
        for server in servers.values():
            wait_until_healthy(server)
        yield servers
    finally:
        for server in servers.values():
            if server.process.poll() is None:
                server.peak_mb = run.process_peak_mb(server.process.pid)
                server.process.terminate()
                try:
                    server.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.process.kill()
                    server.process.wait()


def wait_until_healthy(server: Server) -> None:
    try:
        answers(server.base, server.process, STARTUP_SECONDS)
    except RuntimeError as err:
        raise RuntimeError(f"server {server.name}: {err}; see {server.log}") from None


# --------------------------------------------------------------------------- the browser


def short(err: BaseException) -> str:
    return f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"


async def settled(tab: Any, timeout_ms: float = PAGE_TIMEOUT_MS) -> None:
    await tab.wait_for_selector(SETTLED, timeout=timeout_ms)


async def open_page(tab: Any, address: str) -> tuple[float, str | None]:
    """Navigate and wait until the page is served; its time, and what went wrong if anything."""
    start = time.perf_counter()

    def left_ms() -> float:  # one time limit for the whole page, not one per step
        return max(1.0, PAGE_TIMEOUT_MS - (time.perf_counter() - start) * 1000)

    try:
        await tab.goto(address, wait_until="commit", timeout=left_ms())
        await tab.wait_for_selector(HEADING, timeout=left_ms())
        await settled(tab, left_ms())
        seconds = time.perf_counter() - start
        if await tab.locator(ERROR_BOX).count():
            text = await tab.locator(ERROR_BOX).first.inner_text()
            return seconds, f"error box: {text[:200]}"
        return seconds, None
    except Exception as err:  # Playwright's errors: a timeout, a lost connection
        return time.perf_counter() - start, short(err)


def viewer_pages() -> tuple[list[str], list[str]]:
    """Addresses of the report pages a viewer may open, and the indicators' ids."""
    from streamlit import logger

    # the dashboard's cached functions warn that no Streamlit server runs in this process
    logger.set_log_level("error")
    from dashboard.app_pages import VIEWER, page_specs
    from metrics import api

    registry = api.registry()
    pages = [s.url_path for s in page_specs(registry) if VIEWER in s.roles]
    return [p for p in pages if p != "indicator"], [i.id for i in registry.indicators]


async def viewer(
    n: int, browser: Any, shared: Shared, seed: int, think: tuple[float, float]
) -> None:
    rng = random.Random(seed * 1000 + n)
    pages, indicators = shared.pages
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    turn = n
    try:
        for _ in range(MAX_VISITS):
            if shared.stop_viewers.is_set():
                break
            choices = shared.viewer_servers
            server = choices[turn % len(choices)]
            turn += 1
            if rng.random() < 0.35:
                page = f"indicator?indicator={rng.choice(indicators)}"
            else:
                page = rng.choice(pages)
            phase = shared.phase
            shared.in_flight[server] += 1
            try:
                seconds, error = await open_page(tab, f"{shared.servers[server]}/{page}")
            finally:
                shared.in_flight[server] -= 1
            shared.visits.append(Visit(phase, n, server, page or "overview", seconds, error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(shared.stop_viewers.wait(), rng.uniform(*think))
    finally:
        await context.close()


async def choose_file(tab: Any, base: str, name: str, content: bytes, timeout_ms: int) -> None:
    """Open the upload page, choose the EHC requests, upload the file, wait for the preview."""
    _, error = await open_page(tab, f"{base}/upload")
    if error:
        raise RuntimeError(f"the upload page: {error}")
    await tab.get_by_role("combobox", name="Which data are you uploading?").click(
        timeout=PAGE_TIMEOUT_MS
    )
    await tab.get_by_role("option", name=DATASET_TITLE).click(timeout=PAGE_TIMEOUT_MS)
    await tab.get_by_text(f"{DATASET_TITLE}.").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    await settled(tab)
    await tab.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}], timeout=timeout_ms
    )
    preview = tab.get_by_role("heading", name="4. Check what will change")
    problems = tab.get_by_role("heading", name=re.compile("^Problems found"))
    await preview.or_(problems).first.wait_for(timeout=timeout_ms)
    await settled(tab, timeout_ms)
    if await problems.count():
        raise RuntimeError(f"{name} has problems: {await problems.first.inner_text()}")


def store_button(tab: Any, name: str) -> Any:
    return tab.get_by_role("button", name=f"Store “{name}”")


async def button_key(tab: Any, name: str) -> str | None:
    """The Store button's widget key (its container's classes): it carries the data version.

    Read in one look at the page, without waiting: the button may be re-drawn at any moment.
    """
    with contextlib.suppress(PlaywrightError):
        return await tab.evaluate(
            """label => {
                const b = [...document.querySelectorAll('button')]
                    .find(b => b.innerText.includes(label));
                return b ? (b.closest('[data-testid="stElementContainer"]')?.className ?? '')
                         : null;
            }""",
            f"Store “{name}”",
        )
    return None


async def press_store(tab: Any, name: str, timeout_ms: int) -> tuple[int, int]:
    """Press Store until the page says the file is stored; the batch id and the presses.

    When another upload lands between the preview and the press, the page works the preview
    out afresh with a new button and the press does nothing: press the new one.
    """
    stored = tab.get_by_text(re.compile(rf"Stored “{re.escape(name)}” \(.*\) as batch \d+"))
    deadline = time.monotonic() + timeout_ms / 1000
    for presses in range(1, MAX_CONFIRMS + 1):
        pressed = await button_key(tab, name)
        # On a starved machine Playwright can give up waiting for the button to be still and
        # clickable although the press has landed: the page then still says whether it stored.
        with contextlib.suppress(PlaywrightTimeout):
            await store_button(tab, name).first.click(timeout=CLICK_TIMEOUT_MS)
        while time.monotonic() < deadline:
            if await stored.count():
                text = await stored.first.inner_text(timeout=CLICK_TIMEOUT_MS)
                match = re.search(r"as batch (\d+)", text)
                assert match is not None
                return int(match.group(1)), presses
            if await tab.locator(SETTLED).count():
                key = await button_key(tab, name)
                if key is not None and key != pressed:
                    break  # a new preview and a new button: press again
            await asyncio.sleep(0.2)
        else:
            raise TimeoutError(f"{name} was not stored within {timeout_ms / 1000:g}s")
    raise RuntimeError(f"{name}: pressed Store {MAX_CONFIRMS} times without it being stored")


async def upload_in_browser(
    tab: Any, shared: Shared, officer: int, server: str, name: str, content: bytes
) -> Upload:
    up = Upload(shared.phase, officer, server, name, hashlib.sha256(content).hexdigest(),
                content.count(b"\n") - 1)  # fmt: skip
    start = time.perf_counter()
    try:
        await choose_file(tab, shared.servers[server], name, content, UPLOAD_TIMEOUT_MS)
        up.batch_id, up.presses = await press_store(tab, name, UPLOAD_TIMEOUT_MS)
        await settled(tab)
        if await tab.locator(ERROR_BOX).count():
            up.error = "error box after storing"
    except Exception as err:
        up.error = short(err)
    up.seconds = time.perf_counter() - start
    shared.uploads.append(up)
    return up


async def officer(
    k: int, browser: Any, shared: Shared, seed: int, deadline: float, pause: tuple[float, float]
) -> None:
    rng = random.Random(seed * 1000 + 500 + k)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    servers = list(shared.servers)
    try:
        for n in range(MAX_UPLOADS):
            if time.monotonic() >= deadline:
                break
            server = servers[(k + n) % len(servers)]
            name = f"officer{k}_upload{n:03d}.csv"
            await upload_in_browser(tab, shared, k, server, name, officer_file(k, n, rng))
            await asyncio.sleep(rng.uniform(*pause))
    finally:
        await context.close()


# --------------------------------------------------------------------------- the fault


async def fault(
    browser: Any,
    shared: Shared,
    servers: dict[str, Server],
    url: str,
    content: bytes,
    kill_after: float,
) -> dict[str, Any]:
    """Kill server A with SIGKILL while it stores a large upload; check all or nothing."""
    rows = content.count(b"\n") - 1
    result: dict[str, Any] = {"rows": rows}
    sha = hashlib.sha256(content).hexdigest()
    result["file_mb"] = round(len(content) / 1e6, 1)
    name = f"fault_{rows}_requests.csv"
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    start = time.perf_counter()
    await choose_file(tab, servers["A"].base, name, content, FAULT_TIMEOUT_MS)
    result["check_and_preview_seconds"] = time.perf_counter() - start
    # no viewer is half way through a page on A when it dies (they browse B by now)
    for _ in range(int(PAGE_TIMEOUT_MS / 100)):
        if not shared.in_flight["A"]:
            break
        await asyncio.sleep(0.1)
    before = await asyncio.to_thread(consistency, url)
    servers["A"].peak_mb = run.process_peak_mb(servers["A"].process.pid)
    size_before = await asyncio.to_thread(table_bytes, url)
    await store_button(tab, name).first.click()
    pressed = time.perf_counter()
    began = await asyncio.to_thread(wait_for_writer, url, FAULT_TIMEOUT_MS / 1000)
    if began is None:
        raise RuntimeError("server A never began storing the large file")
    result["store_began_after_press_seconds"] = time.perf_counter() - pressed
    # well into the store, but still inside its transaction (looked at again just before)
    await asyncio.sleep(kill_after)
    writer = await asyncio.to_thread(wait_for_writer, url, 0.5)
    if writer is None or writer["pid"] != began["pid"]:
        raise RuntimeError(f"the store ended within {kill_after:g}s: try more rows")
    os.kill(servers["A"].process.pid, signal.SIGKILL)
    servers["A"].process.wait()
    servers["A"].killed = True
    result["killed_after_press_seconds"] = time.perf_counter() - pressed
    writer["table_grew_mb"] = round((writer["table_bytes"] - size_before) / 1e6, 1)
    result["writer_at_kill"] = writer
    await context.close()
    gone = await asyncio.to_thread(wait_until_gone, url, writer["pid"], 60)
    result["session_ended_after_kill_seconds"] = gone
    after = await asyncio.to_thread(consistency, url)
    held = await asyncio.to_thread(batches_with_hash, url, sha)
    unchanged = after["fingerprint"] == before["fingerprint"]
    whole = len(held) == 1 and held[0][1] == rows and not after["partial_batches"]
    none = not held and unchanged
    result |= {
        "batches_with_the_file": held,
        "data_unchanged": unchanged,
        "partial_batches": after["partial_batches"],
        "orphan_rows": after["orphan_rows"],
        "holds": "none" if none else ("whole" if whole else "PART"),
        "all_or_nothing": (none or whole) and not after["partial_batches"]
        and not after["orphan_rows"],
    }  # fmt: skip
    # no stale lock: the next upload, through B, is stored
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    follow = await upload_in_browser(
        tab, shared, 9, "B", "after_the_kill.csv", officer_file(9, 0, random.Random(9))
    )
    await context.close()
    await asyncio.to_thread(verify_uploads, url, [follow])
    result["upload_after_kill"] = asdict(follow)
    return result


# --------------------------------------------------------------------------- summary


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile, by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def error_kind(error: str) -> str:
    """An error box is the app failing; a timeout may be the machine, too busy to finish."""
    if error.startswith("error box"):
        return "error box"
    return "timeout" if error.startswith("TimeoutError") else "other"


def page_stats(visits: list[Visit]) -> dict[str, Any]:
    served = [v.seconds for v in visits if v.error is None]
    errors = [asdict(v) for v in visits if v.error is not None]
    return {
        "served": len(served),
        "errors": len(errors),
        "errors_by_kind": dict(Counter(error_kind(e["error"]) for e in errors)),
        "p50": percentile(served, 50),
        "p95": percentile(served, 95),
        "max": max(served, default=None),
        "mean": statistics.fmean(served) if served else None,
        "by_server": dict(Counter(v.server for v in visits if v.error is None)),
        "error_details": errors[:20],
    }


def kinds(stats: dict[str, Any]) -> str:
    by = stats["errors_by_kind"]
    return f" ({', '.join(f'{k}: {n}' for k, n in sorted(by.items()))})" if by else ""


def seconds_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    yes = run.verdict
    load = results["load"]
    p = load["pages"]
    label = f"[load {results['seconds']} s, {results['viewers']} viewers, "
    label += f"{results['officers']} officers]"
    busy = results["load_average_during_load"]
    if busy["mean"] is not None:
        rows.append(("machine load average in the load phase (mean / max; 2 cores)",
                     f"{busy['mean']:.1f} / {busy['max']:.1f}", "", ""))  # fmt: skip
    cpu = results["server_cpu_seconds_in_load_phase"]
    cpu_text = ", ".join(f"{n}: {c:.0f} s" for n, c in cpu.items())
    cpu_text += f"; Chromium: {results['browser_cpu_seconds_in_load_phase']:.0f} s"
    rows.append((f"CPU time in the load phase ({results['load_phase_seconds']:.0f} s): app "
                 "processes; the viewers' browser", cpu_text, "", ""))  # fmt: skip
    rows.append((f"{label} pages served", f"{p['served']:,}", "", ""))
    by = ", ".join(f"{k}: {v:,}" for k, v in sorted(p["by_server"].items()))
    rows.append(("  by server", by, "", ""))
    rows.append(("  page errors" + kinds(p), str(p["errors"]), "0", yes(p["errors"] == 0)))
    rows.append(("  page time p50", seconds_text(p["p50"]), "", ""))
    rows.append(("  page time p95", seconds_text(p["p95"]), "", ""))
    rows.append(("  page time max", seconds_text(p["max"]), "", ""))
    u = load["uploads"]
    rows.append(("  uploads attempted (browser)", str(u["attempted"]), "", ""))
    rows.append(("  uploads stored (page said so)", str(u["confirmed"]), str(u["attempted"]),
                 yes(u["confirmed"] == u["attempted"])))  # fmt: skip
    rows.append(("  uploads stored exactly once (database)", str(u["stored_once"]),
                 str(u["attempted"]), yes(u["stored_once"] == u["attempted"])))  # fmt: skip
    rows.append(("  Store pressed again (another upload landed first)", str(u["pressed_again"]),
                 "", ""))  # fmt: skip
    rows.append(("  upload time p50 (open page to stored)", seconds_text(u["p50"]), "", ""))
    f = results.get("fault")
    if f:
        if "error" in f:
            rows.append(("[fault]", f["error"], "", "NO"))
        else:
            rows.append((f"[fault] upload of {f['rows']:,} rows ({f['file_mb']} MB) to A: "
                         "read, check, preview", seconds_text(f["check_and_preview_seconds"]),
                         "", ""))  # fmt: skip
            w = f["writer_at_kill"]
            rows.append(("  storing began, after pressing Store",
                         seconds_text(f["store_began_after_press_seconds"]), "", ""))  # fmt: skip
            grew = f"{w['transaction_seconds']:.2f} s / {w['table_grew_mb']} MB"
            rows.append(("  A killed (SIGKILL) mid-store: transaction open / table grew",
                         grew, "", ""))  # fmt: skip
            rows.append(("  database holds of the batch", f["holds"], "whole or none",
                         yes(f["all_or_nothing"])))  # fmt: skip
            rows.append(("  batches with missing rows / rows without a batch",
                         f"{len(f['partial_batches'])} / {f['orphan_rows']}", "0 / 0",
                         yes(not f["partial_batches"] and not f["orphan_rows"])))  # fmt: skip
            after = f["upload_after_kill"]
            rows.append(("  next upload (through B) stored exactly once",
                         "yes" if after["stored_once"] else "no", "yes",
                         yes(bool(after["stored_once"]))))  # fmt: skip
        fp = f["pages"]
        rows.append(("  pages served by B meanwhile", f"{fp['served']:,}", "", ""))
        rows.append(("  page errors meanwhile" + kinds(fp), str(fp["errors"]), "0",
                     yes(fp["errors"] == 0)))  # fmt: skip
        rows.append(("  page time p50 / p95 meanwhile",
                     f"{seconds_text(fp['p50'])} / {seconds_text(fp['p95'])}", "", ""))  # fmt: skip
    for name, peak in results["server_peak_mb"].items():
        met = yes(peak < run.PEAK_MB) if peak else "n/a"
        rows.append((f"server {name} peak memory", f"{peak:.0f} MB" if peak else "–",
                     f"< {run.PEAK_MB:g} MB", met))  # fmt: skip
    return rows


def passed(results: dict[str, Any]) -> bool:
    load = results["load"]
    u = load["uploads"]
    ok = load["pages"]["errors"] == 0 and u["stored_once"] == u["attempted"]
    f = results.get("fault")
    if f:
        ok = ok and "error" not in f and f["pages"]["errors"] == 0
        ok = ok and f.get("all_or_nothing", False)
        ok = ok and bool(f.get("upload_after_kill", {}).get("stored_once"))
    return ok


# --------------------------------------------------------------------------- main


async def load_and_fault(
    args: argparse.Namespace, servers: dict[str, Server]
) -> tuple[Shared, dict[str, Any]]:
    shared = Shared({n: s.base for n, s in servers.items()}, list(servers), viewer_pages())
    figures: dict[str, Any] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(run.CHROMIUM), args=run.CHROMIUM_ARGS)
        # the first visit to each server computes every indicator: not part of the figures
        warm = await browser.new_page()
        figures["warm_up_seconds"] = {}
        for name, server in servers.items():
            seconds, error = await open_page(warm, f"{server.base}/")
            if error:
                raise RuntimeError(f"server {name} did not serve the overview: {error}")
            figures["warm_up_seconds"][name] = seconds
        await warm.close()

        print(f"  load: {args.seconds} s, {args.viewers} viewers, {args.officers} officers",
              flush=True)  # fmt: skip
        samples: list[float] = []
        sampler = asyncio.create_task(sample_load(samples, shared.stop_viewers))
        cpu_before = {n: cpu_seconds(s.process.pid) for n, s in servers.items()}
        browser_before = browser_cpu_seconds(servers)
        deadline = time.monotonic() + args.seconds
        viewers = [
            asyncio.create_task(viewer(n, browser, shared, args.seed, args.think))
            for n in range(args.viewers)
        ]
        officers = [
            asyncio.create_task(officer(k, browser, shared, args.seed, deadline, args.pause))
            for k in range(args.officers)
        ]
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        await asyncio.gather(*officers)
        figures["load_phase_seconds"] = time.monotonic() - deadline + args.seconds
        figures["server_cpu_seconds"] = {
            n: (cpu_seconds(s.process.pid) or 0.0) - (cpu_before[n] or 0.0)
            for n, s in servers.items()
        }
        figures["browser_cpu_seconds"] = browser_cpu_seconds(servers) - browser_before
        figures["load_average_during_load"] = list(samples)
        await asyncio.to_thread(verify_uploads, args.database, shared.uploads)

        if not args.skip_fault:
            shared.phase = "fault"
            shared.viewer_servers = ["B"]
            print(f"  fault: {args.fault_rows:,} rows to A, killed while storing", flush=True)
            try:
                figures["fault"] = await fault(
                    browser, shared, servers, args.database, args.fault_content, args.kill_after
                )
            except Exception as err:
                figures["fault"] = {"error": short(err)}
            await asyncio.sleep(AFTER_KILL_SECONDS)
        shared.stop_viewers.set()
        await asyncio.gather(*viewers, sampler)
        figures["load_average_during_fault"] = samples[len(figures["load_average_during_load"]) :]
        await browser.close()
    return shared, figures


async def sample_load(samples: list[float], stop: asyncio.Event) -> None:
    """The machine's one-minute load average every 5 seconds: other work slows every figure."""
    while not stop.is_set():
        samples.append(os.getloadavg()[0])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 5)


def browser_cpu_seconds(servers: dict[str, Server]) -> float:
    """CPU time so far of this script's other child processes: Playwright and Chromium."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    apps = {s.process.pid for s in servers.values()}
    mine, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in mine and pid not in apps}
        grew = not more <= mine
        mine |= more
    mine.discard(os.getpid())
    return sum(cpu_seconds(pid) or 0.0 for pid in mine)


def cpu_seconds(pid: int) -> float | None:
    """A process's CPU time so far (user + system), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180, help="length of the load phase")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="PostgreSQL (EMPTIED!)")
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--officers", type=int, default=2)
    parser.add_argument("--fault-rows", type=int, default=200_000)
    parser.add_argument("--kill-after", type=float, default=1.0,
                        help="seconds into the store before A is killed")  # fmt: skip
    parser.add_argument("--skip-fault", action="store_true")
    parser.add_argument("--seed", type=int, default=1, help="for the random choices")
    args = parser.parse_args(argv)
    args.think, args.pause = (1.0, 3.0), (2.0, 4.0)
    if not args.database.startswith("postgresql"):
        parser.error("the load test needs PostgreSQL (two app processes on one database)")
    if database_name(args.database) in RESERVED_DATABASES:
        parser.error(f"the databases {RESERVED_DATABASES} belong to others: use another")
    if not run.CHROMIUM.exists():
        parser.error(f"no Chromium at {run.CHROMIUM}")

    started = time.perf_counter()
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": run.machine() | {"postgresql": None},
        "seconds": args.seconds,
        "viewers": args.viewers,
        "officers": args.officers,
        "rows_per_upload": ROWS_PER_UPLOAD,
    }
    print("preparing the database (emptied, migrated, seeded)...", flush=True)
    prepare_database(args.database)
    results["machine"]["postgresql"] = run.postgres_version(args.database)
    args.fault_content = b"" if args.skip_fault else fault_file(args.fault_rows)
    upload_mb = max(DEFAULT_UPLOAD_MB, math.ceil(len(args.fault_content) / 1_048_576) + 1)
    results["upload_limit_mb"] = upload_mb
    print("starting app processes A and B...", flush=True)
    with app_servers(args.database, ["A", "B"], upload_mb) as servers:
        shared, figures = asyncio.run(load_and_fault(args, servers))
    results["server_peak_mb"] = {n: s.peak_mb for n, s in servers.items()}
    results["warm_up_seconds"] = figures["warm_up_seconds"]
    results["load_phase_seconds"] = figures["load_phase_seconds"]
    results["server_cpu_seconds_in_load_phase"] = figures["server_cpu_seconds"]
    results["browser_cpu_seconds_in_load_phase"] = figures["browser_cpu_seconds"]
    for phase in ("load", "fault"):
        got = figures.get(f"load_average_during_{phase}") or []
        results[f"load_average_during_{phase}"] = {
            "mean": statistics.fmean(got) if got else None, "max": max(got, default=None),
            "samples": got,
        }  # fmt: skip

    load_uploads = [u for u in shared.uploads if u.phase == "load"]
    upload_times = [u.seconds for u in load_uploads if u.seconds and not u.error]
    results["load"] = {
        "pages": page_stats([v for v in shared.visits if v.phase == "load"]),
        "uploads": {
            "attempted": len(load_uploads),
            "confirmed": sum(u.batch_id is not None for u in load_uploads),
            "stored_once": sum(bool(u.stored_once) for u in load_uploads),
            "pressed_again": sum(max(0, u.presses - 1) for u in load_uploads),
            "p50": percentile(upload_times, 50),
            "max": max(upload_times, default=None),
            "each": [asdict(u) for u in load_uploads],
        },
    }
    if "fault" in figures:
        figures["fault"]["pages"] = page_stats([v for v in shared.visits if v.phase == "fault"])
        results["fault"] = figures["fault"]
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["total_seconds"] = time.perf_counter() - started
    rows = table_rows(results)
    results["table"] = [dict(zip(("measure", "figure", "target", "met"), r, strict=True))
                        for r in rows]  # fmt: skip
    results["passed"] = passed(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    m = results["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}, "
          f"PostgreSQL {m['postgresql']}, load average at start "
          f"{m['load_average_at_start'][0]:.1f}")  # fmt: skip
    run.print_table(rows)
    print(f"\n{RESULTS.relative_to(ROOT)} written; {results['total_seconds'] / 60:.1f} minutes; "
          f"{'every check passed' if results['passed'] else 'SOME CHECKS FAILED'}.")  # fmt: skip
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
