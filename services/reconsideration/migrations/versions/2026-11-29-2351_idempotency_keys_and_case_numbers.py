"""idempotency keys and case numbers

Revision ID: ec2e1fb8b70b
Revises: 3516ece8839f
Create Date: 2026-11-29 23:51:11.422563+00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ec2e1fb8b70b"
down_revision: str | None = "3516ece8839f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_number_counters",
        sa.Column("series", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_case_number_counters")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("actor", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number", sa.String(length=40), nullable=True))
    _number_existing()
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.alter_column("case_number", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_reconsideration_applications_case_number"), ["case_number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_reconsideration_applications_case_number"), type_="unique"
        )
        batch_op.drop_column("case_number")

    op.drop_table("idempotency_keys")
    op.drop_table("case_number_counters")


#: Abbreviations of county names in case numbers when this revision was written
#: (shared.case_numbers.DEFAULT_ABBREVIATIONS); revisions never import app code.
ABBREVIATIONS = {"421222": "通"}


def _number_existing() -> None:
    """Number the records stored before case numbers existed, per county and year in the
    order they were entered, and leave the counters at the last number given."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, region_code, received_on FROM reconsideration_applications "
            "ORDER BY received_on, created_at, id"
        )
    ).all()
    counters: dict[tuple[str, int], int] = {}
    for id_, region_code, day in rows:
        year = day.year if isinstance(day, dt.date) else int(str(day)[:4])
        key = (f"{region_code}:application", year)
        counters[key] = counters.get(key, 0) + 1
        number = (
            f"{ABBREVIATIONS.get(region_code, region_code)}政复"
            f"〔{year}〕{counters[key]}号"
        )
        bind.execute(
            sa.text("UPDATE reconsideration_applications SET case_number = :number WHERE id = :id"),
            {"number": number, "id": id_},
        )
    for (series, year), last in counters.items():
        bind.execute(
            sa.text(
                "INSERT INTO case_number_counters (series, year, last_number) "
                "VALUES (:series, :year, :last)"
            ),
            {"series": series, "year": year, "last": last},
        )
