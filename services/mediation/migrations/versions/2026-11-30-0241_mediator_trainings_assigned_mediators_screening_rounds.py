"""mediator trainings, assigned mediators, screening rounds

Mediators get the training sessions they attended, disputes their assigned mediators and
the screening round they were found in (source ``screening``); screening rounds (排查) get
their table. The dispute events allow ``assign_mediators``.

Revision ID: 21a4685ce3c5
Revises: f917ab46dab8
Create Date: 2026-11-30 02:41:36.597626+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "21a4685ce3c5"
down_revision: str | None = "f917ab46dab8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_TYPES = (
    "register",
    "start_mediation",
    "resolve",
    "fail",
    "flag_escalation_risk",
    "clear_escalation_risk",
    "follow_up",
    "apply_for_confirmation",
    "confirm_agreement",
    "refuse_confirmation",
)
NEW_EVENT_TYPES = ("assign_mediators",)
EVENT_TYPE_CHECK = "ck_dispute_events_dispute_event_type"


def _event_types(types: Sequence[str]) -> None:
    """Replace the CHECK of dispute_events.type by one allowing ``types`` (SQLite: the
    table is recreated)."""
    listed = ", ".join(f"'{t}'" for t in types)
    with op.batch_alter_table("dispute_events", recreate="always") as batch_op:
        batch_op.drop_constraint(op.f(EVENT_TYPE_CHECK), type_="check")
        batch_op.create_check_constraint(
            "dispute_event_type", sa.text(f"type IN ({listed})")
        )


def upgrade() -> None:
    op.create_table(
        "screening_rounds",
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("committee_id", sa.Uuid(), nullable=True),
        sa.Column(
            "level",
            sa.Enum(
                "county",
                "township",
                "village",
                name="screening_level",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=False),
        sa.Column("disputes_found", sa.Integer(), nullable=False),
        sa.Column("zero_report", sa.Boolean(), nullable=False),
        sa.Column("disputes_opened", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["mediation_committees.id"],
            name=op.f("fk_screening_rounds_committee_id_mediation_committees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_rounds")),
    )
    with op.batch_alter_table("screening_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_rounds_committee_id"),
            ["committee_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_screening_rounds_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_rounds_region_code"), ["region_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_rounds_screened_on"), ["screened_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_rounds_township_code"),
            ["township_code"],
            unique=False,
        )

    op.create_table(
        "mediator_trainings",
        sa.Column("mediator_id", sa.Uuid(), nullable=False),
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediators.id"],
            name=op.f("fk_mediator_trainings_mediator_id_mediators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_mediator_trainings_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "mediator_id", "training_id", name=op.f("pk_mediator_trainings")
        ),
    )
    with op.batch_alter_table("mediator_trainings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediator_trainings_training_id"),
            ["training_id"],
            unique=False,
        )

    op.create_table(
        "dispute_mediators",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("mediator_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_mediators_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediators.id"],
            name=op.f("fk_dispute_mediators_mediator_id_mediators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dispute_id", "mediator_id", name=op.f("pk_dispute_mediators")
        ),
    )
    with op.batch_alter_table("dispute_mediators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_mediators_mediator_id"),
            ["mediator_id"],
            unique=False,
        )

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("screening_round_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_disputes_screening_round_id"),
            ["screening_round_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_disputes_screening_round_id_screening_rounds"),
            "screening_rounds",
            ["screening_round_id"],
            ["id"],
        )
    _event_types(EVENT_TYPES + NEW_EVENT_TYPES)


def downgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM dispute_events WHERE type IN ("
            + ", ".join(f"'{t}'" for t in NEW_EVENT_TYPES)
            + ")"
        )
    )
    _event_types(EVENT_TYPES)
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_disputes_screening_round_id_screening_rounds"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_disputes_screening_round_id"))
        batch_op.drop_column("screening_round_id")

    with op.batch_alter_table("dispute_mediators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_mediators_mediator_id"))

    op.drop_table("dispute_mediators")
    with op.batch_alter_table("mediator_trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediator_trainings_training_id"))

    op.drop_table("mediator_trainings")
    with op.batch_alter_table("screening_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_rounds_township_code"))
        batch_op.drop_index(batch_op.f("ix_screening_rounds_screened_on"))
        batch_op.drop_index(batch_op.f("ix_screening_rounds_region_code"))
        batch_op.drop_index(batch_op.f("ix_screening_rounds_created_at"))
        batch_op.drop_index(batch_op.f("ix_screening_rounds_committee_id"))

    op.drop_table("screening_rounds")
