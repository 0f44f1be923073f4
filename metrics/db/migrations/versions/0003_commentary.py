"""commentary: officers' words behind each figure, one row per saved version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commentary",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator_id", sa.String(length=60), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commentary")),
        sa.UniqueConstraint("indicator_id", "period", "version", name="uq_commentary_version"),
    )
    with op.batch_alter_table("commentary", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commentary_indicator_period", ["indicator_id", "period"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commentary", schema=None) as batch_op:
        batch_op.drop_index("ix_commentary_indicator_period")
    op.drop_table("commentary")
