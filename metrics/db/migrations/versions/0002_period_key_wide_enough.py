"""period_key wide enough for an indicator id and its period

The first migration made period_key VARCHAR(20), but indicator_values keys are
"<indicator id>|<period>" (e.g. "awareness_sessions_delivered|2024-Q1", 36 characters);
PostgreSQL refused them. The tables module has always said 120.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DATA_TABLES = (
    "data_ap_placements",
    "data_codesign_activities",
    "data_ehc_plans",
    "data_ehc_requests",
    "data_indicator_values",
    "data_milestones",
    "data_panel_requests",
    "data_survey_responses",
    "data_work_opportunities",
)


def _resize(length_from: int, length_to: int) -> None:
    # SQLite does not enforce VARCHAR lengths, and altering a column type there means
    # rebuilding the table: nothing to do.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in DATA_TABLES:
        op.alter_column(
            table,
            "period_key",
            existing_type=sa.String(length=length_from),
            type_=sa.String(length=length_to),
            existing_nullable=False,
        )


def upgrade() -> None:
    _resize(20, 120)


def downgrade() -> None:
    _resize(120, 20)
