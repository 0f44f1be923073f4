"""Storage on real databases: migrations, round trips, supersede, roll back, atomicity."""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from metrics import ingest
from metrics import registry as reg_mod
from metrics.db import store
from metrics.db.tables import DATA_TABLES

TODAY = dt.date(2026, 11, 27)
HEADER = (
    "case_ref,request_received_date,request_decision_date,request_outcome,assessment_outcome,"
    "plan_issued_date,exception_20_weeks,mediation_or_tribunal,age_at_request,sex,ethnic_group,"
    "primary_need,waiting_support_offered"
)


def empty_registry() -> reg_mod.Registry:
    area = reg_mod.Area(
        name="Test", la_code="0", new_la_code="E0", strategy_title="t", strategy_period="p"
    )
    return reg_mod.Registry(area=area, priorities=(), indicators=())


def request_row(ref: str, received: str, issued: str = "", exception: str = "no") -> str:
    outcome = "plan_issued" if issued else "pending"
    return f"{ref},{received},,assess,{outcome},{issued},{exception},no,8,female,white,ASD,yes"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def upload(engine: Engine, content: bytes, name: str = "upload.csv") -> ingest.IngestReport:
    return ingest.ingest(
        engine, "ehc_requests", content, name, empty_registry(), user="officer@test", today=TODAY
    )


def active(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        frame = store.read_active(conn, "ehc_requests")
    return sorted(zip(frame["case_ref"], frame["period_key"], strict=True))


def digest(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return store.table_digest(conn)


def test_migrations_create_every_table_and_are_idempotent(engine: Engine) -> None:
    names = set(sa.inspect(engine).get_table_names())
    assert {"batches", "alembic_version"} <= names
    assert {t.name for t in DATA_TABLES.values()} <= names
    store.migrate(engine)  # a second run changes nothing and does not fail
    with engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(versions) == 1


def test_round_trip_keeps_values_and_types(engine: Engine) -> None:
    # Both date styles officers use; the blank row 3 is skipped but row numbers stay Excel's.
    content = csv(
        "R1,05/02/2024,2024-03-11,assess,plan_issued,14/06/2024,no,no,7,male,asian,ASD,yes",
        ",,,,,,,,,,,,",
        "R2,2023-12-01,,pending,pending,,no,yes,16,female,white,slcn,no",
    )
    report = upload(engine, content)
    assert report.ok, report.problems
    with engine.connect() as conn:
        frame = store.read_active(conn, "ehc_requests").sort("case_ref")
    assert frame["case_ref"].to_list() == ["R1", "R2"]
    assert frame["row_number"].to_list() == [2, 4]
    assert frame["request_received_date"].to_list() == [dt.date(2024, 2, 5), dt.date(2023, 12, 1)]
    assert frame["plan_issued_date"].to_list() == [dt.date(2024, 6, 14), None]
    assert frame["age_at_request"].to_list() == [7, 16]
    assert frame["primary_need"].to_list() == ["ASD", "SLCN"]  # case tidied to the SEN2 code
    assert frame["period_key"].to_list() == ["2024", "2023"]  # calendar year of the request
    with engine.connect() as conn:
        batches = store.read_batches(conn)
    assert batches["row_count"].to_list() == [2]
    assert batches["uploaded_by"].to_list() == ["officer@test"]
    assert batches["status"].to_list() == ["active"]
    assert len(batches["sha256"][0]) == 64


def test_reupload_supersedes_only_the_periods_it_covers(engine: Engine) -> None:
    first = upload(engine, csv(request_row("A23", "01/03/2023"), request_row("A24", "01/03/2024")))
    second = upload(engine, csv(request_row("B24", "02/04/2024")))
    assert first.stored and second.stored
    assert second.stored.rows_superseded == 1
    assert active(engine) == [("A23", "2023"), ("B24", "2024")]
    with engine.connect() as conn:
        statuses = store.read_batches(conn)["status"].to_list()
    assert statuses == ["active", "active"]  # batch 1 still supplies 2023

    upload(engine, csv(request_row("C23", "05/05/2023")))
    assert active(engine) == [("B24", "2024"), ("C23", "2023")]
    with engine.connect() as conn:
        statuses = store.read_batches(conn)["status"].to_list()
    assert statuses == ["superseded", "active", "active"]


def test_rollback_restores_exactly_the_earlier_rows(engine: Engine) -> None:
    upload(engine, csv(request_row("A23", "01/03/2023"), request_row("A24", "01/03/2024")))
    before = active(engine)
    second = upload(engine, csv(request_row("B24", "02/04/2024")))
    assert second.stored
    with store.write_transaction(engine) as conn:
        restored = store.rollback(conn, second.stored.batch_id, by="admin@test")
    assert restored == [1]
    assert active(engine) == before
    with engine.connect() as conn:
        batches = store.read_batches(conn)
    assert batches["status"].to_list() == ["active", "rolled_back"]
    assert batches["status_changed_by"].to_list()[1] == "admin@test"
    # Nothing is deleted: the rolled-back rows are still stored.
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(DATA_TABLES["ehc_requests"]))
        assert stored.scalar() == 3


def test_rolling_back_a_middle_batch_leaves_the_newest_rows_current(engine: Engine) -> None:
    upload(engine, csv(request_row("A", "01/03/2024")))
    middle = upload(engine, csv(request_row("B", "01/04/2024")))
    upload(engine, csv(request_row("C", "01/05/2024")))
    assert middle.stored
    with store.write_transaction(engine) as conn:
        store.rollback(conn, middle.stored.batch_id, by="admin")
    assert active(engine) == [("C", "2024")]  # A must not come back beside C
    with store.write_transaction(engine) as conn:
        store.rollback(conn, 3, by="admin")
    assert active(engine) == [("A", "2024")]


def test_rollback_twice_is_refused(engine: Engine) -> None:
    rep = upload(engine, csv(request_row("A", "01/03/2024")))
    assert rep.stored
    with store.write_transaction(engine) as conn:
        store.rollback(conn, rep.stored.batch_id, by="admin")
    with (
        pytest.raises(store.RollbackError, match="already been rolled back"),
        store.write_transaction(engine) as conn,
    ):
        store.rollback(conn, rep.stored.batch_id, by="admin")
    with (
        pytest.raises(store.RollbackError, match="no batch 99"),
        store.write_transaction(engine) as conn,
    ):
        store.rollback(conn, 99, by="admin")


def test_a_failure_mid_write_leaves_the_database_unchanged(engine: Engine) -> None:
    upload(engine, csv(request_row("A", "01/03/2024")))
    before = digest(engine)
    rows = [request_row(f"N{i:05d}", "01/03/2024") for i in range(12_000)]
    report, result = ingest.check_file(
        "ehc_requests", csv(*rows), "big.csv", empty_registry(), today=TODAY
    )
    assert report.ok and result is not None
    meta = store.BatchMeta("ehc_requests", "officer", "big.csv", report.sha256)
    with (
        pytest.raises(RuntimeError, match="injected failure"),
        store.write_transaction(engine) as conn,
    ):
        store.write_batch(conn, meta, result.rows, fail_after_rows=store.INSERT_CHUNK)
    assert digest(engine) == before


def test_a_bad_file_changes_nothing(engine: Engine) -> None:
    upload(engine, csv(request_row("A", "01/03/2024")))
    before = digest(engine)
    report = upload(engine, csv(request_row("B", "31/02/2024")))  # no such date
    assert not report.ok
    assert report.problems.select("row", "column").rows() == [(2, "request_received_date")]
    assert digest(engine) == before


def test_data_version_changes_with_each_upload_and_rollback(engine: Engine) -> None:
    with engine.connect() as conn:
        v0 = store.data_version(conn)
    rep = upload(engine, csv(request_row("A", "01/03/2024")))
    assert rep.stored
    with engine.connect() as conn:
        v1 = store.data_version(conn)
    with store.write_transaction(engine) as conn:
        store.rollback(conn, rep.stored.batch_id, by="admin")
    with engine.connect() as conn:
        v2 = store.data_version(conn)
    assert len({v0, v1, v2}) == 3


def test_two_officers_uploading_at_once_both_succeed_and_nothing_is_mixed(engine: Engine) -> None:
    files = {
        "one": csv(*(request_row(f"ONE{i}", "01/03/2022") for i in range(300))),
        "two": csv(*(request_row(f"TWO{i}", "01/03/2023") for i in range(300))),
    }
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        try:
            barrier.wait()
            rep = upload(engine, files[name], f"{name}.csv")
            assert rep.stored and rep.stored.rows_added == 300
        except BaseException as err:  # collected and re-raised in the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with engine.connect() as conn:
        frame = store.read_active(conn, "ehc_requests")
        batches = store.read_batches(conn)
    assert frame.height == 600
    by_batch = frame.group_by("batch_id").agg(pl.col("case_ref").str.slice(0, 3).unique())
    assert sorted(len(v) for v in by_batch["case_ref"]) == [1, 1]  # each batch holds one file
    assert sorted(batches["file_name"]) == ["one.csv", "two.csv"]
