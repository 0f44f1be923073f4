"""Moving a large area between databases: export-db and import-db timed, SQLite -> PostgreSQL
-> SQLite, on SYNTHETIC data (benchmarks/generate.py), with the archive's size and peak memory.

    uv run python benchmarks/archive.py [--rows N] [--postgres URL]

`--rows` EHC needs assessment requests (default 200,000; the other datasets in proportion).
`--postgres` is an EMPTY scratch database (its tables are dropped first); without it only the
SQLite -> SQLite move is measured. Prints one line per step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import generate  # noqa: E402

from metrics import api, ingest  # noqa: E402
from metrics.db import archive, store  # noqa: E402


def reset_database(url: str) -> None:
    """Drop every table of a scratch PostgreSQL database."""
    import sqlalchemy as sa

    from metrics.db.tables import metadata

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(label: str, fn, rows: int | None = None):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    rate = f", {rows / seconds:,.0f} rows/s" if rows else ""
    print(f"{label:<44}{seconds:>8.1f} s{rate}; peak memory {peak_mb():,.0f} MB", flush=True)
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--postgres", help="an empty scratch PostgreSQL database URL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        files = generate.generate(args.rows, work / "files")
        source = f"sqlite:///{work / 'source.sqlite3'}"
        eng = api.engine(source)
        reg = api.registry()
        for name in files:
            path = work / "files" / f"{name}.csv"
            rep = ingest.ingest(eng, name, path.read_bytes(), path.name, reg, user="benchmark",
                                today=dt.date(2026, 11, 27))  # fmt: skip
            assert rep.ok, (name, rep.problems.head())
        first = work / "from-sqlite.zip"
        manifest = step("export SQLite", lambda: archive.export_archive(eng, first))
        rows = manifest.total_rows
        print(
            f"{'rows in every table':<44}{rows:>10,}; archive {first.stat().st_size / 1e6:,.1f} MB"
        )
        hops = [("SQLite", f"sqlite:///{work / 'back.sqlite3'}")]
        if args.postgres:
            reset_database(args.postgres)
            hops.insert(0, ("PostgreSQL", args.postgres))
        current = first
        for name, url in hops:
            target = api.engine(url)
            step(f"import into {name} (checks first)",
                 partial(archive.import_archive, target, current), rows)  # fmt: skip
            out = work / f"from-{name.lower()}.zip"
            step(f"export {name}", partial(archive.export_archive, target, out), rows)
            current = out
            store.engine_for(url).dispose()
        step("verify an archive alone (checksums, rows)", lambda: archive.verify(current), rows)
        if args.postgres:
            reset_database(args.postgres)


if __name__ == "__main__":
    main()
