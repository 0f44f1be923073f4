"""Every indicator's results, worked out once per version of the data and stored in the database.

Working out every indicator reads every current row (seconds at England scale), so the results are
stored (`metrics.db.results_store`) under a key that changes whenever a figure or a status could:
the data version (any upload or roll back), the targets in force, the registry and the
calculation code itself, and the day they are judged on. Whoever changes the data stores the new
results straight away (`api.refresh_results`), so no page view has to work them out; any process
that finds nothing stored works them out and stores them for the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import polars as pl
from sqlalchemy.engine import Engine

from metrics.db import results_store
from metrics.registry import Registry

_CODE = Path(__file__).resolve().parent


@cache
def _code_digest() -> str:
    """The calculation code and registry files as deployed: a new release never reads results
    stored by an older one."""
    digest = hashlib.sha256()
    for path in sorted(_CODE.rglob("*")):
        if path.suffix in {".py", ".toml"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_CODE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(reg: Registry) -> str:
    """The registry (targets included) and the calculation code, in 16 hex digits."""
    text = _code_digest() + reg.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached(
    engine: Engine, data_key: str, judged_on: dt.date, work: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """The results stored under this key and day, or `work()`'s, stored for next time."""
    with engine.connect() as conn:
        try:
            found = results_store.read(conn, data_key, judged_on)
        except (pl.exceptions.PolarsError, OSError):
            found = None  # unreadable (a half-written or foreign blob): work them out again
    if found is not None:
        return found
    started = time.perf_counter()
    out = work()
    results_store.write(engine, data_key, judged_on, out, time.perf_counter() - started)
    return out
