"""enforcement supervision rules

Revision ID: d33ed4a19b48
Revises: c818a65e95cd
Create Date: 2026-11-30 03:01:23.706847+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d33ed4a19b48"
down_revision: str | None = "c818a65e95cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_file_rubrics",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file_rubrics")),
    )
    with op.batch_alter_table("case_file_rubrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_file_rubrics_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            "ix_case_file_rubrics_region_code_effective_on",
            ["region_code", "effective_on"],
            unique=False,
        )

    op.create_table(
        "case_file_rubric_items",
        sa.Column("rubric_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "scored",
                "veto",
                name="rubric_item_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("max_points", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'scored' AND max_points > 0 AND max_points <= 1000) OR (kind = 'veto' AND max_points IS NULL)",
            name=op.f("ck_case_file_rubric_items_max_points_by_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["rubric_id"],
            ["case_file_rubrics.id"],
            name=op.f("fk_case_file_rubric_items_rubric_id_case_file_rubrics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file_rubric_items")),
        sa.UniqueConstraint(
            "rubric_id", "code", name=op.f("uq_case_file_rubric_items_rubric_id_code")
        ),
    )
    with op.batch_alter_table("case_file_rubric_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_file_rubric_items_created_at"),
            ["created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_rubric_items_rubric_id"),
            ["rubric_id"],
            unique=False,
        )

    op.create_table(
        "case_file_review_officers",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_case_file_review_officers_officer_id_officers"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["case_file_reviews.id"],
            name=op.f("fk_case_file_review_officers_review_id_case_file_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file_review_officers")),
        sa.UniqueConstraint(
            "review_id",
            "officer_id",
            name=op.f("uq_case_file_review_officers_review_id_officer_id"),
        ),
    )
    with op.batch_alter_table("case_file_review_officers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_file_review_officers_created_at"),
            ["created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_review_officers_officer_id"),
            ["officer_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_case_file_review_officers_review_id"),
            ["review_id"],
            unique=False,
        )

    op.create_table(
        "random_inspection_officers",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["random_inspections.id"],
            name=op.f("fk_random_inspection_officers_inspection_id_random_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_random_inspection_officers_officer_id_officers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_random_inspection_officers")),
        sa.UniqueConstraint(
            "inspection_id",
            "officer_id",
            name=op.f("uq_random_inspection_officers_inspection_id_officer_id"),
        ),
    )
    with op.batch_alter_table("random_inspection_officers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_random_inspection_officers_created_at"),
            ["created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_random_inspection_officers_inspection_id"),
            ["inspection_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_random_inspection_officers_officer_id"),
            ["officer_id"],
            unique=False,
        )

    op.create_table(
        "tips",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "instrument_opened",
                "no_action",
                name="tip_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("instrument_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["enforcement_agencies.id"],
            name=op.f("fk_tips_agency_id_enforcement_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["supervision_instruments.id"],
            name=op.f("fk_tips_instrument_id_supervision_instruments"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["social_supervisors.id"],
            name=op.f("fk_tips_supervisor_id_social_supervisors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tips")),
    )
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tips_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tips_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tips_instrument_id"), ["instrument_id"], unique=False
        )
        batch_op.create_index(
            "ix_tips_region_code_received_on",
            ["region_code", "received_on"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_tips_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tips_supervisor_id"), ["supervisor_id"], unique=False
        )

    with op.batch_alter_table("case_file_reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("second_reviewer", sa.String(length=100), nullable=True)
        )
        batch_op.add_column(sa.Column("rubric_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("score_sheets", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("veto_items", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("case_decided_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_case_file_reviews_rubric_id"), ["rubric_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_case_file_reviews_agency_id_case_reference"),
            ["agency_id", "case_reference"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_case_file_reviews_rubric_id_case_file_rubrics"),
            "case_file_rubrics",
            ["rubric_id"],
            ["id"],
        )

    with op.batch_alter_table("judgment_performances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_judgment_performances_campaign_id"),
            ["campaign_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_judgment_performances_campaign_id_special_campaigns"),
            "special_campaigns",
            ["campaign_id"],
            ["id"],
        )

    with op.batch_alter_table(
        "lenient_enforcement_list_items", schema=None
    ) as batch_op:
        batch_op.add_column(sa.Column("effective_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(
        "lenient_enforcement_list_items", schema=None
    ) as batch_op:
        batch_op.drop_column("effective_until")

    with op.batch_alter_table("judgment_performances", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_judgment_performances_campaign_id_special_campaigns"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_judgment_performances_campaign_id"))
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("case_file_reviews", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_file_reviews_rubric_id_case_file_rubrics"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("uq_case_file_reviews_agency_id_case_reference"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_case_file_reviews_rubric_id"))
        batch_op.drop_column("case_decided_on")
        batch_op.drop_column("veto_items")
        batch_op.drop_column("score_sheets")
        batch_op.drop_column("rubric_id")
        batch_op.drop_column("second_reviewer")

    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tips_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_tips_status"))
        batch_op.drop_index("ix_tips_region_code_received_on")
        batch_op.drop_index(batch_op.f("ix_tips_instrument_id"))
        batch_op.drop_index(batch_op.f("ix_tips_created_at"))
        batch_op.drop_index(batch_op.f("ix_tips_agency_id"))

    op.drop_table("tips")
    with op.batch_alter_table("random_inspection_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_random_inspection_officers_officer_id"))
        batch_op.drop_index(batch_op.f("ix_random_inspection_officers_inspection_id"))
        batch_op.drop_index(batch_op.f("ix_random_inspection_officers_created_at"))

    op.drop_table("random_inspection_officers")
    with op.batch_alter_table("case_file_review_officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_review_officers_review_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_review_officers_officer_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_review_officers_created_at"))

    op.drop_table("case_file_review_officers")
    with op.batch_alter_table("case_file_rubric_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_file_rubric_items_rubric_id"))
        batch_op.drop_index(batch_op.f("ix_case_file_rubric_items_created_at"))

    op.drop_table("case_file_rubric_items")
    with op.batch_alter_table("case_file_rubrics", schema=None) as batch_op:
        batch_op.drop_index("ix_case_file_rubrics_region_code_effective_on")
        batch_op.drop_index(batch_op.f("ix_case_file_rubrics_created_at"))

    op.drop_table("case_file_rubrics")
