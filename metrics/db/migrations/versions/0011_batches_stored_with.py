"""batches.stored_with: the batches one import stores together, rolled back together

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 08:00:00

A SEN2 return is stored as two batches (its requests and its snapshot of active plans). The
plans batch now names the requests batch it was stored with, so that rolling back either rolls
back both. Batches stored before this revision name none, and are rolled back one at a time as
before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("batches", sa.Column("stored_with", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("stored_with")
