"""The audit log (metrics/audit.py): every change is recorded with who and when, in the same
transaction as the change, and the log reads back newest first, in UK time, formula-safe.

Runs on real databases: SQLite, and PostgreSQL when MEASURES_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from ingest_support import CORRECTED_2024, FIRST
from sqlalchemy.engine import Engine

from metrics import audit, uploads
from metrics.db import store
from metrics.registry import Registry, load

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load()


def _check(reg: Registry, content: bytes, name: str) -> uploads.Checked:
    checked = uploads.check("ehc_requests", content, name, reg, today=TODAY)
    assert checked.ok, checked.report.problems.to_dicts()
    return checked


def test_an_event_is_stored_with_who_their_role_what_and_when(engine: Engine) -> None:
    at = dt.datetime(2026, 11, 27, 14, 5, tzinfo=dt.UTC)
    audit.record(
        engine, audit.TARGET_CHANGE, "ann@council.example",
        "Target for ehc_20wk_excl_exceptions changed from 90 to 100.",
        role="admin", ref="ehc_20wk_excl_exceptions", at=at,
    )  # fmt: skip

    row = audit.events(engine).row(0, named=True)
    assert row["at"] == at
    assert (row["action"], row["who"], row["role"], row["ref"]) == (
        "target_change", "ann@council.example", "admin", "ehc_20wk_excl_exceptions",
    )  # fmt: skip
    assert row["detail"] == "Target for ehc_20wk_excl_exceptions changed from 90 to 100."


def test_only_the_known_kinds_of_event_can_be_recorded(engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(engine, "deleted_everything", "someone")
    assert audit.events(engine).height == 0


def test_events_come_back_newest_first_and_can_be_filtered_by_kind(engine: Engine) -> None:
    audit.record(engine, audit.SIGN_IN, "ann@council.example", "Signed in.")
    audit.record(engine, audit.REFUSED, "bo@council.example", "Uploading data is only for …")
    audit.record(engine, audit.SIGN_OUT, "ann@council.example", "Signed out.")

    assert audit.events(engine).get_column("action").to_list() == [
        "sign_out", "refused", "sign_in",
    ]  # fmt: skip
    refusals = audit.events(engine, actions=[audit.REFUSED])
    assert refusals.get_column("who").to_list() == ["bo@council.example"]
    assert audit.events(engine, limit=1).get_column("action").to_list() == ["sign_out"]


def test_one_sign_in_is_recorded_once_however_many_tabs_it_opens(engine: Engine) -> None:
    ref = "token issued at 1795818645"
    assert audit.record_once(engine, audit.SIGN_IN, "ann@council.example", ref, "Signed in.")
    assert not audit.record_once(engine, audit.SIGN_IN, "ann@council.example", ref, "Again.")
    # a new sign-in (a new token) is a new event
    assert audit.record_once(engine, audit.SIGN_IN, "ann@council.example", "token issued at 2")
    assert audit.events(engine).height == 2


def test_an_event_recorded_in_a_transaction_that_fails_is_not_kept(engine: Engine) -> None:
    with (
        pytest.raises(RuntimeError, match="the change failed"),
        store.write_transaction(engine) as conn,
    ):
        audit.record_in(conn, audit.COMMENTARY, "ann@council.example", "Saved version 2.")
        raise RuntimeError("the change failed")
    assert audit.events(engine).height == 0


def test_storing_an_upload_records_it_with_the_batch(engine: Engine, reg: Registry) -> None:
    # FIRST has 7 requests: 2 in 2023 and 5 in 2024
    result = uploads.store_upload(
        engine, "ehc_requests", _check(reg, FIRST, "first.csv"),
        user="ola@council.example", role="officer",
    )  # fmt: skip

    events = audit.events(engine)
    assert events.height == 1
    row = events.row(0, named=True)
    assert (row["action"], row["who"], row["role"], row["ref"]) == (
        "upload", "ola@council.example", "officer", str(result.batch_id),
    )  # fmt: skip
    assert row["detail"] == (
        f"Stored “first.csv” (EHC needs assessment requests) as batch {result.batch_id}: "
        "7 rows, replacing 0 rows."
    )


def test_a_roll_back_is_recorded_with_the_batches_that_count_again(
    engine: Engine, reg: Registry
) -> None:
    first = uploads.store_upload(engine, "ehc_requests", _check(reg, FIRST, "a.csv"), user="o")
    # the correction replaces FIRST's five 2024 rows; rolling it back brings them back
    fix = uploads.store_upload(
        engine, "ehc_requests", _check(reg, CORRECTED_2024, "b.csv"), user="o"
    )
    uploads.roll_back(engine, fix.batch_id, user="ann@council.example", role="admin")

    row = audit.events(engine).row(0, named=True)
    assert (row["action"], row["who"], row["role"], row["ref"]) == (
        "roll_back", "ann@council.example", "admin", str(fix.batch_id),
    )  # fmt: skip
    assert row["detail"] == (
        f"Rolled back batch {fix.batch_id}; rows from earlier batches that count again: "
        f"{first.batch_id}."
    )


def test_a_roll_back_that_fails_records_nothing(engine: Engine) -> None:
    with pytest.raises(store.RollbackError):
        uploads.roll_back(engine, 99, user="ann@council.example", role="admin")
    assert audit.events(engine).height == 0


def test_the_log_is_shown_in_uk_time_with_an_icon_and_words_for_each_kind(engine: Engine) -> None:
    # 13:05 UTC on 1 July 2026 is 14:05 British Summer Time
    audit.record(
        engine, audit.UPLOAD, "ola@council.example", "Stored “x.csv”.", role="officer",
        at=dt.datetime(2026, 7, 1, 13, 5, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    audit.record(engine, audit.REFUSED, "not signed in", "The audit log is only for an admin.")

    rows = audit.event_rows(audit.events(engine)).to_dicts()
    assert list(rows[1]) == ["When (UK time)", "Who", "Role", "What", "Detail"]
    assert rows[1]["When (UK time)"] == "1 July 2026 14:05:09"
    assert (rows[1]["What"], rows[1]["Role"]) == ("⬆ Upload stored", "officer")
    assert (rows[0]["What"], rows[0]["Role"]) == ("⛔ Refused", "–")


def test_the_csv_download_lets_no_cell_run_as_a_formula(engine: Engine) -> None:
    # a name from a sign-in claim and a file name are text anyone could have typed
    audit.record(engine, audit.UPLOAD, "=cmd|'/c calc'!A1", 'Stored “=HYPERLINK("x")”.')

    text = audit.events_csv(audit.events(engine)).decode("utf-8")

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["When (UK time)", "Who", "Role", "What", "Detail"]
    assert rows[1][1] == "'=cmd|'/c calc'!A1"
    # text that only contains a formula further in cannot run: Excel needs it at the start
    assert rows[1][4] == 'Stored “=HYPERLINK("x")”.'
