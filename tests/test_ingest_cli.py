"""`python -m metrics ingest | batches | rollback`: the same upload path as the dashboard."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_fixture  # noqa: F401 (fixtures, asked for by their short names)
from ingest_support import CORRECTED_2024, FIRST
from sqlalchemy.engine import Engine

from metrics.db import store

GOOD = Path(__file__).resolve().parent / "good_files"
BAD_AGE = FIRST.replace(b"A2,01/03/2023,20/03/2023,assess,pending,,no,no,9,",
                        b"A2,01/03/2023,20/03/2023,assess,pending,,no,no,nine,")  # fmt: skip


def batches(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        frame = store.read_batches(conn)
    return list(zip(frame["id"], frame["status"], strict=True))


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_a_file_with_problems_lists_them_and_stores_nothing(run, engine, tmp_path) -> None:
    code, out, _ = run("ingest", "ehc_requests", write(tmp_path, "bad.csv", BAD_AGE))
    assert code == 1
    assert "1 problem(s) found in bad.csv; nothing was stored" in out
    # A2 is on row 3 of the file
    assert "Row 3, column age_at_request: 'nine' This is not a whole number." in out
    assert batches(engine) == []


def test_problems_as_json(run, engine, tmp_path) -> None:
    code, out, _ = run(
        "ingest", "ehc_requests", write(tmp_path, "bad.csv", BAD_AGE), "--format", "json"
    )
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["batch_id"] is None
    assert [(p["row"], p["column"], p["value"]) for p in data["problems"]] == [
        (3, "age_at_request", "nine")
    ]


def test_a_dry_run_prints_the_preview_and_stores_nothing(run, engine, tmp_path) -> None:
    run("ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST))
    code, out, _ = run(
        "ingest", "ehc_requests", write(tmp_path, "corrected.csv", CORRECTED_2024), "--dry-run"
    )
    assert code == 0
    assert "Dry run: nothing was stored." in out
    assert "The upload adds 4 rows for period(s) 2024." in out
    assert "It replaces 5 stored rows in those periods, from batch 1 (first.csv, 5 rows)." in out
    # 2 of 4 families offered support became 4 of 4
    assert "(ehc_waiting_support), 2024: 50.0% (2 of 4) -> 100.0% (4 of 4)" in out
    assert batches(engine) == [(1, "active")]


def test_a_dry_run_as_json_carries_the_preview(run, engine, tmp_path) -> None:
    code, out, _ = run(
        "ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST), "--dry-run",
        "--format", "json",
    )  # fmt: skip
    preview = json.loads(out)["preview"]
    assert code == 0
    assert preview["rows_added"] == 7 and preview["periods"] == ["2023", "2024"]
    assert "ehc_waiting_support" in preview["indicators_changed"]


def test_upload_supersede_list_and_roll_back(run, engine, tmp_path) -> None:
    code, out, _ = run("ingest", "ehc_requests", write(tmp_path, "first.csv", FIRST))
    assert code == 0 and "Stored 7 rows as batch 1" in out
    code, out, _ = run("ingest", "ehc_requests", write(tmp_path, "fix.csv", CORRECTED_2024))
    assert code == 0 and "Stored 4 rows as batch 2 (periods 2024); 5 earlier rows superseded" in out

    code, out, _ = run("batches", "--format", "json")
    listed = json.loads(out)
    assert [(b["id"], b["file_name"], b["status"]) for b in listed] == [
        (1, "first.csv", "active"),  # still supplies 2023
        (2, "fix.csv", "active"),
    ]

    code, out, _ = run("rollback", "2", "--user", "admin@test")
    assert code == 0
    assert (
        "Batch 2 is rolled back: its rows no longer count. Rows from batch(es) 1 count again."
        in out
    )
    assert batches(engine) == [(1, "active"), (2, "rolled_back")]
    code, _, err = run("rollback", "2")
    assert code == 1 and "already been rolled back" in err


def test_a_sheet_can_be_chosen(run, engine) -> None:
    path = str(GOOD / "codesign_excel_chosen_sheet.xlsx")
    code, out, _ = run("ingest", "codesign_activities", path)
    assert code == 1 and "A required column is missing." in out  # the first sheet is notes
    code, out, _ = run("ingest", "codesign_activities", path, "--sheet", "Extract")
    assert code == 0 and "Stored 3 rows as batch 1" in out


def test_a_missing_file_or_unknown_dataset_is_a_usage_error(run, tmp_path) -> None:
    code, _, err = run("ingest", "ehc_requests", str(tmp_path / "nope.csv"))
    assert code == 2 and "There is no file" in err
    code, _, err = run("ingest", "ehc_request", write(tmp_path, "f.csv", FIRST))
    assert code == 2 and "no dataset called 'ehc_request'" in err
