"""Write SYNTHETIC England-scale data for the benchmarks: one CSV per upload type.

    uv run python benchmarks/generate.py [--rows N] [--out DIR]

`--rows` is the number of EHC needs assessment requests (default 1,000,000: 150 local
authorities over the ten calendar years 2016-2025). Our datasets describe ONE local area, so at
this scale the rows are treated as one very large area; every reference starts with its
authority's code (LA001 ... LA150) so references stay unique. The other record-level datasets
are sized in proportion (see `SHARE`); the Action Plan milestones and the counted values do not
grow with the population, so they are the demo's own files. The files are in exactly the format
officers upload (UK dates, yes/no, the template's headings). A fixed seed makes every run
byte-identical. Nothing here describes a real child.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from metrics.datasets import PRIMARY_NEED

SEED = 20251127
HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SEED_DIR = HERE.parent / "seed_data"
AUTHORITIES = 150
FIRST_YEAR, YEARS = 2016, 10
# Latest date in any file: the data is extracted a little before the benchmark runs.
EXTRACTED = dt.date(2026, 10, 31)
UK_DATE = "%d/%m/%Y"

# Rows of each record-level dataset per EHC needs assessment request. EHC plans are ten
# January census snapshots; a snapshot holds about as many plans as ten years of requests
# divided by ten (England's stock is larger, but this keeps the whole set near the size the
# targets are set for, with plans the second largest dataset).
SHARE = {
    "ehc_plans": 1.0,
    "survey_responses": 0.25,
    "panel_requests": 0.1,
    "ap_placements": 0.05,
    "work_opportunities": 0.02,
    "codesign_activities": 0.002,
}
# The Action Plan and the counted values are one area's, whatever the population: the demo's.
COPIED = ("milestones", "indicator_values")

SEX = {"male": 0.7, "female": 0.28, "other": 0.01, "not_known": 0.01}
ETHNIC = {
    "white": 0.55, "asian": 0.13, "black": 0.1, "mixed": 0.09,
    "any_other": 0.05, "chinese": 0.01, "not_known": 0.07,
}  # fmt: skip
_NEED_SHARE = {"ASD": 0.33, "SLCN": 0.2, "SEMH": 0.16, "MLD": 0.08, "SPLD": 0.05, "SLD": 0.05}
NEED = _NEED_SHARE | {
    n: (1 - sum(_NEED_SHARE.values())) / (len(PRIMARY_NEED) - len(_NEED_SHARE))
    for n in PRIMARY_NEED
    if n not in _NEED_SHARE
}
QUESTIONS = {  # question code -> respondent groups asked it (briefs/ids.md)
    "iag_offer_good": ("parent_carer",),
    "transition_iag_benefit": ("parent_carer", "family"),
    "prof_knowledge_improved": ("professional",),
    "wider_workforce_awareness": ("parent_carer", "young_person"),
    "felt_included_universal": ("young_person",),
}
RESPONSES = {
    "strongly_agree": 0.2, "agree": 0.35, "neither": 0.15,
    "disagree": 0.15, "strongly_disagree": 0.08, "dont_know": 0.07,
}  # fmt: skip


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> pl.Series:
    values = list(weights)
    p = np.array(list(weights.values()), dtype=float)
    return pl.Series(np.array(values)[rng.choice(len(values), size=n, p=p / p.sum())])


def _yes(rng: np.random.Generator, share: float, n: int) -> pl.Series:
    return pl.Series(np.where(rng.random(n) < share, "yes", "no"))


def _days(start: dt.date, offsets: np.ndarray) -> pl.Series:
    return pl.Series(np.datetime64(start) + offsets.astype("timedelta64[D]")).cast(pl.Date)


def _refs(prefix: str, la: np.ndarray) -> pl.Expr:
    """LA017-REQ-0001234: the authority's code, then a number unique in the file."""
    return pl.format(
        "LA{}-{}-{}",
        pl.lit(pl.Series(la + 1)).cast(pl.String).str.zfill(3),
        pl.lit(prefix),
        pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7),
    )


def _year_span() -> tuple[dt.date, int]:
    first = dt.date(FIRST_YEAR, 1, 1)
    return first, (dt.date(FIRST_YEAR + YEARS, 1, 1) - first).days


def ehc_requests(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Requests received 2016-2025; decisions, assessments and plans as SEN2 records them."""
    first, span = _year_span()
    received = rng.integers(0, span, n)
    outcome = _choice(rng, {"assess": 0.76, "not_assess": 0.2, "withdrawn": 0.03,
                            "pending": 0.01}, n)  # fmt: skip
    decided_after = np.where(rng.random(n) < 0.12, rng.integers(43, 70, n), rng.integers(14, 43, n))
    assessment = _choice(rng, {"plan_issued": 0.86, "not_issued": 0.1, "withdrawn": 0.02,
                               "pending": 0.02}, n)  # fmt: skip
    # Half of plans are issued within 20 weeks (England: 46% in 2024).
    issued_after = decided_after + np.where(
        rng.random(n) < 0.5, rng.integers(40, 98, n), rng.integers(98, 330, n)
    )
    extracted = (EXTRACTED - first).days
    frame = pl.DataFrame(
        {
            "received": received,
            "outcome": outcome,
            "assessment": assessment,
            "decided": received + decided_after,
            "issued": received + issued_after,
        }
    ).with_columns(
        # no assessment took place (not assessed, withdrawn, or no decision yet): left blank
        assessment=pl.when(pl.col("outcome") != "assess")
        .then(pl.lit(None, dtype=pl.String))
        .when((pl.col("assessment") == "plan_issued") & (pl.col("issued") >= extracted))
        .then(pl.lit("pending"))  # not issued yet when the data was extracted
        .otherwise(pl.col("assessment")),
    )
    start = pl.lit(first)
    day = lambda c: start + pl.duration(days=pl.col(c))  # noqa: E731
    return frame.select(
        case_ref=_refs("REQ", rng.integers(0, AUTHORITIES, n)),
        request_received_date=day("received"),
        request_decision_date=pl.when(pl.col("outcome").is_in(["assess", "not_assess"])).then(
            day("decided")
        ),
        request_outcome=pl.col("outcome"),
        assessment_outcome=pl.col("assessment"),
        plan_issued_date=pl.when(pl.col("assessment") == "plan_issued").then(day("issued")),
        exception_20_weeks=_yes(rng, 0.08, n),
        mediation_or_tribunal=_yes(rng, 0.05, n),
        age_at_request=pl.Series(rng.integers(0, 26, n)),
        sex=_choice(rng, SEX, n),
        ethnic_group=_choice(rng, ETHNIC, n),
        primary_need=_choice(rng, NEED, n),
        waiting_support_offered=_yes(rng, 0.8, n),
    )


def census_day(year: int) -> dt.date:
    """The January school census: the third Thursday of January."""
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)


def ehc_plans(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Ten January snapshots; the caseload grows by about a tenth a year, and a plan keeps its
    reference from one snapshot to the next."""
    growth = np.linspace(0.6, 1.4, YEARS)
    sizes = np.floor(growth / growth.sum() * n).astype(int)
    sizes[-1] += n - sizes.sum()
    # Snapshot k holds plans numbered starting[k] .. starting[k] + size - 1: each year the
    # oldest tenth leave (aged out, needs met) and new plans join at the top.
    starting = np.concatenate([[0], np.cumsum((sizes[:-1] * 0.1).astype(int))])
    plan_no = np.concatenate([s + np.arange(z) for s, z in zip(starting, sizes, strict=True)])
    censuses = [np.datetime64(census_day(FIRST_YEAR + 1 + k)) for k in range(YEARS)]
    snapshot = np.repeat(np.array(censuses, dtype="datetime64[D]"), sizes)
    held = _yes(rng, 0.85, n)
    involved = np.where(rng.random(n) < 0.8, "yes", "no")
    return pl.DataFrame(
        {
            "case_ref": pl.Series(plan_no).cast(pl.String).str.zfill(7),
            "snapshot_date": pl.Series(snapshot).cast(pl.Date),
            "age": rng.integers(0, 26, n),
            "sex": _choice(rng, SEX, n),
            "ethnic_group": _choice(rng, ETHNIC, n),
            "primary_need": _choice(rng, NEED, n),
            "short_breaks": _yes(rng, 0.3, n),
            "annual_review_held": held,
            "cyp_involved_in_review": pl.Series(np.where(held == "yes", involved, "")),
        }
    ).with_columns(
        case_ref=pl.format("LA{}-PLAN-{}", (pl.col("case_ref").cast(pl.Int64) % AUTHORITIES + 1)
                           .cast(pl.String).str.zfill(3), pl.col("case_ref")),
        cyp_involved_in_review=pl.when(pl.col("cyp_involved_in_review") != "").then(
            pl.col("cyp_involved_in_review")
        ),
    )  # fmt: skip


def survey_responses(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Each respondent answers two different questions, in the financial years 2016-17 on."""
    first = dt.date(FIRST_YEAR, 4, 1)
    span = (dt.date(FIRST_YEAR + YEARS, 4, 1) - first).days
    respondent = np.arange(n) // 2
    codes = list(QUESTIONS)
    question_no = (respondent + np.arange(n) % 2) % len(codes)
    groups = [QUESTIONS[codes[q]] for q in question_no]
    pick = rng.integers(0, 2, n)
    answered = np.repeat(rng.integers(0, span, (n + 1) // 2), 2)[:n]
    return pl.DataFrame(
        {
            "response_ref": pl.Series(respondent + 1).cast(pl.String).str.zfill(8),
            "response_date": _days(first, answered),
            "respondent_group": [g[p % len(g)] for g, p in zip(groups, pick, strict=True)],
            "question": np.array(codes)[question_no],
            "response": _choice(rng, RESPONSES, n),
        }
    ).with_columns(response_ref=pl.format("LA{}-S-{}", pl.lit(pl.Series(
        rng.integers(1, AUTHORITIES + 1, (n + 1) // 2).repeat(2)[:n])).cast(pl.String)
        .str.zfill(3), pl.col("response_ref")))  # fmt: skip


def panel_requests(rng: np.random.Generator, n: int) -> pl.DataFrame:
    first, span = _year_span()
    return pl.DataFrame(
        {
            "request_ref": pl.Series([""] * n),
            "panel_date": _days(first, rng.integers(0, span, n)),
            "request_type": _choice(rng, {"ehc_needs_assessment": 0.7,
                                          "alternative_provision": 0.2, "other": 0.1}, n),
            "quality_rating": _choice(rng, {"high": 0.5, "adequate": 0.35, "low": 0.15}, n),
        }
    ).with_columns(request_ref=_refs("PR", rng.integers(0, AUTHORITIES, n)))  # fmt: skip


def ap_placements(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Placements from September 2016; a fifth still open; some children placed twice."""
    first = dt.date(FIRST_YEAR, 9, 1)
    span = (EXTRACTED - first).days - 30
    start = rng.integers(0, span, n)
    length = rng.integers(20, 400, n)
    end = np.minimum(start + length, (EXTRACTED - first).days)
    open_ = rng.random(n) < 0.2
    placed_by = _choice(rng, {"school": 0.6, "local_authority": 0.4}, n)
    return pl.DataFrame(
        {
            "placement_ref": pl.Series([""] * n),
            "child_ref": pl.Series((np.arange(n) * 0.8).astype(int) + 1)
            .cast(pl.String)
            .str.zfill(7),
            "start_date": _days(first, start),
            "end_date": _days(first, end),
            "placed_by": placed_by,
            "notified_to_la": _yes(rng, 0.7, n),
            "provider_quality_assured": _yes(rng, 0.75, n),
            "panel_quality_rating": _choice(
                rng, {"high": 0.4, "adequate": 0.3, "low": 0.1, "not_rated": 0.2}, n
            ),
            "sen_status": _choice(rng, {"ehc_plan": 0.4, "sen_support": 0.45, "none": 0.15}, n),
        }
    ).with_columns(
        placement_ref=_refs("AP", rng.integers(0, AUTHORITIES, n)),
        child_ref=pl.format("CYP-{}", pl.col("child_ref")),
        end_date=pl.when(pl.lit(pl.Series(~open_))).then(pl.col("end_date")),
    )


def work_opportunities(rng: np.random.Generator, n: int) -> pl.DataFrame:
    first = dt.date(FIRST_YEAR, 9, 1)
    span = (EXTRACTED - first).days
    return pl.DataFrame(
        {
            "opportunity_ref": pl.Series([""] * n),
            "opportunity_type": _choice(rng, {"apprenticeship": 0.45,
                                              "supported_internship": 0.45, "traineeship": 0.1},
                                        n),
            "offered_date": _days(first, rng.integers(0, span, n)),
            "taken_up": _yes(rng, 0.65, n),
            "sen_status": _choice(rng, {"ehc_plan": 0.6, "sen_support": 0.4}, n),
        }
    ).with_columns(opportunity_ref=_refs("WO", rng.integers(0, AUTHORITIES, n)))  # fmt: skip


def codesign_activities(rng: np.random.Generator, n: int) -> pl.DataFrame:
    first = dt.date(FIRST_YEAR, 4, 1)
    span = (EXTRACTED - first).days - 200
    start = rng.integers(0, span, n)
    done = rng.random(n) < 0.8
    return pl.DataFrame(
        {
            "activity_ref": pl.Series([""] * n),
            "title": pl.Series([f"Co-designed activity {i + 1}" for i in range(n)]),
            "priority": pl.Series(rng.integers(1, 6, n)).cast(pl.String),
            "start_date": _days(first, start),
            "completed_date": _days(first, start + rng.integers(30, 200, n)),
            "involved_from_start": _yes(rng, 0.7, n),
            "feedback_given": _yes(rng, 0.7, n),
            "reported_feeling_heard": _yes(rng, 0.75, n),
        }
    ).with_columns(
        activity_ref=_refs("CD", rng.integers(0, AUTHORITIES, n)),
        completed_date=pl.when(pl.lit(pl.Series(done))).then(pl.col("completed_date")),
    )


BUILDERS = {
    "ehc_requests": ehc_requests,
    "ehc_plans": ehc_plans,
    "survey_responses": survey_responses,
    "panel_requests": panel_requests,
    "ap_placements": ap_placements,
    "work_opportunities": work_opportunities,
    "codesign_activities": codesign_activities,
}


def sizes(rows: int) -> dict[str, int]:
    """Rows of each generated dataset for `rows` EHC needs assessment requests."""
    return {"ehc_requests": rows} | {name: max(10, round(rows * s)) for name, s in SHARE.items()}


def generate(rows: int, out: Path = OUT) -> dict[str, int]:
    """Write every file into `out`; returns the rows written per dataset."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for name, n in sizes(rows).items():
        rng = np.random.default_rng([SEED, list(BUILDERS).index(name)])
        frame = BUILDERS[name](rng, n)
        frame.write_csv(out / f"{name}.csv", date_format=UK_DATE)
        written[name] = frame.height
    for name in COPIED:
        shutil.copyfile(SEED_DIR / f"{name}.csv", out / f"{name}.csv")
        written[name] = sum(1 for _ in (out / f"{name}.csv").open(encoding="utf-8")) - 1
    (out / "manifest.json").write_text(json.dumps({"rows": rows, "seed": SEED, "files": written}))
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="EHC needs assessment requests")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for name, n in generate(args.rows, args.out).items():
        print(f"{name:<22}{n:>12,} rows")


if __name__ == "__main__":
    main()
