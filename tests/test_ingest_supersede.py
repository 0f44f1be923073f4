"""A re-upload supersedes only its own periods, and a roll back restores exactly the earlier
results: every indicator, every period, every breakdown, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from ingest_support import CORRECTED_2024, FIRST, THIRD_2024
from sqlalchemy.engine import Engine

from metrics import api, ingest, registry
from metrics.db import store

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def reg() -> registry.Registry:
    return registry.load()


def upload(engine: Engine, reg: registry.Registry, content: bytes, name: str) -> int:
    report = ingest.ingest(engine, "ehc_requests", content, name, reg, user="officer", today=TODAY)
    assert report.ok and report.stored, report.problems
    return report.stored.batch_id


def roll_back(engine: Engine, batch_id: int) -> None:
    with store.write_transaction(engine) as conn:
        store.rollback(conn, batch_id, by="admin")


def results(engine: Engine, reg: registry.Registry) -> pl.DataFrame:
    return api.compute(engine, reg, on=TODAY)


def waiting_support(frame: pl.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Headline (numerator, denominator, %) of ehc_waiting_support by period."""
    rows = frame.filter(
        (pl.col("indicator_id") == "ehc_waiting_support") & pl.col("breakdown").is_null()
    )
    return {r["period"]: (r["numerator"], r["denominator"], r["value"])
            for r in rows.iter_rows(named=True)}  # fmt: skip


def test_a_reupload_changes_only_its_periods_and_a_rollback_restores_every_result(
    engine: Engine, reg: registry.Registry
) -> None:
    upload(engine, reg, FIRST, "first.csv")
    first = results(engine, reg)
    assert waiting_support(first) == {"2023": (1, 2, 50.0), "2024": (2, 4, 50.0)}

    corrected = upload(engine, reg, CORRECTED_2024, "corrected.csv")
    after = results(engine, reg)
    assert waiting_support(after) == {"2023": (1, 2, 50.0), "2024": (4, 4, 100.0)}
    # nothing dated 2023 moved: every 2023 result is as it was
    assert after.filter(pl.col("period") == "2023").equals(first.filter(pl.col("period") == "2023"))

    roll_back(engine, corrected)
    assert results(engine, reg).equals(first)


def test_rolling_back_a_middle_upload_keeps_the_newest_and_then_the_first_returns(
    engine: Engine, reg: registry.Registry
) -> None:
    upload(engine, reg, FIRST, "first.csv")
    first = results(engine, reg)
    middle = upload(engine, reg, CORRECTED_2024, "corrected.csv")
    newest = upload(engine, reg, THIRD_2024, "third.csv")
    third = results(engine, reg)
    # 1 of 3 = 33.3%
    assert waiting_support(third)["2024"][:2] == (1, 3)

    roll_back(engine, middle)
    assert results(engine, reg).equals(third)  # the newest upload still counts
    roll_back(engine, newest)
    assert results(engine, reg).equals(first)  # and without it, the first is back


def test_the_same_rows_give_the_same_results_however_they_arrived(
    engine: Engine, reg: registry.Registry
) -> None:
    """First then corrected = corrected's 2024 and first's 2023, loaded in one go."""
    upload(engine, reg, FIRST, "first.csv")
    upload(engine, reg, CORRECTED_2024, "corrected.csv")
    layered = results(engine, reg)
    with engine.connect() as conn:
        ids = store.read_batches(conn)["id"].to_list()
    for batch_id in reversed(ids):
        roll_back(engine, batch_id)
    assert waiting_support(results(engine, reg)) == {}

    combined = FIRST.split(b"\r\n")[:3] + CORRECTED_2024.split(b"\r\n")[1:]
    upload(engine, reg, b"\r\n".join(combined), "combined.csv")
    assert results(engine, reg).equals(layered)
