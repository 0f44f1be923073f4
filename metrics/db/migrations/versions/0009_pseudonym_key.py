"""pseudonym_key: the fingerprint of the key that pseudonymises SEN2 returns

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 01:00:00

Never the key itself: an HMAC of a fixed label made with it, stored by the first SEN2 import so
that an import with a different key is refused.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE = "pseudonym_key"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonym_key")),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
