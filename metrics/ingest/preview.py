"""What an upload would change, worked out before anything is written.

Before = the indicators computed from the current rows. After = the same computation with the
dataset's current rows in the upload's periods replaced by the uploaded rows, exactly as
`store.write_batch` would replace them. Reads the database; writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from metrics import compute
from metrics.compute.frames import needed_columns
from metrics.db import store
from metrics.ingest import left_out
from metrics.ingest.validate import Validation
from metrics.registry import Indicator, Registry

HEADLINE = ["numerator", "denominator", "value", "status", "note"]
CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "indicator_id": pl.String(),
    "title": pl.String(),
    "period": pl.String(),
    "period_start": pl.Date(),
    **{f"{side}_{c}": pl.Float64() for side in ("before", "after") for c in HEADLINE[:3]},
    "before_status": pl.String(),
    "after_status": pl.String(),
    "before_note": pl.String(),
    "after_note": pl.String(),
}
SUPERSEDED_SCHEMA: dict[str, pl.DataType] = {
    "batch_id": pl.Int64(),
    "file_name": pl.String(),
    "uploaded_by": pl.String(),
    "uploaded_at": pl.Datetime(time_zone="UTC"),
    "rows": pl.UInt32(),
}


@dataclass(frozen=True)
class Preview:
    dataset: str
    rows_added: int
    periods: list[str]  # the upload's periods (period keys), each replacing what is stored
    rows_superseded: int
    superseded: pl.DataFrame  # SUPERSEDED_SCHEMA: the batches whose rows stop counting
    changes: pl.DataFrame  # CHANGE_SCHEMA: headline figures that change, before and after

    @property
    def superseded_batches(self) -> list[int]:
        return self.superseded.get_column("batch_id").to_list()

    @property
    def indicators_changed(self) -> list[str]:
        return self.changes.get_column("indicator_id").unique(maintain_order=True).to_list()

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "rows_added": self.rows_added,
            "periods": self.periods,
            "rows_superseded": self.rows_superseded,
            "superseded": self.superseded.to_dicts(),
            "indicators_changed": self.indicators_changed,
            "changes": self.changes.to_dicts(),
        }


def affected_indicators(registry: Registry, dataset: str) -> list[Indicator]:
    """Indicators whose figures depend on a dataset (a series also reads its event milestone)."""
    return [
        i
        for i in registry.indicators
        if i.source.dataset == dataset
        or (dataset == "milestones" and i.source.event_milestone is not None)
    ]


def needed_datasets(indicators: list[Indicator], dataset: str) -> set[str]:
    """The datasets a preview of an upload of `dataset` reads (the indicators it affects)."""
    names = {dataset, *(i.source.dataset for i in indicators)}
    if any(i.source.event_milestone for i in indicators):
        names.add("milestones")
    return names


def headline_only(indicator: Indicator) -> Indicator:
    """The indicator without its breakdowns and bands: the preview shows headline figures, and
    working out the rest for a million rows would double its time."""
    src = indicator.source
    if not src.breakdowns and not src.bands:
        return indicator
    lean = src.model_copy(update={"breakdowns": (), "bands": ()})
    return indicator.model_copy(update={"source": lean})


def _headlines(
    indicators: list[Indicator], frames: dict[str, pl.LazyFrame], registry: Registry,
    today: dt.date,
) -> pl.LazyFrame:  # fmt: skip
    parts = [
        compute.compute_indicator(headline_only(i), frames, registry, today=today)
        .filter(pl.col("breakdown").is_null())
        .select("indicator_id", "period", "period_start", *HEADLINE)
        for i in indicators
    ]
    if not parts:
        return pl.LazyFrame(
            schema={"indicator_id": pl.String(), "period": pl.String(),
                    "period_start": pl.Date(), **{c: CHANGE_SCHEMA[f"before_{c}"]
                                                  for c in HEADLINE}},
        )  # fmt: skip
    return pl.concat(parts, how="vertical")


def _differs(column: str) -> pl.Expr:
    return pl.col(f"before_{column}").ne_missing(pl.col(f"after_{column}"))


def preview(
    engine: Engine,
    registry: Registry,
    dataset: str,
    validation: Validation,
    *,
    today: dt.date,
) -> Preview:
    """Rows added, periods affected, rows superseded (and from which batches), and the headline
    figures that would change, before and after."""
    indicators = affected_indicators(registry, dataset)
    with engine.connect() as conn:
        # only the columns the affected indicators use, as `api.load_frames` reads them: at
        # England scale the dataset uploaded to holds millions of rows
        current = {
            name: store.read_active(
                conn, name, ["batch_id", "period_key", *needed_columns(indicators, name)]
            )
            for name in needed_datasets(indicators, dataset)
        }
        batches = store.read_batches(conn)
        # what a left-out column would hold once stored: the values stored now
        new_rows = left_out.fill_from_database(conn, validation.rows, dataset, validation.left_out)
    periods = validation.periods

    stored = current[dataset]
    replaced = stored.filter(pl.col("period_key").is_in(periods))
    superseded = (
        replaced.group_by("batch_id")
        .agg(rows=pl.len())
        .join(batches.rename({"id": "batch_id"}), on="batch_id", how="left")
        .select(*SUPERSEDED_SCHEMA)
        .sort("batch_id")
        .cast(SUPERSEDED_SCHEMA)  # type: ignore[arg-type]
    )

    before_frames = {name: frame.lazy() for name, frame in current.items()}
    after_frames = dict(before_frames)
    kept = stored.filter(~pl.col("period_key").is_in(periods))
    after_frames[dataset] = pl.concat(
        [kept.lazy(), new_rows.lazy().select(c for c in kept.columns if c in new_rows.columns)],
        how="diagonal_relaxed",
    )
    before, after = pl.collect_all([
        _headlines(indicators, before_frames, registry, today),
        _headlines(indicators, after_frames, registry, today),
    ])  # fmt: skip
    keys = ["indicator_id", "period"]
    order = {i.id: n for n, i in enumerate(registry.indicators)}
    titles = {i.id: i.title for i in registry.indicators}
    changes = (
        before.rename({c: f"before_{c}" for c in HEADLINE})
        .join(
            after.rename({c: f"after_{c}" for c in HEADLINE}),
            on=keys,
            how="full",
            coalesce=True,
            suffix="_after",
        )
        .with_columns(period_start=pl.coalesce("period_start", "period_start_after"))
        .filter(pl.any_horizontal(_differs(c) for c in HEADLINE))
        .with_columns(
            title=pl.col("indicator_id").replace_strict(titles, default=None),
            _order=pl.col("indicator_id").replace_strict(order, default=None),
        )
        .sort("_order", "period_start", "period")
        .select(*CHANGE_SCHEMA)
        .cast(CHANGE_SCHEMA)  # type: ignore[arg-type]
    )
    return Preview(
        dataset=dataset,
        rows_added=new_rows.height,
        periods=periods,
        rows_superseded=replaced.height,
        superseded=superseded,
        changes=changes,
    )
