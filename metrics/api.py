"""The few calls the CLI and the dashboard make: engine, registry, compute, seed."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.engine import Engine

from metrics import compute as calculators
from metrics import datasets, ingest
from metrics.db import store
from metrics.registry import Registry, load
from metrics.settings import PROJECT_ROOT, get_settings

SEED_DIR = PROJECT_ROOT / "seed_data"
SEED_USER = "demo data (synthetic)"


def today() -> dt.date:
    """Today in the UK, whatever the server's clock zone."""
    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()


@cache
def registry() -> Registry:
    return load()


def engine(url: str | None = None) -> Engine:
    """A migrated engine for the configured (or given) database."""
    return store.ready_engine(url or get_settings().database_url)


def datasets_used(reg: Registry) -> list[str]:
    names = {i.source.dataset for i in reg.indicators}
    if any(i.source.event_milestone for i in reg.indicators):
        names.add("milestones")
    return sorted(names)


def load_frames(eng: Engine, reg: Registry) -> dict[str, pl.LazyFrame]:
    """The current rows of every dataset the registry reads, read in one connection."""
    with eng.connect() as conn:
        return {name: store.read_active(conn, name).lazy() for name in datasets_used(reg)}


def compute(
    eng: Engine,
    reg: Registry | None = None,
    *,
    indicator: str | None = None,
    period: str | None = None,
    on: dt.date | None = None,
) -> pl.DataFrame:
    """Every indicator's results (or one indicator's, or one period's)."""
    reg = reg or registry()
    frames = load_frames(eng, reg)
    when = on or today()
    if indicator is not None:
        out = calculators.compute_indicator(reg.indicator(indicator), frames, reg, today=when).collect()
    else:
        out = calculators.compute_all(frames, reg, today=when)
    if period is not None:
        out = out.filter(pl.col("period") == period)
    return out


def data_version(eng: Engine) -> str:
    with eng.connect() as conn:
        return store.data_version(conn)


def seed(eng: Engine, reg: Registry | None = None, seed_dir: Path = SEED_DIR) -> list[ingest.IngestReport]:
    """Load the demo data through the real upload path; files already loaded are skipped."""
    reg = reg or registry()
    reports = []
    for ds in datasets.DATASETS:
        path = seed_dir / f"{ds.name}.csv"
        if not path.exists():
            continue
        reports.append(
            ingest.ingest(
                eng, ds.name, path.read_bytes(), path.name, reg, user=SEED_USER, today=today(),
                skip_if_loaded=True,
            )
        )  # fmt: skip
    return reports


def has_data(eng: Engine) -> bool:
    with eng.connect() as conn:
        return store.read_batches(conn).height > 0
