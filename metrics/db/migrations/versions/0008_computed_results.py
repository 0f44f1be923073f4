"""computed_results: every indicator's results, stored once per data version

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 05:00:00

A cache, not a record: each row can be worked out again from the stored data, so rows are
deleted when they are no longer needed (`metrics.db.results_store.prune`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "computed_results"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("data_key", sa.String(length=200), nullable=False),
        sa.Column("judged_on", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("results", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_computed_results")),
        sa.UniqueConstraint("data_key", "judged_on", name="uq_computed_results_key"),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
