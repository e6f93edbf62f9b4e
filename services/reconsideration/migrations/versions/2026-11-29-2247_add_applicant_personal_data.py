"""Add the applicant's personal data to applications: encrypted, with a keyed hash.

Revision ID: 3516ece8839f
Revises: b37d727c714f
Create Date: 2026-11-29 22:47:26.653515+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3516ece8839f"
down_revision: str | None = "b37d727c714f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "applicant_id_number_encrypted", sa.String(length=255), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("applicant_id_number_hash", sa.String(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "applicant_credit_code_encrypted", sa.String(length=255), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("applicant_credit_code_hash", sa.String(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("applicant_phone_encrypted", sa.String(length=255), nullable=True)
        )
        batch_op.add_column(
            sa.Column("applicant_phone_hash", sa.String(length=64), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_reconsideration_applications_applicant_credit_code_hash"),
            ["applicant_credit_code_hash"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_reconsideration_applications_applicant_id_number_hash"),
            ["applicant_id_number_hash"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_reconsideration_applications_applicant_phone_hash"),
            ["applicant_phone_hash"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_reconsideration_applications_applicant_phone_hash")
        )
        batch_op.drop_index(
            batch_op.f("ix_reconsideration_applications_applicant_id_number_hash")
        )
        batch_op.drop_index(
            batch_op.f("ix_reconsideration_applications_applicant_credit_code_hash")
        )
        batch_op.drop_column("applicant_phone_hash")
        batch_op.drop_column("applicant_phone_encrypted")
        batch_op.drop_column("applicant_credit_code_hash")
        batch_op.drop_column("applicant_credit_code_encrypted")
        batch_op.drop_column("applicant_id_number_hash")
        batch_op.drop_column("applicant_id_number_encrypted")
