"""target_changes: targets an admin changed in the dashboard, one row per version

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "target_changes"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator_id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(length=20), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("wording", sa.Text(), server_default="", nullable=False),
        sa.Column("trajectory", sa.Text(), server_default="[]", nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('change', 'strategy')", name="ck_target_changes_kind"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_changes")),
        sa.UniqueConstraint("indicator_id", "version", name="uq_target_changes_version"),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
