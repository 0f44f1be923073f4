"""official_values: published DfE figures (England, regions, every authority) to compare with

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "data_official_values"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=120), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.Column("indicator_id", sa.String(length=60), nullable=True),
        sa.Column("period", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("geographic_level", sa.String(length=200), nullable=True),
        sa.Column("area_code", sa.String(length=12), nullable=True),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("old_la_code", sa.String(length=5), nullable=True),
        sa.Column("breakdown", sa.String(length=120), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("symbol", sa.String(length=10), nullable=True),
        sa.Column("source_file", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_data_official_values_batch_id_batches")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["batches.id"],
            name=op.f("fk_data_official_values_superseded_by_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_official_values")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_period_key"), ["period_key"], unique=False)
        batch_op.create_index(
            batch_op.f(f"ix_{TABLE}_superseded_by"), ["superseded_by"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_superseded_by"))
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_period_key"))
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_batch_id"))
    op.drop_table(TABLE)
