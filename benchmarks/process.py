"""Whole process against whole process: a bare `polars.read_csv` of the 1,000,000-row
`ehc_requests` file in a Python process of its own, against `python -m metrics ingest
--dry-run` of the same file (start, imports, read, validate, preview against an empty
database), each run several times in turn; the best of each is kept, since other work on the
machine only ever adds time.

    uv run python benchmarks/process.py [--runs 5] [--file benchmarks/out/ehc_requests.csv]

Prints both times and their ratio, as elapsed time and as CPU time (user + system, every
thread). On a shared machine the CPU time is the steadier figure: another user's work delays a
process but adds little to the CPU time it uses.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
READ_CSV = "import sys, polars as pl; pl.read_csv(sys.argv[1])"


def compiled_share(*packages: str) -> str:
    """How many of the packages' modules have bytecode cached: without it, every run compiles
    them again (where PYTHONDONTWRITEBYTECODE is set, nothing is cached as it runs)."""
    import importlib.util

    total = cached = 0
    for name in packages:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, name
        for folder in spec.submodule_search_locations:
            for source in Path(folder).rglob("*.py"):
                total += 1
                cached += Path(importlib.util.cache_from_source(str(source))).exists()
    return f"{cached} of {total} modules"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Elapsed and CPU seconds of one run of a command."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, cpu


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
    print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} runs each, best kept")
    print(
        f"bytecode cached: polars {compiled_share('polars')}; sqlalchemy and pydantic "
        f"{compiled_share('sqlalchemy', 'pydantic')}; metrics {compiled_share('metrics')}"
    )
    for what, index in (("elapsed", 0), ("CPU", 1)):
        bare_s = [r[index] for r in read_csv]
        ours_s = [r[index] for r in dry_run]
        print(f"{what}: polars.read_csv in its own process {min(bare_s):.2f} s; "
              f"python -m metrics ingest --dry-run {min(ours_s):.2f} s; "
              f"ratio {min(ours_s) / min(bare_s):.1f}x  "
              f"(all: {', '.join(f'{x:.2f}' for x in bare_s)} / "
              f"{', '.join(f'{x:.2f}' for x in ours_s)})")  # fmt: skip


if __name__ == "__main__":
    main()
