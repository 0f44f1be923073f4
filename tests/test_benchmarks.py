"""The benchmark scripts still run: they print figures people read, so a broken one goes unseen.

They time nothing here; they are run on a small file to show that they work end to end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from metrics.settings import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"


def run(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
        env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_benchmarks_visit_only_pages_the_app_serves() -> None:
    # Priority pages are one file at `priority-<id>` since the registry names the priorities;
    # the benchmark's page list broke once when that changed, and nothing noticed.
    out = run("-c", """
import sys
sys.path[:0] = ["benchmarks", "tests"]
import run
from app_support import PAGE_FILES
from metrics.registry import load
served = set(PAGE_FILES) | {f"priority-{p.id}" for p in load().priorities}
print(sorted(set(run.PAGES) - served))
""")  # fmt: skip
    assert out.strip() == "[]"


def test_the_whole_process_benchmark_runs_and_says_what_it_measured(tmp_path: Path) -> None:
    run(str(BENCHMARKS / "generate.py"), "--rows", "2000", "--out", str(tmp_path))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEASURES_")}
    out = run(
        str(BENCHMARKS / "process.py"), "--runs", "1", "--file", str(tmp_path / "ehc_requests.csv"),
        env=env,
    )  # fmt: skip
    lines = out.splitlines()
    assert lines[0].startswith("load average") and lines[0].endswith("1 runs each, best kept")
    assert lines[1].startswith("bytecode cached: polars ")
    assert lines[2].startswith("elapsed: polars.read_csv in its own process ")
    assert lines[3].startswith("CPU: polars.read_csv in its own process ")
    assert all(" ratio " in line for line in lines[2:4])
