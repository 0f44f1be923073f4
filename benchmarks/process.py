"""Whole process against whole process: a bare `polars.read_csv` of the 1,000,000-row
`ehc_requests` file in a Python process of its own, against `python -m metrics ingest
--dry-run` of the same file (start, imports, read, validate, preview against an empty
database), each run several times in turn; the best of each is kept, since other work on the
machine only ever adds time.

    uv run python benchmarks/process.py [--runs 5] [--file benchmarks/out/ehc_requests.csv]

Prints both times, the ratio, and where the dry run's time goes (`-X importtime` for the
imports; the rest from its own clock).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
READ_CSV = "import sys, polars as pl; pl.read_csv(sys.argv[1])"


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--file", type=Path, default=HERE / "out" / "ehc_requests.csv")
    args = parser.parse_args(argv)
    if not args.file.exists():
        parser.error(f"{args.file} is missing: run benchmarks/generate.py first")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.sqlite3'}"
        # the dashboard's upload limit (20 MB by default) would refuse the 95 MB file unread
        env = {**os.environ, "MEASURES_DATABASE_URL": url, "MEASURES_MAX_UPLOAD_MB": "1000"}
        ingest = [sys.executable, "-m", "metrics", "ingest", "ehc_requests", str(args.file),
                  "--dry-run"]  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "metrics", "batches"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
        )  # fmt: skip  (migrates the database)
        bare = [sys.executable, "-c", READ_CSV, str(args.file)]
        read_csv, dry_run = [], []
        for _ in range(args.runs):
            read_csv.append(timed(bare, env))
            dry_run.append(timed(ingest, env))
    best_read, best_dry = min(read_csv), min(dry_run)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} runs each, best kept")
    print(f"polars.read_csv, own process:          {best_read:.2f} s  "
          f"(all: {', '.join(f'{s:.2f}' for s in read_csv)})")  # fmt: skip
    print(f"python -m metrics ingest --dry-run:    {best_dry:.2f} s  "
          f"(all: {', '.join(f'{s:.2f}' for s in dry_run)})")  # fmt: skip
    print(f"ratio:                                 {best_dry / best_read:.1f}x")


if __name__ == "__main__":
    main()
