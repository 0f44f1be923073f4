"""SQLAlchemy tables, built from the dataset schemas so storage never drifts from validation."""

from __future__ import annotations

import sqlalchemy as sa

from metrics import datasets
from metrics.datasets import Column, ColumnType

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

BATCH_STATUSES = ("active", "superseded", "rolled_back")

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(60), nullable=False, index=True),
    sa.Column("uploaded_by", sa.String(200), nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("periods", sa.Text, nullable=False),  # JSON list of period labels
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status_changed_by", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    # the first batch of the import this one was stored with (a SEN2 return's requests batch,
    # for its plans batch): such batches are rolled back together, never one without the other
    sa.Column("stored_with", sa.Integer, nullable=True),
    sa.CheckConstraint(
        "status IN ('active', 'superseded', 'rolled_back')", name="ck_batches_status"
    ),
)


def _sql_type(col: Column) -> sa.types.TypeEngine:
    match col.type:
        case ColumnType.date:
            return sa.Date()
        case ColumnType.integer:
            return sa.Integer()
        case ColumnType.number:
            return sa.Float()
        case _:
            return sa.String(col.max_length) if col.max_length <= 255 else sa.Text()


def table_name(dataset: str) -> str:
    return f"data_{dataset}"


def _dataset_table(ds: datasets.Dataset) -> sa.Table:
    return sa.Table(
        table_name(ds.name),
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.ForeignKey("batches.id"), nullable=False, index=True),
        sa.Column("row_number", sa.Integer, nullable=False),  # spreadsheet row in the upload
        sa.Column("period_key", sa.String(120), nullable=False, index=True),
        sa.Column("superseded_by", sa.ForeignKey("batches.id"), nullable=True, index=True),
        *(sa.Column(c.name, _sql_type(c), nullable=True) for c in ds.columns),
    )


DATA_TABLES: dict[str, sa.Table] = {ds.name: _dataset_table(ds) for ds in datasets.DATASETS}

# Officers' commentary on a figure: every save is a new version; rows are never updated or
# deleted, so the history of what was said, and by whom, is kept.
commentary = sa.Table(
    "commentary",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("indicator_id", sa.String(60), nullable=False),
    sa.Column("period", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("indicator_id", "period", "version", name="uq_commentary_version"),
    sa.Index("ix_commentary_indicator_period", "indicator_id", "period"),
)

AUDIT_ACTIONS = (
    "sign_in", "sign_out", "refused", "upload", "roll_back", "commentary", "target_change",
    "meeting_date", "mapping",
)  # fmt: skip

# Who did what, and when: sign-ins, refusals and every change. Rows are only ever appended.
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("action", sa.String(30), nullable=False, index=True),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=True),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    # what the event is about: a batch id, "indicator|period", a sign-in's token time
    sa.Column("ref", sa.String(200), nullable=True),
)

# Targets an admin changed in the dashboard (e.g. the Board agreed a new trajectory). Every change
# is a new version and rows are only ever appended; kind 'strategy' goes back to the target in
# indicators.toml, so the strategy's own target is never lost either.
target_changes = sa.Table(
    "target_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("indicator_id", sa.String(60), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("direction", sa.String(20), nullable=True),
    sa.Column("target_date", sa.Date, nullable=True),
    sa.Column("wording", sa.Text, nullable=False, server_default=""),
    sa.Column("trajectory", sa.Text, nullable=False, server_default="[]"),  # JSON [[period, value]]
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("indicator_id", "version", name="uq_target_changes_version"),
    sa.CheckConstraint("kind IN ('change', 'strategy')", name="ck_target_changes_kind"),
)

MEETING_KINDS = ("held", "withdrawn")

# The dates the Board met, as officers record them, so that meeting mode can show what changed
# since the last meeting. Rows are only ever appended: a date entered by mistake is withdrawn by
# a row of kind 'withdrawn', and both rows stay.
meeting_dates = sa.Table(
    "meeting_dates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_date", sa.Date, nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('held', 'withdrawn')", name="ck_meeting_dates_kind"),
)

# Every indicator's results, worked out once for a version of the data and stored, so that no
# page has to work them out again (`metrics.results_cache`). A cache, not a record: every row can
# be worked out again from the data, so old rows are deleted.
computed_results = sa.Table(
    "computed_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # the data version, the targets' version and the calculation's fingerprint
    sa.Column("data_key", sa.String(200), nullable=False),
    sa.Column("judged_on", sa.Date, nullable=False),
    sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("results", sa.LargeBinary, nullable=False),  # Arrow IPC, zstd
    sa.UniqueConstraint("data_key", "judged_on", name="uq_computed_results_key"),
)

# A fingerprint of the key that pseudonymises SEN2 returns (HMAC of a fixed label, never the
# key), stored by the first import, so that an import with another key is refused: references
# made with two keys would never match. One row; never updated.
pseudonym_key = sa.Table(
    "pseudonym_key",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
)


# Saved column mappings: how to read another tool's export as one of our datasets. Every save is
# a new version and rows are only ever appended, like commentary; the body is the mapping as
# TOML (what `python -m metrics mappings export` writes), the header key finds it again.
mappings = sa.Table(
    "mappings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("dataset", sa.String(60), nullable=False),
    sa.Column("header_key", sa.String(64), nullable=False, index=True),  # SHA-256 of the header
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("saved_by", sa.String(200), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("name", "version", name="uq_mappings_version"),
)
