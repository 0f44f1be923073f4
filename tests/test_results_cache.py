"""Stored results: every indicator's results are worked out once per version of the data and
stored in the database, so a page never works them out again; they are never out of date.

Expected values are the counts in the files these tests upload.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from metrics import api, cli, ingest, meetings, results_cache, targets
from metrics.db import results_store, store
from metrics.db.tables import computed_results

REG = api.registry()
TODAY = dt.date(2026, 11, 27)
SESSIONS = "awareness_sessions_delivered"  # a quarterly count, uploaded as counted values
HEADER = "indicator_id,period,breakdown,breakdown_group,count,numerator,denominator"


def counted(engine: Engine, *rows: tuple[str, int]) -> int:
    """Upload awareness sessions as (period, count); the batch id."""
    lines = [HEADER, *(f"{SESSIONS},{period},,,{n},," for period, n in rows)]
    report = ingest.ingest(
        engine, "indicator_values", ("\n".join(lines) + "\n").encode(), "sessions.csv", REG,
        user="officer@test", today=TODAY,
    )  # fmt: skip
    assert report.ok and report.stored, report.problems
    return report.stored.batch_id


def sessions(results: pl.DataFrame) -> dict[str, float]:
    rows = results.filter((pl.col("indicator_id") == SESSIONS) & pl.col("breakdown").is_null())
    return dict(zip(rows["period"], rows["value"], strict=True))


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return results_store.count(conn)


def overwrite_stored(engine: Engine, blob: bytes) -> None:
    with engine.begin() as conn:
        conn.execute(computed_results.update().values(results=blob))


def test_results_are_worked_out_once_per_version_of_the_data(engine: Engine) -> None:
    counted(engine, ("2026-Q1", 7))

    first = api.results(engine, on=TODAY)
    assert sessions(first) == {"2026-Q1": 7.0}
    assert stored(engine) == 1
    assert api.results(engine, on=TODAY).equals(first)
    assert stored(engine) == 1  # read back, not worked out and stored again

    counted(engine, ("2026-Q1", 9), ("2026-Q2", 4))  # supersedes Q1
    assert sessions(api.results(engine, on=TODAY)) == {"2026-Q1": 9.0, "2026-Q2": 4.0}
    assert stored(engine) == 2


def test_stored_results_are_the_results_worked_out_from_the_rows(engine: Engine) -> None:
    counted(engine, ("2026-Q1", 7), ("2026-Q2", 3))
    worked_out = api.compute(engine, on=TODAY)
    api.results(engine, on=TODAY)

    read_back = api.results(engine, on=TODAY)

    assert read_back.schema == worked_out.schema
    assert read_back.equals(worked_out)


def test_pages_read_what_is_stored(engine: Engine) -> None:
    counted(engine, ("2026-Q1", 7))
    results = api.results(engine, on=TODAY)
    altered = results.with_columns(
        value=pl.when(pl.col("indicator_id") == SESSIONS).then(70.0).otherwise(pl.col("value"))
    )
    buffer = io.BytesIO()
    altered.write_ipc(buffer)
    overwrite_stored(engine, buffer.getvalue())

    assert sessions(api.results(engine, on=TODAY)) == {"2026-Q1": 70.0}


def test_unreadable_stored_results_are_worked_out_again(engine: Engine) -> None:
    counted(engine, ("2026-Q1", 7))
    api.results(engine, on=TODAY)
    overwrite_stored(engine, b"not an Arrow file")

    assert sessions(api.results(engine, on=TODAY)) == {"2026-Q1": 7.0}


def test_results_are_judged_on_the_day_asked_for(engine: Engine) -> None:
    counted(engine, ("2026-Q1", 7))
    api.results(engine, on=TODAY)
    api.results(engine, on=TODAY + dt.timedelta(days=1))
    assert stored(engine) == 2


def test_a_target_change_is_a_new_version(engine: Engine) -> None:
    counted(engine, ("2026-Q1", 7))
    api.results(engine, on=TODAY)
    targets.change(
        engine, "ehc_waiting_support", value=90, reason="The Board agreed 90%",
        who="ada@test", base=REG,
    )  # fmt: skip

    api.results(engine, on=TODAY)

    assert stored(engine) == 2


def test_the_fingerprint_covers_the_registry() -> None:
    changed = REG.model_copy(update={"indicators": REG.indicators[1:]})
    assert results_cache.fingerprint(REG) == results_cache.fingerprint(REG)
    assert results_cache.fingerprint(changed) != results_cache.fingerprint(REG)


def test_storing_the_same_results_twice_keeps_one(engine: Engine) -> None:
    frame = pl.DataFrame({"value": [1.0]})
    assert results_store.write(engine, "version 1", TODAY, frame, seconds=0.1)
    assert not results_store.write(engine, "version 1", TODAY, frame, seconds=0.1)
    assert stored(engine) == 1


def test_only_the_newest_result_sets_are_kept(engine: Engine) -> None:
    frame = pl.DataFrame({"value": [1.0]})
    for n in range(results_store.KEEP + 3):
        results_store.write(engine, f"version {n}", TODAY, frame, seconds=0.1)

    with engine.connect() as conn:
        keys = conn.execute(sa.select(computed_results.c.data_key)).scalars().all()
    assert sorted(keys) == sorted(f"version {n}" for n in range(3, results_store.KEEP + 3))


def test_an_upload_in_progress_does_not_hold_up_a_page(engine: Engine) -> None:
    # While an upload holds the write lock, a page still gets the right results at once; on
    # SQLite it does not wait to store them (the upload will store its own), on PostgreSQL
    # storing them takes no lock at all.
    counted(engine, ("2026-Q1", 7))
    with store.write_transaction(engine):
        assert sessions(api.results(engine, on=TODAY)) == {"2026-Q1": 7.0}
    assert stored(engine) == (0 if engine.dialect.name == "sqlite" else 1)
    assert sessions(api.results(engine, on=TODAY)) == {"2026-Q1": 7.0}
    assert stored(engine) == 1


def test_the_meeting_results_are_stored_once_the_day_is_over(engine: Engine, monkeypatch) -> None:
    counted(engine, ("2026-Q1", 7))
    meeting = store.now_utc().date()
    # the meeting's day is not over: nothing stored, since what counts may still change
    assert sessions(meetings.results_at(engine, REG, meeting)) == {"2026-Q1": 7.0}
    assert stored(engine) == 0

    later = dt.datetime.combine(meeting + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
    monkeypatch.setattr(store, "now_utc", lambda: later)
    counted(engine, ("2026-Q1", 9))  # after the meeting: not in what it saw
    assert sessions(meetings.results_at(engine, REG, meeting)) == {"2026-Q1": 7.0}
    assert stored(engine) == 1
    assert sessions(meetings.results_at(engine, REG, meeting)) == {"2026-Q1": 7.0}
    assert stored(engine) == 1


def test_the_command_line_stores_the_results_of_an_upload(
    engine: Engine, db_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("MEASURES_DATABASE_URL", db_url)
    api.get_settings.cache_clear()
    path = tmp_path / "sessions.csv"
    path.write_text(f"{HEADER}\n{SESSIONS},2026-Q1,,,7,,\n")
    try:
        code = cli.main(["--database", db_url, "ingest", "indicator_values", str(path)])
    finally:
        api.get_settings.cache_clear()

    assert code == 0
    assert stored(engine) == 1
    with engine.connect() as conn:
        frame = conn.execute(sa.select(computed_results.c.results)).scalar_one()
    assert sessions(pl.read_ipc(io.BytesIO(frame))) == {"2026-Q1": 7.0}
