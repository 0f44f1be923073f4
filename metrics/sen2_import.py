"""Import a SEN2 return: check, preview, store, through the same batches and audit as uploads.

A SEN2 return describes the requests it holds, not whole years: each return leaves out work
completed the year before, and repeats active plans as historical (H) requests with little
detail. So an import merges rather than replaces:

- a request already stored (the same case reference) is updated with what the return says; a
  value the return leaves blank, and anything an H request says, never replaces a stored value;
- a new request is added, unless it is historical (H): an H request the store does not hold
  yet was decided before the collection period, and adding it alone would count it in an
  earlier year's figures beside the requests already counted there; it counts only towards
  the active plans;
- a stored request the return leaves out is kept as it is.

Storage keeps the batch model: the import writes one `ehc_requests` batch holding every request
of the calendar years the return touches (merged, added and kept), which supersedes the rows
stored for those years, and one `ehc_plans` batch, the snapshot of active plans at the return's
ReferenceDate. Rolling back either batch rolls back both (the plans batch names the requests
batch it was stored with) and brings back exactly what was stored before it, since superseded
rows are never changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy.engine import Connection, Engine

from metrics import audit, datasets, ingest, pseudonym
from metrics.db import store
from metrics.ingest import sen2
from metrics.ingest.validate import PROBLEM_SCHEMA, Validation, problem
from metrics.registry import Registry
from metrics.settings import Settings

REQUESTS, PLANS = "ehc_requests", "ehc_plans"
MEGABYTE = 1_048_576
looks_like_xml = sen2.looks_like_xml


@dataclass
class Checked:
    """A return read and checked, nothing written: its problems, or the rows it gives."""

    file_name: str
    sha256: str
    ret: sen2.Sen2Return | None
    problems: pl.DataFrame
    key: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return self.problems.height == 0 and self.ret is not None


def _refused(file_name: str, digest: str, what: str, fix: str) -> Checked:
    table = pl.DataFrame([problem(None, None, file_name, what, fix)], schema=PROBLEM_SCHEMA)
    return Checked(file_name, digest, None, table)


def check(
    engine: Engine | None, content: bytes, file_name: str, *, today: dt.date,
    max_mb: int | None = None,
) -> Checked:  # fmt: skip
    """Read and check a return; with an engine, also that the key is the one used before."""
    digest = hashlib.sha256(content).hexdigest()
    limit = (max_mb if max_mb is not None else Settings().max_upload_mb) * MEGABYTE
    if len(content) > limit:
        return _refused(
            file_name, digest, f"The file is larger than the limit of {limit // MEGABYTE} MB.",
            "Ask the administrator to raise MEASURES_MAX_UPLOAD_MB for the SEN2 return.",
        )  # fmt: skip
    try:
        key = pseudonym.require_key()
        if engine is not None:
            with engine.connect() as conn:
                pseudonym.check_matches(conn, key)
    except pseudonym.KeyProblem as err:
        return _refused(file_name, digest, str(err), "Set the key, then upload the file again.")
    ret = sen2.read(content, key=key, today=today)
    return Checked(file_name, digest, ret, ret.problems, key)


# ---------------------------------------------------------------------------------------------
# Merging a return into what is stored
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    requests: pl.DataFrame  # the ehc_requests batch: dataset columns, row_number, period_key
    plans: pl.DataFrame  # the ehc_plans batch
    new: int
    changed: int
    unchanged: int
    kept: int  # stored requests of those years the return leaves out, kept as they are
    changed_fields: dict[str, int]  # column -> requests whose value changes
    historical_only: int  # H requests not stored before: counted in the active plans only


def _columns(dataset: str) -> list[str]:
    return datasets.get(dataset).column_names


def merge(stored: pl.DataFrame, stored_plans: pl.DataFrame, ret: sen2.Sen2Return) -> Merge:
    """The rows the import stores, from the current stored rows and the return's."""
    cols = _columns(REQUESTS)
    values = [c for c in cols if c != "case_ref"]
    schema = store.polars_schema(REQUESTS)
    new = ret.requests
    old = (
        stored.select(cols)
        .rename({c: f"{c}__s" for c in values})
        .with_columns(_stored=pl.lit(True))
    )
    joined = new.join(old, on="case_ref", how="left", maintain_order="left")
    historical = pl.col("historical")
    unknown_historical = historical & pl.col("_stored").is_null()
    historical_only = joined.filter(unknown_historical).height + ret.undated_historical
    joined = joined.filter(~unknown_historical)
    merged = joined.with_columns(
        # an H request holds little and may be less than we know: it never overrides
        pl.when(historical)
        .then(pl.coalesce(f"{c}__s", c))
        .otherwise(pl.coalesce(c, f"{c}__s"))
        .alias(c)
        for c in values
    )
    matched = pl.col("_stored").fill_null(False)
    differs = {c: matched & pl.col(f"{c}__s").ne_missing(pl.col(c)) for c in values}
    flags = merged.select(
        matched.alias("matched"), *(e.alias(c) for c, e in differs.items())
    ).with_columns(any=pl.any_horizontal(values))
    periods = merged.get_column("period_key").unique().to_list()
    kept = stored.filter(
        pl.col("period_key").is_in(periods),
        ~pl.col("case_ref").is_in(merged.get_column("case_ref").implode()),
    )
    rows = pl.concat(
        [
            merged.select(*cols, "row_number", "period_key").cast(schema),  # type: ignore[arg-type]
            kept.select(*cols, "row_number", "period_key").cast(schema),  # type: ignore[arg-type]
        ]
    )
    changed_fields = {c: n for c in values if (n := int(flags.get_column(c).sum())) > 0}
    plans = _merge_plans(stored_plans, ret.plans)
    return Merge(
        requests=rows,
        plans=plans,
        new=int((~flags.get_column("matched")).sum()),
        changed=int(flags.get_column("any").sum()),
        unchanged=int((flags.get_column("matched") & ~flags.get_column("any")).sum()),
        kept=kept.height,
        changed_fields=changed_fields,
        historical_only=historical_only,
    )


def _merge_plans(stored: pl.DataFrame, plans: pl.DataFrame) -> pl.DataFrame:
    """The snapshot at the ReferenceDate; what SEN2 does not hold (short breaks, ...) is taken
    from a plan stored for the same child on the same date, if an officer uploaded it."""
    cols = _columns(PLANS)
    key = ["case_ref", "snapshot_date"]
    values = [c for c in cols if c not in key]
    same = stored.select(cols).rename({c: f"{c}__s" for c in values})
    joined = plans.join(same, on=key, how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce(c, f"{c}__s").alias(c) for c in values).select(
        *cols, "row_number", "period_key"
    )


def _stored(conn: Connection) -> tuple[pl.DataFrame, pl.DataFrame]:
    return store.read_active(conn, REQUESTS), store.read_active(conn, PLANS)


# ---------------------------------------------------------------------------------------------
# Preview
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    merge: Merge
    requests: ingest.Preview  # what the requests batch does to the figures
    plans: ingest.Preview | None
    reference_date: dt.date | None
    year: str | None

    @property
    def changes(self) -> pl.DataFrame:
        parts = [self.requests.changes] + ([self.plans.changes] if self.plans else [])
        return pl.concat(parts)

    def to_dict(self) -> dict[str, object]:
        m = self.merge
        return {
            "year": self.year,
            "reference_date": self.reference_date,
            "requests_new": m.new,
            "requests_changed": m.changed,
            "requests_unchanged": m.unchanged,
            "requests_kept": m.kept,
            "changed_fields": m.changed_fields,
            "historical_for_active_plans_only": m.historical_only,
            "active_plans": m.plans.height,
            "request_periods": self.requests.periods,
            "plans_replaced": self.plans.rows_superseded if self.plans else 0,
            "changes": self.changes.to_dicts(),
        }


def _as_validation(dataset: str, rows: pl.DataFrame) -> Validation:
    return Validation(datasets.get(dataset), rows, pl.DataFrame(schema=PROBLEM_SCHEMA))


def preview(engine: Engine, registry: Registry, checked: Checked, *, today: dt.date) -> Preview:
    """New, changed (with the fields) and unchanged requests, and the figures that change."""
    assert checked.ok and checked.ret is not None
    with engine.connect() as conn:
        m = merge(*_stored(conn), checked.ret)
    requests = ingest.preview(
        engine, registry, REQUESTS, _as_validation(REQUESTS, m.requests), today=today
    )
    plans = (
        ingest.preview(engine, registry, PLANS, _as_validation(PLANS, m.plans), today=today)
        if m.plans.height
        else None
    )
    return Preview(m, requests, plans, checked.ret.reference_date, checked.ret.year)


def preview_sentences(p: Preview) -> list[str]:
    m = p.merge
    lines = [
        f"This SEN2 return ({p.year or 'year not given'}, reference date "
        f"{_uk(p.reference_date)}) holds "
        f"{_n(m.new + m.changed + m.unchanged + m.historical_only, 'request')}: "
        f"{m.new:,} new, {m.changed:,} changed and {m.unchanged:,} unchanged"
        + (f", and {m.historical_only:,} historical (below)." if m.historical_only else "."),
    ]
    if m.changed_fields:
        fields = ", ".join(f"{c} ({n:,})" for c, n in m.changed_fields.items())
        lines.append(f"What changes in the requests already stored: {fields}.")
    if m.kept:
        they = "It is" if m.kept == 1 else "They are"
        lines.append(
            f"{_n(m.kept, 'request')} stored for the same years {_is(m.kept)} not in this "
            f"return. {they} kept as stored: a return leaves out work completed before."
        )
    if m.historical_only:
        lines.append(
            f"{_n(m.historical_only, 'historical (H) request')} not stored before "
            f"({'was' if m.historical_only == 1 else 'were'} decided in an earlier year) "
            f"{'counts' if m.historical_only == 1 else 'count'} only towards the active plans."
        )
    lines.append(
        f"Active EHC plans on {_uk(p.reference_date)}: {m.plans.height:,}, stored as the "
        "snapshot for that date"
        + (
            f", replacing the {p.plans.rows_superseded:,} plans stored for that month."
            if p.plans and p.plans.rows_superseded
            else "."
        )
    )
    lines.append(
        "Nothing identifying is kept: each person becomes a reference made with your "
        "pseudonym key; support while waiting and short breaks are not in SEN2 and stay "
        "unknown unless uploaded."
    )
    return lines


def _n(n: int, word: str) -> str:
    return f"1 {word}" if n == 1 else f"{n:,} {word}s"


def _is(n: int) -> str:
    return "is" if n == 1 else "are"


def _uk(day: dt.date | None) -> str:
    return "not given" if day is None else f"{day.day} {day:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Storing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    requests_batch: int | None
    plans_batch: int | None
    merge: Merge

    @property
    def batch_ids(self) -> list[int]:
        return [b for b in (self.requests_batch, self.plans_batch) if b is not None]


def store_return(engine: Engine, checked: Checked, *, user: str, role: str | None = None) -> (
    Stored
):  # fmt: skip
    """Merge and store in one transaction: the key's fingerprint (on the first import), the
    requests batch, the plans snapshot batch and their audit events. The merge is worked out
    again under the write lock, so an upload between preview and store is never lost."""
    assert checked.ok and checked.ret is not None
    ret = checked.ret
    note = f"SEN2 return {ret.year or ''}, reference date {ret.reference_date}".replace("  ", " ")
    with store.write_transaction(engine) as conn:
        pseudonym.check_stored(conn, checked.key, user)
        m = merge(*_stored(conn), ret)
        ids: dict[str, int | None] = {REQUESTS: None, PLANS: None}
        for dataset, rows in ((REQUESTS, m.requests), (PLANS, m.plans)):
            if rows.height == 0:
                continue
            # the plans batch names the requests batch: rolling back either undoes the return
            first = next((b for b in ids.values() if b is not None), None)
            meta = store.BatchMeta(dataset, user, checked.file_name, checked.sha256, note, first)
            result = store.write_batch(conn, meta, rows)
            ids[dataset] = result.batch_id
            detail = (
                f"Stored the SEN2 return “{checked.file_name}” "
                f"({datasets.get(dataset).title}) as batch {result.batch_id}: "
                + (
                    f"{m.new} new, {m.changed} changed, {m.unchanged} unchanged and {m.kept} "
                    f"kept requests, replacing {result.rows_superseded} rows."
                    if dataset == REQUESTS
                    else f"{rows.height} active plans on {ret.reference_date}, replacing "
                    f"{result.rows_superseded} rows."
                )
            )
            audit.record_in(conn, audit.UPLOAD, user, detail, role=role, ref=str(result.batch_id))
        return Stored(ids[REQUESTS], ids[PLANS], m)


def stored_sentence(result: Stored, file_name: str) -> str:
    m = result.merge
    batches = " and ".join(str(b) for b in result.batch_ids)
    return (
        f"Stored the SEN2 return “{file_name}” as batch(es) {batches}: {m.new:,} new, "
        f"{m.changed:,} changed and {m.unchanged:,} unchanged requests, {m.kept:,} kept, and "
        f"{m.plans.height:,} active plans. Rolling back either batch undoes the whole return."
    )
