"""Read -> validate -> preview -> write in one transaction: the one path every upload takes."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl
from sqlalchemy.engine import Engine

from metrics import datasets
from metrics.db import store
from metrics.ingest import left_out
from metrics.ingest.formulas import neutralise, neutralise_expr, neutralise_frame
from metrics.ingest.preview import Preview, preview
from metrics.ingest.reader import RawTable, UnreadableFile, read_upload, sheet_names
from metrics.ingest.validate import PROBLEM_SCHEMA, Validation, problem, problem_table, validate
from metrics.registry import IndicatorType, Registry


class MappedTable(Protocol):
    """A file read through a mapping, in our template's layout (`metrics.mappings.Applied`)."""

    table: RawTable
    dropped: list[str]

    def file_problems(self, problems: pl.DataFrame) -> pl.DataFrame: ...


class TableMapping(Protocol):
    """A way to read another system's layout as one of our datasets: a saved mapping
    (`metrics.mappings.Mapping`). Its `read` raises ValueError, in an officer's words, when the
    file does not fit it. Defined here so that this package never imports the mappings,
    which read files through it."""

    name: str

    def read(self, table: RawTable) -> MappedTable: ...


__all__ = [
    "PROBLEM_SCHEMA",
    "IngestReport",
    "Preview",
    "RawTable",
    "UnreadableFile",
    "Validation",
    "check_file",
    "ingest",
    "neutralise",
    "neutralise_expr",
    "neutralise_frame",
    "preview",
    "sheet_names",
]


@dataclass
class IngestReport:
    dataset: str
    file_name: str
    sha256: str
    rows_read: int
    problems: pl.DataFrame
    periods: list[str] = field(default_factory=list)
    stored: store.WriteResult | None = None
    already_loaded_batch: int | None = None
    read_as: str = ""  # how the file was read, e.g. "CSV, Windows-1252, semicolon separated"
    mapping: str = ""  # the saved mapping the file was read through, if any
    dropped: list[str] = field(default_factory=list)  # the file's columns a mapping left out

    @property
    def ok(self) -> bool:
        return self.problems.height == 0


def aggregate_period_types(registry: Registry) -> dict[str, str]:
    """Indicator ids that take counted values, with their period type."""
    return {
        i.id: i.period_type.value
        for i in registry.indicators
        if datasets.get(i.source.dataset).shape == "aggregate"
    }


def aggregate_measures(registry: Registry) -> dict[str, str]:
    """Indicator ids that take counted values, with what a row gives: a count or a rate."""
    return {
        i.id: "rate" if i.type in (IndicatorType.rate, IndicatorType.survey) else "count"
        for i in registry.indicators
        if datasets.get(i.source.dataset).shape == "aggregate"
    }


def _size(n: int) -> str:
    """A file size in words: 20 MB, 350 KB, 100 bytes."""
    if n >= 1_048_576:
        return f"{n / 1_048_576:,.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n:,} bytes"


def _refused(
    dataset: str, file_name: str, digest: str, what: str, fix: str, row: int | None = None
) -> IngestReport:
    problems = problem_table([problem(row, None, file_name, what, fix)])
    return IngestReport(dataset, file_name, digest, 0, problems)


def _background_digest(content: bytes) -> str:
    """The SHA-256 of a file, in a thread that gives way to reading and checking the file.

    Polars keeps every core busy for most of the read and the checks: a hashing thread of equal
    priority takes its share from them and delays them by most of its own time (0.05 s of 0.36 s
    for 1,000,000 rows), where at the lowest priority it runs in the gaps they leave. Only on
    Linux, where a thread's priority is its own: elsewhere the call would name a process.
    """
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    return hashlib.sha256(content).hexdigest()


def check_file(
    dataset: str,
    content: bytes,
    file_name: str,
    registry: Registry,
    *,
    today: dt.date,
    sheet: str | None = None,
    max_bytes: int | None = None,
    mapping: TableMapping | None = None,
) -> tuple[IngestReport, Validation | None]:
    """Read and validate without touching the database. With a `mapping`, the file is read
    through it (only the columns it names) and its problems name the file's own columns."""
    ds = datasets.get(dataset)
    # The file's SHA-256 is worked out alongside reading and checking it (hashlib lets go of
    # the interpreter while it hashes): for a large file it takes a fair share of the time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(_background_digest, content)
        if max_bytes is not None and len(content) > max_bytes:
            return _refused(
                dataset, file_name, hashing.result(),
                f"The file is {_size(len(content))}; the limit is {_size(max_bytes)}.",
                "Split it into smaller files (for example one per year) and upload each.",
            ), None  # fmt: skip
        try:
            table = read_upload(content, file_name, sheet)
        except UnreadableFile as err:
            return _refused(
                dataset, file_name, hashing.result(), err.problem, err.fix, err.row
            ), None
        applied = None
        if mapping is not None:
            try:
                applied = mapping.read(table)
            except ValueError as err:
                fix = "Choose another mapping, or map this file's columns afresh."
                return _refused(dataset, file_name, hashing.result(), str(err), fix), None
            table = applied.table
        result = validate(
            ds, table, today=today,
            aggregate_types=aggregate_period_types(registry),
            aggregate_measures=aggregate_measures(registry),
            priority_ids=[p.id for p in registry.priorities],
        )  # fmt: skip
        if applied is not None:
            result.problems = applied.file_problems(result.problems)
        digest = hashing.result()
    report = IngestReport(
        dataset=dataset,
        file_name=file_name,
        sha256=digest,
        rows_read=result.rows.height,
        problems=result.problems,
        periods=result.periods,
        read_as=table.describe(),
        mapping=mapping.name if mapping is not None else "",
        dropped=applied.dropped if applied is not None else [],
    )
    return report, result


def ingest(
    engine: Engine,
    dataset: str,
    content: bytes,
    file_name: str,
    registry: Registry,
    *,
    user: str,
    today: dt.date | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    max_bytes: int | None = None,
    skip_if_loaded: bool = False,
) -> IngestReport:
    """Validate an upload and, if it has no problems, store it as one batch in one transaction."""
    report, result = check_file(
        dataset, content, file_name, registry, today=today or dt.date.today(), sheet=sheet,
        max_bytes=max_bytes,
    )  # fmt: skip
    if not report.ok or result is None or dry_run:
        return report
    meta = store.BatchMeta(
        dataset=dataset, uploaded_by=user, file_name=file_name, sha256=report.sha256
    )
    with store.write_transaction(engine) as conn:
        if skip_if_loaded:
            existing = store.active_batch_with_hash(conn, dataset, report.sha256)
            if existing is not None:
                report.already_loaded_batch = existing
                return report
        rows = left_out.fill_from_database(conn, result.rows, dataset, result.left_out)
        report.stored = store.write_batch(conn, meta, rows)
    return report
