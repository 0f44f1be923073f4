"""Benchmark of the SEN2 import: a synthetic return for a large authority, read and stored twice.

    uv run python benchmarks/sen2.py [--persons N] [--database URL]

Writes a synthetic SEN2 return (random made-up people, every request with a plan) to
benchmarks/out/, then times, each in this one process: reading and pseudonymising it, the
preview (merge and the figures before and after) and storing it into a fresh SQLite database
(or the PostgreSQL database given, which is EMPTIED first); then the same file again, when every
request is already stored (all unchanged). Prints the figures and the peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("MEASURES_PSEUDONYM_KEY", "benchmark-key-" + "0" * 40)

import sqlalchemy as sa  # noqa: E402

from metrics import api, sen2_import  # noqa: E402
from metrics.db import store  # noqa: E402
from metrics.db.tables import metadata  # noqa: E402

TODAY = dt.date(2026, 11, 27)
NEEDS = ("ASD", "SEMH", "SLCN", "MLD", "SPLD", "PD", "HI", "VI", "SLD", "DS")
ETHNICITY = ("WBRI", "WOTH", "BAFR", "BCRB", "AIND", "APKN", "MWBC", "CHNE", "OOTH")


def synthetic_return(persons: int, seed: int = 2025) -> bytes:
    rng = random.Random(seed)
    out = [
        "<Message><Header><CollectionDetails><Collection>SEN2</Collection><Year>2025</Year>"
        "<ReferenceDate>2025-01-16</ReferenceDate></CollectionDetails></Header><Persons>"
    ]
    for n in range(persons):
        born = dt.date(2004, 1, 1) + dt.timedelta(days=rng.randint(0, 7000))
        out.append(
            f"<Person><Surname>Name{n}</Surname><Forename>Given{n}</Forename>"
            f"<PersonBirthDate>{born}</PersonBirthDate><Sex>{rng.choice('MF')}</Sex>"
            f"<Ethnicity>{rng.choice(ETHNICITY)}</Ethnicity><PostCode>ZZ9 {n % 10}ZZ</PostCode>"
            f"<UPN>B{n:012d}</UPN>"
        )
        for k in range(1 + (rng.random() < 0.3)):  # a second request later in the year
            received = dt.date(2024, 1, 1) + dt.timedelta(days=180 * k + rng.randint(0, 150))
            decided = received + dt.timedelta(days=rng.randint(20, 60))
            issued = received + dt.timedelta(days=rng.randint(100, 200))
            out.append(
                f"<Requests><ReceivedDate>{received}</ReceivedDate>"
                f"<RequestOutcomeDate>{decided}</RequestOutcomeDate><RequestOutcome>Y"
                "</RequestOutcome><RequestMediation>0</RequestMediation><RequestTribunal>0"
                "</RequestTribunal><Assessment><AssessmentOutcome>Y</AssessmentOutcome>"
                f"<Week20>{int(rng.random() < 0.1)}</Week20><NamedPlan><StartDate>{issued}"
                "</StartDate></NamedPlan></Assessment><ActivePlans><SENneed><SENtype>"
                f"{rng.choice(NEEDS)}</SENtype><SENtypeRank>1</SENtypeRank></SENneed>"
                "</ActivePlans></Requests>"
            )
        out.append("</Person>")
    out.append("</Persons></Message>")
    return "".join(out).encode()


def timed(label: str, figures: list[tuple[str, str]], work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    figures.append((label, f"{time.perf_counter() - start:.2f} s"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--database", help="a PostgreSQL URL to use (EMPTIED first)")
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    content = synthetic_return(args.persons)
    (out / "sen2_synthetic.xml").write_bytes(content)
    if args.database:
        if args.database.rstrip("/").endswith("/test"):
            raise SystemExit("The database `test` belongs to the test suite: use another.")
        with sa.create_engine(args.database).begin() as conn:
            metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        url = args.database
    else:
        path = out / "sen2_bench.sqlite3"
        for part in out.glob("sen2_bench.sqlite3*"):
            part.unlink()
        url = f"sqlite:///{path}"
    engine = store.ready_engine(url)
    registry = api.registry()
    figures: list[tuple[str, str]] = [("file", f"{len(content) / 1_048_576:.1f} MB")]
    for run in ("first import", "same file again"):
        checked = timed(
            f"{run}: read and pseudonymise", figures,
            lambda: sen2_import.check(engine, content, "sen2.xml", today=TODAY),
        )  # fmt: skip
        assert checked.ok, checked.problems.head(5)
        preview = timed(
            f"{run}: preview (merge, figures before and after)", figures,
            lambda: sen2_import.preview(engine, registry, checked, today=TODAY),  # noqa: B023
        )  # fmt: skip
        m = preview.merge
        figures.append((f"{run}: requests new / changed / unchanged",
                        f"{m.new:,} / {m.changed:,} / {m.unchanged:,}"))  # fmt: skip
        timed(
            f"{run}: store (merge again under the lock, two batches)", figures,
            lambda: sen2_import.store_return(engine, checked, user="benchmark"),  # noqa: B023
        )  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.append(("peak memory of this process", f"{peak:,.0f} MB"))
    print(f"SEN2 import, {args.persons:,} people, {engine.dialect.name}")
    for label, value in figures:
        print(f"  {label:<60} {value}")


if __name__ == "__main__":
    main()
