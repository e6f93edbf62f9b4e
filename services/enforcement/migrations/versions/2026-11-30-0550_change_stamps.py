"""change stamps

The one-row table whose stamp changes with every write of the records, so that the
statistics are computed once per change and then kept (shared.snapshots).

Revision ID: 8d2f6b41e7a3
Revises: d33ed4a19b48
Create Date: 2026-11-30 05:50:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2f6b41e7a3"
down_revision: str | None = "d33ed4a19b48"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "change_stamps",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_stamps")),
    )
    op.bulk_insert(table, [{"id": 1, "stamp": 0}])


def downgrade() -> None:
    op.drop_table("change_stamps")
