"""What the officer pages call: templates, checking a file, its preview, storing it, the batches,
roll back and data freshness, each returned as a table ready to show. No Streamlit here.

The pages stay thin: every frame they show is shaped here, in words an officer reads (UK dates,
Europe/London times, status as an icon plus words).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy.engine import Connection, Engine

from metrics import audit, datasets, ingest, summaries, templates
from metrics.datasets import Dataset
from metrics.db import store
from metrics.ingest import left_out
from metrics.ingest.preview import affected_indicators
from metrics.ingest.preview import needed_datasets as _preview_reads
from metrics.ingest.reader import UnreadableFile
from metrics.ingest.reader import default_sheet as _default_sheet
from metrics.registry import Indicator, Registry
from metrics.settings import Settings, get_settings

if TYPE_CHECKING:
    from metrics.mappings import Mapping

MEGABYTE = 1_048_576
WHOLE_FILE = "Whole file"
SHORT_SHA = 12  # characters of a SHA-256 shown in the list of batches
LISTED_PERIODS = 6  # more periods than this are shown as a range
_ZIP = b"PK\x03\x04"
RollbackError = store.RollbackError

# Status of a batch as an icon plus words, so it never rests on colour.
BATCH_STATUS_WORDS = {
    "active": "✔ Active",
    "superseded": "⇄ Superseded",
    "rolled_back": "↺ Rolled back",
}
FRESHNESS_WORDS = {
    "nothing": "○ Nothing uploaded yet",
    "overdue": "⚠ Overdue",
    "up_to_date": "✔ Up to date",
    "no_schedule": "– No regular update (no measure reads it)",
}


# ---------------------------------------------------------------------------------------------
# Choosing a dataset and its template
# ---------------------------------------------------------------------------------------------


def dataset_names() -> list[str]:
    """Every upload type officers fill in, in the order the datasets are defined.

    Official statistics arrive in DfE's own file formats and go through
    `python -m metrics import-official`, so they are not offered here.
    """
    return [d.name for d in datasets.DATASETS if d.name not in datasets.OFFICIAL_DATASETS]


def dataset(name: str) -> Dataset:
    return datasets.get(name)


def csv_template(name: str) -> bytes:
    return templates.csv_template(name)


def xlsx_template(name: str) -> bytes:
    """The Excel template: a 'data' sheet to fill in and a 'data dictionary' sheet."""
    return templates.xlsx_template(name)


def template_file_name(name: str, extension: str) -> str:
    return f"{name}_template.{extension}"


def column_table(name: str) -> pl.DataFrame:
    """What each column of the template holds, as the data dictionary says."""
    rows = templates.dictionary_rows(datasets.get(name))
    return pl.DataFrame(rows).rename(
        {
            "column": "Column",
            "required": "Required",
            "type": "Type",
            "allowed values": "Allowed values",
            "example": "Example",
            "description": "What it holds",
        }
    )


# ---------------------------------------------------------------------------------------------
# Checking a file
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """A file read and validated: the report (problems, periods) and the typed rows."""

    report: ingest.IngestReport
    validation: ingest.Validation | None

    @property
    def ok(self) -> bool:
        return self.report.ok and self.validation is not None


def max_upload_mb() -> int:
    # read afresh, like the database URL, so a changed setting needs no restart
    return Settings().max_upload_mb


def workbook_sheets(content: bytes) -> list[str]:
    """The worksheets of an Excel workbook; none for a CSV or a file that is not a workbook
    (checking it then explains what is wrong)."""
    if not content.startswith(_ZIP):
        return []
    try:
        return ingest.sheet_names(content)
    except UnreadableFile:
        return []


def default_sheet(sheets: list[str]) -> str | None:
    """The sheet read when none is chosen: 'data', else the first that is not the dictionary."""
    return _default_sheet(sheets)


def check(
    dataset_name: str,
    content: bytes,
    file_name: str,
    registry: Registry,
    *,
    today: dt.date,
    sheet: str | None = None,
    max_mb: int | None = None,
    mapping: Mapping | None = None,
) -> Checked:
    """Read and validate a file without touching the database (through a saved mapping, if
    one is given)."""
    limit = (max_mb if max_mb is not None else max_upload_mb()) * MEGABYTE
    report, validation = ingest.check_file(
        dataset_name, content, file_name, registry, today=today, sheet=sheet, max_bytes=limit,
        mapping=mapping,
    )  # fmt: skip
    return Checked(report, validation)


def problem_rows(problems: pl.DataFrame) -> pl.DataFrame:
    """Every problem: spreadsheet row, column, value, what is wrong, how to fix it."""
    return problems.select(
        pl.col("row").cast(pl.String).fill_null(WHOLE_FILE).alias("Row"),
        pl.col("column").fill_null("").alias("Column"),
        pl.col("value").fill_null("").alias("Value"),
        pl.col("problem").alias("What is wrong"),
        pl.col("fix").alias("How to fix it"),
    )


def problems_csv(problems: pl.DataFrame) -> bytes:
    """The problems as a CSV Excel opens cleanly (UTF-8 with a BOM); no cell can run as a
    formula, since the values come straight from the uploaded file."""
    safe = ingest.neutralise_frame(problem_rows(problems))
    assert isinstance(safe, pl.DataFrame)
    return ("\ufeff" + safe.write_csv()).encode("utf-8")


def problems_file_name(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] or "upload"
    return f"{stem}_problems.csv"


def problem_count_words(n: int) -> str:
    return "1 problem" if n == 1 else f"{n:,} problems"


# ---------------------------------------------------------------------------------------------
# Preview: what the upload would change
# ---------------------------------------------------------------------------------------------


def london_time_expr(column: str) -> pl.Expr:
    """A UTC timestamp as Europe/London wall-clock time: 27 November 2026 14:05."""
    return (
        pl.col(column).dt.convert_time_zone(get_settings().timezone).dt.strftime("%-d %B %Y %H:%M")
    )


def london_time(moment: dt.datetime) -> str:
    frame = pl.DataFrame({"t": [moment]}, schema={"t": pl.Datetime(time_zone="UTC")})
    return frame.select(london_time_expr("t")).item()


def _period_labels(keys: pl.Expr) -> pl.Expr:
    """Period keys as labels: counted values are keyed 'indicator_id|period'."""
    return keys.str.replace(r"^.*\|", "")


def _periods_text(labels: pl.Expr) -> pl.Expr:
    """A list of period labels as words: '2023, 2024', or '2019-01 to 2026-01 (8 periods)'."""
    n = labels.list.len()
    return (
        pl.when(n == 0)
        .then(pl.lit("none"))
        .when(n <= LISTED_PERIODS)
        .then(labels.list.join(", "))
        .otherwise(
            pl.format(
                "{} to {} ({} periods)", labels.list.first(), labels.list.last(), n.cast(pl.String)
            )
        )
    )


def periods_words(keys: list[str]) -> str:
    """The periods an upload covers, in words."""
    frame = pl.DataFrame({"keys": [keys]}, schema={"keys": pl.List(pl.String())})
    labels = pl.col("keys").list.eval(_period_labels(pl.element())).list.unique().list.sort()
    return frame.select(_periods_text(labels)).item()


def preview(
    engine: Engine, registry: Registry, dataset_name: str, checked: Checked, *, today: dt.date
) -> ingest.Preview:
    """Rows added, periods, rows superseded and the figures that change, before and after."""
    assert checked.validation is not None, "only a file without problems has a preview"
    return ingest.preview(engine, registry, dataset_name, checked.validation, today=today)


@dataclass(frozen=True)
class Basis:
    """What a preview was worked out from: the file, and every stored batch (with its status) of
    the datasets the preview reads. Storing against it checks, in the write transaction, that
    the data is still as the preview saw it."""

    dataset: str
    sha256: str
    datasets_read: frozenset[str]
    batches: frozenset[tuple[int, str]]  # (batch id, status)


def basis(engine: Engine, registry: Registry, dataset_name: str, checked: Checked) -> Basis:
    """The data a preview is about to be worked out from. Read it before the preview, never
    after: the preview can then only be newer than its basis, so a change in between is reported
    (once too often at worst) and never missed."""
    # the preview's own list of what it reads, so the two cannot drift apart
    read = frozenset(_preview_reads(affected_indicators(registry, dataset_name), dataset_name))
    with engine.connect() as conn:
        held = store.read_batches(conn).filter(pl.col("dataset").is_in(list(read)))
    states = frozenset(held.select("id", "status").iter_rows())
    return Basis(dataset_name, checked.report.sha256, read, states)


def already_stored(engine: Engine, dataset_name: str, sha256: str) -> int | None:
    """The active batch that holds exactly this file already, if any."""
    with engine.connect() as conn:
        return store.active_batch_with_hash(conn, dataset_name, sha256)


def rows_words(n: int) -> str:
    return "1 row" if n == 1 else f"{n:,} rows"


def preview_sentences(result: ingest.Preview) -> list[str]:
    """What the upload does, in sentences; the tables give the detail."""
    lines = [
        f"The file adds {rows_words(result.rows_added)} for {periods_words(result.periods)}.",
    ]
    if result.rows_superseded:
        batches = result.superseded.height
        lines.append(
            f"It replaces {rows_words(result.rows_superseded)} already stored for those periods, "
            f"from {'1 earlier upload' if batches == 1 else f'{batches} earlier uploads'} "
            "(listed below). The replaced rows are kept: rolling back this upload brings them "
            "back."
        )
    else:
        lines.append("It replaces no stored rows.")
    changed = len(result.indicators_changed)
    if changed == 0:
        lines.append("No headline figure changes.")
    else:
        figures = result.changes.height
        lines.append(
            f"{'1 headline figure' if figures == 1 else f'{figures} headline figures'} of "
            f"{'1 measure' if changed == 1 else f'{changed} measures'} will change (below)."
        )
    return lines


def superseded_rows(result: ingest.Preview) -> pl.DataFrame:
    """The earlier uploads whose rows the upload replaces."""
    return result.superseded.select(
        pl.col("batch_id").alias("Batch"),
        pl.col("file_name").alias("File"),
        pl.col("uploaded_by").alias("Uploaded by"),
        london_time_expr("uploaded_at").alias("Uploaded"),
        pl.col("rows").alias("Rows replaced"),
    )


def _change_part(result: ingest.Preview, indicator: Indicator) -> pl.LazyFrame:
    return (
        result.changes.lazy()
        .filter(pl.col("indicator_id") == indicator.id)
        .select(
            pl.col("title").alias("Measure"),
            pl.col("period").alias("Period"),
            summaries.value_text_expr(
                indicator, "before_value", "before_numerator", "before_denominator"
            ).alias("Before"),
            summaries.value_text_expr(
                indicator, "after_value", "after_numerator", "after_denominator"
            ).alias("After"),
            summaries.status_text_expr(indicator, "before_status").alias("Status before"),
            summaries.status_text_expr(indicator, "after_status").alias("Status after"),
        )
    )


def change_rows(result: ingest.Preview, registry: Registry) -> pl.DataFrame:
    """Each headline figure that changes: measure, period, before and after, status."""
    parts = [_change_part(result, registry.indicator(i)) for i in result.indicators_changed]
    if not parts:
        names = ["Measure", "Period", "Before", "After", "Status before", "Status after"]
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String()))
    return pl.concat(pl.collect_all(parts))


# ---------------------------------------------------------------------------------------------
# Storing
# ---------------------------------------------------------------------------------------------


class PreviewOutOfDate(Exception):
    """The data changed after the officer's preview was worked out: nothing was stored. The
    message says who changed what, and when, in plain English."""

    def __init__(self, changes: list[str]) -> None:
        self.changes = changes
        super().__init__(out_of_date_sentence(changes))


def out_of_date_sentence(changes: list[str]) -> str:
    """'While you were checking this file, Alex stored an upload of ... at ...', then what to do."""
    *earlier, last = changes
    happened = f"{', '.join(earlier)} and {last}" if earlier else last
    return (
        f"While you were checking this file, {happened}. Nothing has been stored: the preview "
        "you saw is out of date. The preview below has been worked out again from the data as "
        "it is now: check it again, then press Store."
    )


def _changes_since(conn: Connection, basis: Basis, user: str) -> list[str]:
    """Each upload and roll back of the data a preview read since its basis, oldest first."""
    now = store.read_batches(conn).filter(pl.col("dataset").is_in(list(basis.datasets_read)))
    seen = pl.DataFrame(
        list(basis.batches), schema={"id": pl.Int64(), "seen": pl.String()}, orient="row"
    )
    changed = now.join(seen, on="id", how="left").filter(
        pl.col("seen").is_null() | (pl.col("status") != pl.col("seen"))
    )
    titles = _titles()

    def who(name: str) -> str:
        return "you (in another window)" if name == user else name

    events: list[tuple[dt.datetime, str]] = []
    for row in changed.iter_rows(named=True):
        title = titles.get(row["dataset"], row["dataset"])
        if row["seen"] is None:
            events.append((
                row["uploaded_at"],
                f"{who(row['uploaded_by'])} stored an upload of {title} "
                f"at {london_time(row['uploaded_at'])}",
            ))  # fmt: skip
        if row["status"] == "rolled_back":
            events.append((
                row["status_changed_at"],
                f"{who(row['status_changed_by'])} rolled back batch {row['id']} ({title}) "
                f"at {london_time(row['status_changed_at'])}",
            ))  # fmt: skip
    if changed.height and not events:
        # only a batch's status moved between active and superseded, which comes with an upload
        # or a roll back listed above: should one ever come alone, say what changed, if not who
        title = titles.get(changed.item(0, "dataset"), changed.item(0, "dataset"))
        events.append((store.now_utc(), f"the stored data of {title} changed"))
    return [text for _, text in sorted(events)]


def store_upload(
    engine: Engine,
    dataset_name: str,
    checked: Checked,
    *,
    user: str,
    role: str | None = None,
    basis: Basis | None = None,
) -> store.WriteResult:
    """Write the checked rows as one batch in one transaction, with its audit event; earlier
    rows in the same periods are superseded, never deleted.

    With a `basis` (what the officer's preview was worked out from), nothing is stored and
    `PreviewOutOfDate` is raised if any upload or roll back of the data the preview read has
    happened since. The check is made under the write lock, so no upload can land between the
    check and the write.
    """
    assert checked.ok and checked.validation is not None, "a file with problems is never stored"
    assert basis is None or (basis.dataset, basis.sha256) == (
        dataset_name, checked.report.sha256,
    ), "a preview is stored only with the file it previewed"  # fmt: skip
    meta = store.BatchMeta(
        dataset=dataset_name,
        uploaded_by=user,
        file_name=checked.report.file_name,
        sha256=checked.report.sha256,
    )
    with store.write_transaction(engine) as conn:
        if basis is not None and (changes := _changes_since(conn, basis, user)):
            raise PreviewOutOfDate(changes)
        rows = left_out.fill_from_database(
            conn, checked.validation.rows, dataset_name, checked.validation.left_out
        )
        result = store.write_batch(conn, meta, rows)
        audit.record_in(
            conn, audit.UPLOAD, user,
            f"Stored “{meta.file_name}” ({datasets.get(dataset_name).title}) as batch "
            f"{result.batch_id}: {rows_words(result.rows_added)}, replacing "
            f"{rows_words(result.rows_superseded)}.",
            role=role, ref=str(result.batch_id),
        )  # fmt: skip
        return result


def stored_sentence(result: store.WriteResult, file_name: str, dataset_name: str) -> str:
    title = datasets.get(dataset_name).title
    text = (
        f"Stored “{file_name}” ({title}) as batch {result.batch_id}: "
        f"{rows_words(result.rows_added)} for {periods_words(result.periods)}."
    )
    if result.rows_superseded:
        earlier = ", ".join(str(b) for b in result.superseded_batches)
        text += (
            f" It replaced {rows_words(result.rows_superseded)} from batch(es) {earlier}, which "
            "stay recoverable."
        )
    return text + " Every page now shows the new figures."


# ---------------------------------------------------------------------------------------------
# Batches and roll back
# ---------------------------------------------------------------------------------------------


def batches(engine: Engine) -> pl.DataFrame:
    """Every batch ever stored, as `store.read_batches` gives them."""
    with engine.connect() as conn:
        return store.read_batches(conn)


def _titles() -> dict[str, str]:
    return {d.name: d.title for d in datasets.DATASETS}


def _batch_periods() -> pl.Expr:
    keys = pl.col("periods").str.json_decode(pl.List(pl.String()))
    labels = keys.list.eval(_period_labels(pl.element())).list.unique().list.sort()
    return _periods_text(labels)


def batch_rows(all_batches: pl.DataFrame) -> pl.DataFrame:
    """Every batch, newest first: data, who, when, file, fingerprint, rows, periods, status."""
    return all_batches.sort("id", descending=True).select(
        pl.col("id").alias("Batch"),
        pl.col("dataset").replace_strict(_titles(), default=pl.col("dataset")).alias("Data"),
        pl.col("uploaded_by").alias("Uploaded by"),
        london_time_expr("uploaded_at").alias("Uploaded"),
        pl.col("file_name").alias("File"),
        pl.concat_str(pl.col("sha256").str.slice(0, SHORT_SHA), pl.lit("…")).alias(
            "SHA-256 (first 12 characters)"
        ),
        summaries.number_expr(pl.col("row_count")).alias("Rows"),
        _batch_periods().alias("Periods"),
        pl.col("status")
        .replace_strict(BATCH_STATUS_WORDS, default=pl.col("status"))
        .alias("Status"),
        pl.format(
            "{} by {}", london_time_expr("status_changed_at"), pl.col("status_changed_by")
        ).alias("Status set"),
    )


def fingerprint_rows(all_batches: pl.DataFrame) -> pl.DataFrame:
    """Each batch's full SHA-256, to check a file against what was stored."""
    return all_batches.sort("id", descending=True).select(
        pl.col("id").alias("Batch"),
        pl.col("file_name").alias("File"),
        pl.col("sha256").alias("SHA-256"),
    )


def rollback_choices(all_batches: pl.DataFrame) -> list[int]:
    """Batches that can still be rolled back, newest first."""
    return (
        all_batches.filter(pl.col("status") != "rolled_back")
        .sort("id", descending=True)
        .get_column("id")
        .to_list()
    )


def batch_label(all_batches: pl.DataFrame, batch_id: int) -> str:
    """'Batch 12: Counted values (aggregate), corrections.csv, 27 November 2026 14:05 (active)'."""
    row = all_batches.filter(pl.col("id") == batch_id).select(
        pl.format(
            "Batch {}: {}, {}, {} ({})",
            pl.col("id"),
            pl.col("dataset").replace_strict(_titles(), default=pl.col("dataset")),
            pl.col("file_name"),
            london_time_expr("uploaded_at"),
            pl.col("status").replace_strict(
                {"active": "active", "superseded": "superseded", "rolled_back": "rolled back"},
                default=pl.col("status"),
            ),
        )
    )
    return row.item() if row.height else f"Batch {batch_id}"


def rollback_effect(engine: Engine, batch_id: int) -> store.RollbackEffect:
    with engine.connect() as conn:
        return store.rollback_effect(conn, batch_id)


def _named(batch_id: int, together: tuple[int, ...]) -> tuple[str, str, str]:
    """How sentences name a batch and those rolled back with it: 'batch 12', 'its', 'it' or
    'batches 13, 12', 'their', 'them'."""
    if not together:
        return f"batch {batch_id}", "its", "it"
    return f"batches {', '.join(map(str, (batch_id, *together)))}", "their", "them"


def rollback_sentences(effect: store.RollbackEffect) -> list[str]:
    """What a roll back would do, in sentences."""
    named, its, it = _named(effect.batch_id, effect.together)
    lines = []
    if effect.together:
        lines.append(
            f"Batch {effect.batch_id} was stored together with "
            f"{' and '.join(f'batch {b}' for b in effect.together)} from the same file (for "
            "example a SEN2 return's requests and its active plans), so rolling it back rolls "
            f"back {'both' if len(effect.together) == 1 else 'all of them'}."
        )
    if effect.rows_removed:
        lines.append(
            f"Rolling back {named} takes {its} {rows_words(effect.rows_removed)} out of every "
            "figure."
        )
    else:
        lines.append(
            f"None of the rows of {named} counts now (a later upload replaced them), so rolling "
            f"{it} back takes nothing out of the figures."
        )
    restored = int(effect.restored.get_column("rows").sum())
    if restored:
        verb = "comes" if restored == 1 else "come"
        lines.append(f"{rows_words(restored)} from earlier uploads {verb} back (listed below).")
    else:
        lines.append("No earlier rows come back.")
    lines.append(
        f"{'The batch stays' if it == 'it' else 'The batches stay'} in the list, marked rolled "
        f"back, and every page shows the figures without {it}."
    )
    return lines


def restored_rows(effect: store.RollbackEffect, all_batches: pl.DataFrame) -> pl.DataFrame:
    """The earlier uploads whose rows would count again."""
    return (
        effect.restored.join(all_batches, left_on="batch_id", right_on="id", how="left")
        .sort("batch_id")
        .select(
            pl.col("batch_id").alias("Batch"),
            pl.col("file_name").alias("File"),
            pl.col("uploaded_by").alias("Uploaded by"),
            london_time_expr("uploaded_at").alias("Uploaded"),
            pl.col("rows").alias("Rows that come back"),
        )
    )


@dataclass(frozen=True)
class RolledBack:
    batch_id: int
    together: tuple[int, ...]  # the batches stored with it, rolled back with it
    restored: list[int]  # the batches whose rows came back


def roll_back(engine: Engine, batch_id: int, *, user: str, role: str | None = None) -> RolledBack:
    """Undo a batch (with the batches stored with it) in one transaction, with its audit
    event."""
    with store.write_transaction(engine) as conn:
        together = tuple(store.rolled_back_with(conn, batch_id))
        restored = store.rollback(conn, batch_id, by=user)
        back = ", ".join(map(str, restored)) or "none"
        audit.record_in(
            conn, audit.ROLL_BACK, user,
            f"Rolled back batch {batch_id}{_together_words(together)}; rows from earlier "
            f"batches that count again: {back}.",
            role=role, ref=str(batch_id),
        )  # fmt: skip
        return RolledBack(batch_id, together, restored)


def _together_words(together: tuple[int, ...]) -> str:
    """' and batch 12, stored with it from the same file' (nothing for a batch stored alone)."""
    if not together:
        return ""
    return f" and {' and '.join(f'batch {b}' for b in together)}, stored with it from the same file"


def rolled_back_sentence(result: RolledBack) -> str:
    if result.together:
        text = f"Batch {result.batch_id}{_together_words(result.together)}, are rolled back: "
        text += "their rows no longer count."
    else:
        text = f"Batch {result.batch_id} is rolled back: its rows no longer count."
    if result.restored:
        text += f" Rows from batch(es) {', '.join(map(str, result.restored))} count again."
    _, _, it = _named(result.batch_id, result.together)
    return text + f" Every page now shows the figures without {it}."


# ---------------------------------------------------------------------------------------------
# Data freshness
# ---------------------------------------------------------------------------------------------


def freshness_rows(freshness: pl.DataFrame) -> pl.DataFrame:
    """Per dataset (from `api.freshness`): latest data held, last upload, next update due, and
    whether it is overdue, as an icon plus words."""
    due = summaries.uk_date_expr(pl.col("next_update_due"))
    state = (
        pl.when(pl.col("last_upload").is_null())
        .then(pl.lit(FRESHNESS_WORDS["nothing"]))
        .when(pl.col("next_update_due").is_null())
        .then(pl.lit(FRESHNESS_WORDS["no_schedule"]))
        .when(pl.col("overdue"))
        .then(pl.format("{}: the update was due {}", pl.lit(FRESHNESS_WORDS["overdue"]), due))
        .otherwise(pl.format("{}: next update due {}", pl.lit(FRESHNESS_WORDS["up_to_date"]), due))
    )
    dated = {d.name for d in datasets.DATASETS if d.period_type is not None}
    latest = (
        pl.when(pl.col("latest_data").is_not_null())
        .then(summaries.uk_date_expr(pl.col("latest_data")))
        .when(pl.col("dataset").is_in(list(dated)))
        .then(pl.lit("none yet"))
        .otherwise(pl.lit("not dated (figures by period)"))
    )
    return freshness.select(
        pl.col("title").alias("Data"),
        latest.alias("Latest data held"),
        summaries.uk_date_expr(pl.col("last_upload")).fill_null("never").alias("Last uploaded"),
        state.alias("Update"),
    )


def overdue_titles(freshness: pl.DataFrame) -> list[str]:
    return freshness.filter(pl.col("overdue")).get_column("title").to_list()
