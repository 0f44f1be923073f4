"""How long suppression takes: every result of an area, as the publication view publishes it.

    uv run python benchmarks/disclosure.py [--records N]

Prints, for the demo data and for a generated area with N EHC plans at each of 12 snapshots
and N requests, the result rows, the time `metrics.disclosure.suppress_results` takes (best
of three) and how many figures it holds back. Suppression works table by table (an
indicator's period, its related measures', a running total's periods), so its time grows with
the number of periods and breakdown groups, not with the number of records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics import api, datasets, disclosure  # noqa: E402
from metrics.compute import compute_all  # noqa: E402
from metrics.db import store  # noqa: E402

TODAY = dt.date(2026, 11, 27)


def best_of_three(results: pl.DataFrame) -> tuple[float, pl.DataFrame]:
    times, out = [], results
    for _ in range(3):
        start = time.perf_counter()
        out = disclosure.suppress_results(results, 5, registry=api.registry())
        times.append(time.perf_counter() - start)
    return min(times), out


def demo_results() -> pl.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        eng = store.ready_engine(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        api.seed(eng, api.registry(), ROOT / "seed_data")
        out = api.compute(eng, api.registry(), on=TODAY)
        eng.dispose()
        return out


def _choice(rng: random.Random, dataset: str, column: str) -> str:
    return rng.choice(datasets.get(dataset).column(column).allowed_values)


def generated_results(records: int) -> pl.DataFrame:
    rng = random.Random(18)
    snapshots = [dt.date(2025, m, 15) for m in range(1, 13)]
    plans = [
        {
            "case_ref": f"P{i}",
            "snapshot_date": snap,
            "age": rng.randint(0, 25),
            **{c: _choice(rng, "ehc_plans", c) for c in ("sex", "ethnic_group", "primary_need")},
            **{
                c: _choice(rng, "ehc_plans", c)
                for c in ("short_breaks", "annual_review_held", "cyp_involved_in_review")
            },
        }
        for snap in snapshots
        for i in range(records)
    ]
    requests = []
    for i in range(records):
        received = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
        requests.append(
            {
                "case_ref": f"R{i}",
                "request_received_date": received,
                "request_decision_date": received + dt.timedelta(days=rng.randint(20, 60)),
                "request_outcome": "assess",
                "assessment_outcome": "plan_issued",
                "plan_issued_date": received + dt.timedelta(days=rng.randint(60, 400)),
                "exception_20_weeks": rng.choice(["no", "no", "no", "yes"]),
                "mediation_or_tribunal": "no",
                "age_at_request": rng.randint(0, 25),
                **{
                    c: _choice(rng, "ehc_requests", c)
                    for c in ("sex", "ethnic_group", "primary_need", "waiting_support_offered")
                },
            }
        )
    frames = {
        "ehc_plans": pl.DataFrame(plans).lazy(),
        "ehc_requests": pl.DataFrame(requests).lazy(),
    }
    return compute_all(frames, api.registry(), today=TODAY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    print(f"{'data':<34} {'result rows':>11} {'seconds':>8} {'held back':>10}")
    for name, make in (
        ("demo data (seed)", demo_results),
        (f"generated, {args.records:,} plans a month", lambda: generated_results(args.records)),
    ):
        results = make()
        seconds, out = best_of_three(results)
        held = disclosure.suppressed_cells(out)
        print(f"{name:<34} {results.height:>11,} {seconds:>8.2f} {held:>10,}")


if __name__ == "__main__":
    main()
