"""The few calls the CLI and the dashboard make: engine, registry, compute, seed."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.engine import Engine

from metrics import comparators, datasets, ingest, official, results_cache, targets
from metrics import compute as calculators
from metrics.compute.frames import needed_columns
from metrics.db import store, target_store
from metrics.registry import Registry, in_force, is_shipped, registry_path, version_in_force
from metrics.settings import PROJECT_ROOT, Settings, get_settings

SEED_DIR = PROJECT_ROOT / "seed_data"
SEED_USER = "demo data (synthetic)"
# The published DfE files shipped with the project (seed_data/official/PROVENANCE.md).
REFERENCE_DIR = SEED_DIR / "official"
REFERENCE_USER = "official statistics (DfE)"


def today() -> dt.date:
    """Today in the UK, whatever the server's clock zone."""
    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()


def registry() -> Registry:
    """The registry in force (MEASURES_REGISTRY, else the shipped one) as its file has it, with
    the strategy's own targets. Status is judged by `targets.effective_registry`, which has the
    targets an admin changed."""
    return in_force()


def registry_version() -> str:
    """Which registry file is in force, and which version of it: part of every cache key, so
    that choosing another registry, or editing it, shows on the next page view."""
    return version_in_force()


def demo_wanted(path: Path | None = None) -> bool:
    """The synthetic demo data belongs to the shipped registry: it is loaded for that one, or
    for another only when MEASURES_DEMO asks for it."""
    # Settings() afresh, not get_settings(): a changed .env or environment needs no restart
    return is_shipped(path or registry_path()) or Settings().demo


def engine(url: str | None = None) -> Engine:
    """A migrated engine for the configured (or given) database."""
    return store.ready_engine(url or get_settings().database_url)


def datasets_used(reg: Registry) -> list[str]:
    names = {i.source.dataset for i in reg.indicators}
    if any(i.source.event_milestone for i in reg.indicators):
        names.add("milestones")
    return sorted(names)


READERS = 2  # datasets read at once: the database's work on one overlaps decoding another


def load_frames(
    eng: Engine, reg: Registry, *, as_of: dt.datetime | None = None
) -> dict[str, pl.LazyFrame]:
    """The current rows of every dataset the registry reads, only the columns its indicators
    use (`as_of`: the rows current at that moment, UTC). The largest datasets are read first,
    a few at once, each in its own connection."""

    def read(name: str) -> pl.LazyFrame:
        with eng.connect() as conn:
            columns = needed_columns(reg.indicators, name)
            return store.read_active(conn, name, columns, as_of=as_of).lazy()

    with eng.connect() as conn:
        sizes = store.active_row_counts(conn)
    names = sorted(datasets_used(reg), key=lambda n: -sizes.get(n, 0))
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        return dict(zip(names, pool.map(read, names), strict=True))


def compute(
    eng: Engine,
    reg: Registry | None = None,
    *,
    indicator: str | None = None,
    period: str | None = None,
    on: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> pl.DataFrame:
    """Every indicator's results (or one indicator's, or one period's), judged against the
    targets in force (`targets.effective_registry`) unless a registry is given. `as_of` (UTC)
    computes from the data as it stood at that moment (`store.current_at`)."""
    reg = reg or targets.effective_registry(eng)
    frames = load_frames(eng, reg, as_of=as_of)
    when = on or today()
    if indicator is not None:
        out = calculators.compute_indicator(
            reg.indicator(indicator), frames, reg, today=when
        ).collect()
    else:
        out = calculators.compute_all(frames, reg, today=when)
    if period is not None:
        out = out.filter(pl.col("period") == period)
    return out


def results(eng: Engine, reg: Registry | None = None, *, on: dt.date | None = None) -> pl.DataFrame:
    """Every indicator's results, as `compute` gives them, read from the results stored for the
    current data (`metrics.results_cache`); worked out and stored first if none are."""
    reg = reg or targets.effective_registry(eng)
    when = on or today()
    key = f"{data_version(eng)}|{results_cache.fingerprint(reg)}"
    return results_cache.cached(eng, key, when, lambda: compute(eng, reg, on=when))


def refresh_results(eng: Engine) -> None:
    """Work out and store the results for the data as it now is: called by whatever has just
    changed the data (an upload, a roll back, a target change), so no page view has to."""
    results(eng)


def data_version(eng: Engine) -> str:
    """Changes whenever an upload, a roll back or a target change changes any figure or status."""
    with eng.connect() as conn:
        return f"{store.data_version(conn)}|targets {target_store.version(conn)}"


def seed(
    eng: Engine,
    reg: Registry | None = None,
    seed_dir: Path = SEED_DIR,
    reference_dir: Path | None = REFERENCE_DIR,
    *,
    demo: bool | None = None,
) -> list[ingest.IngestReport]:
    """What a new database starts with, through the real upload path; files already loaded
    are skipped, so running it again changes nothing.

    The official statistics the registry's comparators name are imported from `reference_dir`
    (the DfE files shipped in seed_data/official/). The synthetic demo data of the datasets the
    registry reads is loaded too when `demo` is true; by default (`demo_wanted`) only for the
    shipped registry it was made for, or when MEASURES_DEMO=1 asks for it.
    """
    reg = reg or registry()
    reports = []
    wanted = datasets_used(reg) if (demo_wanted() if demo is None else demo) else []
    for ds in datasets.DATASETS:
        path = seed_dir / f"{ds.name}.csv"
        if ds.name not in wanted:
            continue
        if not path.exists():
            continue
        reports.append(
            ingest.ingest(
                eng, ds.name, path.read_bytes(), path.name, reg, user=SEED_USER, today=today(),
                skip_if_loaded=True,
            )
        )  # fmt: skip
    if reference_dir is not None and reference_dir.is_dir():
        reports += official.import_reference(
            eng, reg, reference_dir, user=REFERENCE_USER, today=today()
        )
    return reports


def official_rows(eng: Engine) -> pl.DataFrame:
    """The current official statistics (comparators) stored."""
    return official.official_rows(eng)


def comparator_series(eng: Engine, indicator_id: str, reg: Registry | None = None) -> pl.DataFrame:
    """England, the region, the comparison group and its members for one indicator."""
    reg = reg or registry()
    return comparators.comparator_series(official_rows(eng), reg.indicator(indicator_id), reg.area)


def has_data(eng: Engine) -> bool:
    with eng.connect() as conn:
        return store.read_batches(conn).height > 0


def action_plan(eng: Engine) -> pl.DataFrame:
    """Every Action Plan milestone at its latest review, with its status against the due date."""
    from metrics.status import milestone_status_expr

    with eng.connect() as conn:
        rows = store.read_active(conn, "milestones")
    return (
        rows.lazy()
        .sort("status_date", "row_number")
        .group_by("milestone_id")
        .last()
        .with_columns(
            progress=pl.col("status"),
            status=milestone_status_expr(
                pl.col("status"), pl.col("due_date"), pl.col("status_date")
            ),
        )
        .select(
            "milestone_id",
            "priority",
            "action",
            "lead",
            "due_date",
            "status",
            "progress",
            "status_date",
            "completed_date",
            "evidence",
        )
        .sort("priority", "due_date", "milestone_id")
        .collect()
    )


def freshness(eng: Engine, reg: Registry | None = None, on: dt.date | None = None) -> pl.DataFrame:
    """Per dataset: rows held, latest data date, last upload, and whether an update is overdue.

    An update is due one reporting interval (the shortest update frequency of the indicators
    that read the dataset) after the last upload.
    """
    from metrics.registry import FREQUENCY_DAYS

    reg = reg or registry()
    when = on or today()
    with eng.connect() as conn:
        batches = store.read_batches(conn).filter(pl.col("status") != "rolled_back")
        latest_dates = {
            ds.name: store.latest_value(conn, ds.name, ds.period_column)
            for ds in datasets.DATASETS
            if ds.period_type is not None
        }
    rows = []
    for ds in datasets.DATASETS:
        used_by = [i for i in reg.indicators if i.source.dataset == ds.name]
        days = min((FREQUENCY_DAYS[i.update_frequency.value] for i in used_by), default=None)
        mine = batches.filter(pl.col("dataset") == ds.name)
        last = mine.get_column("uploaded_at").max() if mine.height else None
        last_day = last.astimezone(ZoneInfo(get_settings().timezone)).date() if last else None
        due = last_day + dt.timedelta(days=days) if last_day and days else None
        rows.append(
            {
                "dataset": ds.name,
                "title": ds.title,
                "indicators": len(used_by),
                "latest_data": latest_dates.get(ds.name),
                "last_upload": last_day,
                "next_update_due": due,
                "overdue": bool(due and due < when),
            }
        )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "latest_data": pl.Date(),
            "last_upload": pl.Date(),
            "next_update_due": pl.Date(),
        },
    )
