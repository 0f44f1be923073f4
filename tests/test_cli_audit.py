"""Changes made at the command line reach the audit log like the dashboard's: `ingest` and
`import-official` record an upload in the same transaction as the batch, `rollback` records the
roll back, each with who (`--who`, by default "cli:<login name>") and what was done."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from cli_support import run_fixture  # noqa: F401 (fixtures, asked for by their short names)
from conftest import REFERENCE, missing
from ingest_support import CORRECTED_2024, FIRST
from sqlalchemy.engine import Engine

from metrics import audit
from metrics.db import store

CASELOAD = REFERENCE / "ees-ehc-plans-2025" / "caseload.csv"
BAD = FIRST.replace(b",no,no,9,", b",no,no,nine,")  # row 3's age is not a whole number


def events(engine: Engine) -> list[dict[str, Any]]:
    """Every audit event, oldest first."""
    return list(reversed(audit.events(engine).to_dicts()))


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_ingest_records_the_upload_with_who_and_what(run: Any, engine: Engine, tmp_path) -> None:
    code, out, _ = run(
        "ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST), "--who", "ola@council"
    )
    assert code == 0 and "Stored 7 rows as batch 1" in out

    [event] = events(engine)
    assert (event["action"], event["who"], event["ref"]) == (audit.UPLOAD, "ola@council", "1")
    # 7 rows of FIRST (A1 to A7), nothing stored before them
    assert event["detail"] == (
        "Stored “first.csv” (EHC needs assessment requests) as batch 1: 7 rows, replacing 0 rows."
    )
    with engine.connect() as conn:
        assert store.read_batches(conn)["uploaded_by"].to_list() == ["ola@council"]


def test_who_defaults_to_the_login_name(run: Any, engine: Engine, tmp_path) -> None:
    run("ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST))
    [event] = events(engine)
    assert event["who"] == f"cli:{getpass.getuser()}"


def test_a_refused_file_and_a_dry_run_record_nothing(run: Any, engine: Engine, tmp_path) -> None:
    code, _, _ = run("ingest", "ehc_requests", write(tmp_path, "bad.csv", BAD))
    assert code == 1
    code, _, _ = run("ingest", "ehc_requests", write(tmp_path, "ok.csv", FIRST), "--dry-run")
    assert code == 0
    assert events(engine) == []


def test_rollback_records_the_roll_back(run: Any, engine: Engine, tmp_path) -> None:
    run("ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST), "--who", "ola@council")
    run(
        "ingest", "ehc_requests", write(tmp_path, "fix.csv", CORRECTED_2024), "--who", "ola@council"
    )

    code, out, _ = run("rollback", "2", "--who", "ada@council")
    assert code == 0
    assert (
        "Batch 2 is rolled back: its rows no longer count. Rows from batch(es) 1 count again."
        in out
    )
    code, _, err = run("rollback", "2", "--who", "ada@council")  # refused: nothing recorded
    assert code == 1 and "already been rolled back" in err

    assert [(e["action"], e["who"], e["ref"]) for e in events(engine)] == [
        (audit.UPLOAD, "ola@council", "1"),
        (audit.UPLOAD, "ola@council", "2"),
        (audit.ROLL_BACK, "ada@council", "2"),
    ]
    # fix.csv replaced FIRST's five 2024 rows (A3 to A7); rolling it back brings batch 1's back
    assert events(engine)[-1]["detail"] == (
        "Rolled back batch 2; rows from earlier batches that count again: 1."
    )


def test_the_old_user_option_still_names_who(run: Any, engine: Engine, tmp_path) -> None:
    run("ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST), "--user", "ola@council")
    assert [e["who"] for e in events(engine)] == ["ola@council"]


def test_import_official_records_the_import(run: Any, engine: Engine) -> None:
    if not CASELOAD.is_file():
        missing(f"the reference file {CASELOAD} is not there")

    code, out, _ = run("import-official", str(CASELOAD), "--who", "analyst@council")
    assert code == 0 and "as batch 1 for active_ehc_plans" in out

    [event] = events(engine)
    assert (event["action"], event["who"], event["ref"]) == (audit.UPLOAD, "analyst@council", "1")
    # 7 years x (England + 9 regions + every authority): the 1,134 'All EHC plans' rows
    assert event["detail"] == (
        "Imported official statistics (EES) “caseload.csv” as batch 1 for active_ehc_plans: "
        "1,134 rows, replacing 0 rows."
    )
