"""The upload preview works out headline figures only (no breakdowns or bands): for every
indicator in the registry, on the demo data, they are the headline figures of the full
calculation, to the last digit and status."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from metrics import api, compute, registry
from metrics.db import store
from metrics.ingest.preview import headline_only

REGISTRY = registry.load()
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(name="frames")
def frames_fixture(engine: Engine) -> dict[str, pl.LazyFrame]:
    assert all(r.ok for r in api.seed(engine))
    with engine.connect() as conn:
        names = {i.source.dataset for i in REGISTRY.indicators} | {"milestones"}
        return {name: store.read_active(conn, name).lazy() for name in names}


def test_headline_only_gives_the_full_calculations_headlines(frames) -> None:
    with_parts = [i for i in REGISTRY.indicators if i.source.breakdowns or i.source.bands]
    assert with_parts  # the comparison covers indicators that have breakdowns or bands
    for ind in REGISTRY.indicators:
        full = compute.compute_indicator(ind, frames, REGISTRY, today=TODAY)
        lean = compute.compute_indicator(headline_only(ind), frames, REGISTRY, today=TODAY)
        headline = pl.col("breakdown").is_null()
        assert full.filter(headline).collect().equals(lean.filter(headline).collect()), ind.id
