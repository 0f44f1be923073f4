"""meeting_dates: the dates the Board met, so meeting mode shows what changed since the last

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:00:00

The audit log's action column has no CHECK constraint (the allowed actions are checked in
metrics/audit.py), so the new action 'meeting_date' needs no change to audit_events.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "meeting_dates"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('held', 'withdrawn')", name="ck_meeting_dates_kind"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_dates")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_dates_meeting_date"), ["meeting_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_dates_meeting_date"))
    op.drop_table(TABLE)
