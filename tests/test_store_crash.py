"""A process killed outright (SIGKILL) in the middle of storing an upload leaves the database
holding all of the batch or none of it, and the next upload goes through (no stale lock).

The child process runs the upload page's own calls (`metrics.uploads.check`, then
`store_upload`) on a large file. The test watches the database, not the child, for the moment
the store has begun (SQLite: the child holds the write lock and the write-ahead log has grown by
rows it has not committed; PostgreSQL: the child's session is copying rows into the table),
kills the child there, and compares every table with what it held before.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from metrics import api, uploads
from metrics.db import store

ROOT = Path(__file__).resolve().parents[1]
DATASET = "ehc_requests"
HEADER = (
    "case_ref,request_received_date,request_decision_date,request_outcome,assessment_outcome,"
    "plan_issued_date,exception_20_weeks,mediation_or_tribunal,age_at_request,sex,ethnic_group,"
    "primary_need,waiting_support_offered"
)
# Large enough that storing takes a second or more (20 COPY or INSERT chunks of
# store.INSERT_CHUNK rows), so the kill lands in the middle of it.
BIG_ROWS = 100_000
WAL_GROWTH = 1_048_576  # bytes of uncommitted pages in the SQLite log before the kill
STARTED_SECONDS = 60  # the child imports, reads and validates before it stores
GONE_SECONDS = 10


def request_row(ref: str, received: str) -> str:
    return f"{ref},{received},,assess,pending,,no,no,8,female,white,ASD,yes"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def big_file(path: Path) -> None:
    """BIG_ROWS requests received over 2020 to 2024, references BIG0000000 upwards."""
    n = pl.int_range(0, BIG_ROWS, eager=True)
    received = pl.lit(dt.date(2020, 1, 1)) + pl.duration(days=n % 1_800)
    pl.select(
        case_ref=pl.format("BIG{}", n.cast(pl.String).str.zfill(7)),
        request_received_date=received.dt.strftime("%d/%m/%Y"),
        request_decision_date=pl.lit(""),
        request_outcome=pl.lit("assess"),
        assessment_outcome=pl.lit("pending"),
        plan_issued_date=pl.lit(""),
        exception_20_weeks=pl.lit("no"),
        mediation_or_tribunal=pl.lit("no"),
        age_at_request=pl.lit(8),
        sex=pl.lit("female"),
        ethnic_group=pl.lit("white"),
        primary_need=pl.lit("ASD"),
        waiting_support_offered=pl.lit("yes"),
    ).write_csv(path)


def upload(engine: Engine, content: bytes, name: str) -> store.WriteResult:
    """The upload page's path: check the file, then store it as one batch with its audit."""
    checked = uploads.check(DATASET, content, name, api.registry(), today=api.today())
    assert checked.ok, checked.report.problems
    return uploads.store_upload(engine, DATASET, checked, user="officer@test")


def digest(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return store.table_digest(conn)


def sqlite_storing(path: Path, wal_before: int) -> bool:
    """Another connection holds the write lock and has spilled uncommitted rows to the log."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as err:
        if "locked" not in str(err):
            raise
        wal = Path(f"{path}-wal")
        return wal.exists() and wal.stat().st_size > wal_before + WAL_GROWTH
    finally:
        probe.close()


def postgres_copying(conn: sa.Connection) -> int | None:
    """The session (pid) copying rows into the requests table inside an open transaction."""
    return conn.execute(
        sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
            "AND query LIKE 'COPY %data_ehc_requests% FROM STDIN%'"
        )
    ).scalar()


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.005)
    raise AssertionError(f"gave up waiting {seconds:g}s for {what}")


def kill_mid_store(engine: Engine, url: str, content_path: Path) -> subprocess.CompletedProcess:
    """Start the child storing the big file, SIGKILL it once the store has begun."""
    env = os.environ | {"MEASURES_DATABASE_URL": url}
    child = subprocess.Popen(
        [sys.executable, __file__, url, str(content_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        if engine.dialect.name == "sqlite":
            path = Path(engine.url.database or "")
            wal = Path(f"{path}-wal")
            wal_before = wal.stat().st_size if wal.exists() else 0

            def begun() -> bool:
                assert child.poll() is None, child.communicate()
                return sqlite_storing(path, wal_before)

            wait_for(begun, STARTED_SECONDS, "the child to start storing")
            child.send_signal(signal.SIGKILL)
        else:
            with engine.connect() as conn:
                pids: list[int] = []

                def begun() -> bool:
                    assert child.poll() is None, child.communicate()
                    pid = postgres_copying(conn)
                    conn.rollback()  # a fresh snapshot of pg_stat_activity on the next look
                    if pid is not None:
                        pids.append(pid)
                    return pid is not None

                wait_for(begun, STARTED_SECONDS, "the child to start copying rows")
                child.send_signal(signal.SIGKILL)

                def gone() -> bool:
                    alive = conn.execute(
                        sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"),
                        {"p": pids[0]},
                    ).scalar()
                    conn.rollback()
                    return alive == 0

                # the server notices the closed connection and rolls its transaction back
                wait_for(gone, GONE_SECONDS, "the killed child's session to end")
        out, err = child.communicate(timeout=GONE_SECONDS)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def test_a_store_killed_midway_leaves_all_or_nothing_and_the_next_upload_works(
    db_url: str, tmp_path: Path
) -> None:
    engine = store.ready_engine(db_url)
    # What was there before: three requests received in 2022, which the big file (2020 to 2024)
    # would supersede in the same transaction.
    earlier = upload(
        engine, csv(*(request_row(f"OLD{i}", "01/03/2022") for i in range(3))), "a.csv"
    )
    before = digest(engine)
    content = tmp_path / "big.csv"
    big_file(content)

    done = kill_mid_store(engine, db_url, content)

    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr[-2000:])
    assert "checked" in done.stdout  # it got as far as storing...
    assert "stored" not in done.stdout  # ...and was killed before it finished
    # None of the batch: every table as it was, the earlier rows still current.
    assert digest(engine) == before
    with engine.connect() as conn:
        batches = store.read_batches(conn)
        current = store.read_active(conn, DATASET)
    assert batches.select("id", "row_count", "status").rows() == [(earlier.batch_id, 3, "active")]
    assert sorted(current["case_ref"]) == ["OLD0", "OLD1", "OLD2"]

    # No stale lock: the next upload stores straight away, superseding the 2022 rows.
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(Path(engine.url.database or ""), timeout=0, isolation_level=None)
        probe.execute("BEGIN IMMEDIATE")  # raises "database is locked" if anything holds it
        probe.execute("ROLLBACK")
        probe.close()
    else:
        with engine.connect() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            ).scalar()
        assert held == 0
    after = upload(engine, csv(*(request_row(f"NEW{i}", "01/03/2022") for i in range(4))), "b.csv")
    assert (after.rows_added, after.rows_superseded) == (4, 3)
    with engine.connect() as conn:
        current = store.read_active(conn, DATASET)
        statuses = dict(store.read_batches(conn).select("id", "status").rows())
    assert sorted(current["case_ref"]) == ["NEW0", "NEW1", "NEW2", "NEW3"]
    assert statuses == {earlier.batch_id: "superseded", after.batch_id: "active"}
    engine.dispose()


def _child(url: str, path: str) -> None:
    """Store the file through the upload page's calls, saying how far it got."""
    engine = api.engine(url)
    content = Path(path).read_bytes()
    checked = uploads.check(DATASET, content, "big.csv", api.registry(), today=api.today(),
                            max_mb=len(content) // uploads.MEGABYTE + 1)  # fmt: skip
    assert checked.ok, checked.report.problems
    print("checked", flush=True)
    uploads.store_upload(engine, DATASET, checked, user="crash-test")
    print("stored", flush=True)


if __name__ == "__main__":
    _child(*sys.argv[1:])
