"""calendar years: the working-day calendar years an administrator loads (deadlines)

Revision ID: 5153cb7b2b7f
Revises: ec2e1fb8b70b
Create Date: 2026-11-30 00:34:36.818022+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5153cb7b2b7f"
down_revision: str | None = "ec2e1fb8b70b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("makeup_working_days", sa.JSON(), nullable=False),
        sa.Column("notice", sa.String(length=200), nullable=True),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "year >= 1949 AND year <= 2100", name=op.f("ck_calendar_years_year_in_span")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_years")),
        sa.UniqueConstraint("year", name=op.f("uq_calendar_years_year")),
    )
    with op.batch_alter_table("calendar_years", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_years_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_years", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_years_created_at"))

    op.drop_table("calendar_years")
