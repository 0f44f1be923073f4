"""mappings: saved, versioned column mappings for other tools' exports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 01:00:00

Rows are only ever appended (each save is the next version of a name). The audit log's action
column has no CHECK constraint, so the new action 'mapping' needs no change to audit_events.

Survey responses are now superseded by question, respondent group and year
('iag_offer_good|parent_carer|2025-26'), not by year alone, so that one survey's upload never
replaces another survey's answers: the stored rows' keys get their question and group in front.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE = "mappings"
SURVEYS = "data_survey_responses"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=60), nullable=False),
        sa.Column("header_key", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mappings")),
        sa.UniqueConstraint("name", "version", name="uq_mappings_version"),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mappings_header_key"), ["header_key"], unique=False)
    op.execute(
        f"UPDATE {SURVEYS} SET period_key = question || '|' || respondent_group || '|' || "
        "period_key WHERE question IS NOT NULL AND respondent_group IS NOT NULL "
        "AND period_key NOT LIKE '%|%'"
    )


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, period_key FROM {SURVEYS}")).all()
    for row_id, key in rows:
        if "|" in key:
            conn.execute(
                sa.text(f"UPDATE {SURVEYS} SET period_key = :key WHERE id = :id"),
                {"key": key.rsplit("|", 1)[1], "id": row_id},
            )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mappings_header_key"))
    op.drop_table(TABLE)
