"""application deadlines: each application's statutory clocks, the approved extension of
its decision period, and the commands extend and switch_procedure

Existing applications are not backfilled here (their clocks need the working-day engine
and the loaded calendar years): an application gets its rows with its next command or
when a calendar year it depends on is loaded.

Revision ID: f400caaf8204
Revises: 5153cb7b2b7f
Create Date: 2026-11-30 00:55:47.196805+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f400caaf8204"
down_revision: str | None = "5153cb7b2b7f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_TYPES = (
    "receive",
    "start_review",
    "request_correction",
    "record_correction",
    "deem_abandoned",
    "accept",
    "deem_accepted",
    "not_accept",
    "copy_to_respondent",
    "suspend",
    "resume",
    "decide",
    "terminate",
    "record_mediation_statement",
)
NEW_EVENT_TYPES = ("extend", "switch_procedure")
EVENT_TYPE_CHECK = "ck_application_events_application_event_type"


def _event_types(types: Sequence[str]) -> None:
    """Replace the CHECK of application_events.type by one allowing ``types`` (SQLite:
    the table is recreated)."""
    listed = ", ".join(f"'{t}'" for t in types)
    with op.batch_alter_table("application_events", recreate="always") as batch_op:
        batch_op.drop_constraint(op.f(EVENT_TYPE_CHECK), type_="check")
        batch_op.create_check_constraint(
            "application_event_type", sa.text(f"type IN ({listed})")
        )


def upgrade() -> None:
    op.create_table(
        "application_deadlines",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column(
            "clock",
            sa.Enum(
                "acceptance_review",
                "correction_request",
                "applicant_correction",
                "copy_to_respondent",
                "respondent_reply",
                "hearing_notice",
                "decision",
                "opinion_letter_reply",
                name="deadline_clock",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "law",
            sa.Enum(
                "law_1999",
                "law_2023",
                name="deadline_law",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("article", sa.String(length=100), nullable=False),
        sa.Column(
            "unit",
            sa.Enum(
                "working_days",
                "calendar_days",
                name="deadline_unit",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("suspended_days", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "met",
                "paused",
                "calendar_unknown",
                "ended",
                name="deadline_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("unknown_year", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["reconsideration_applications.id"],
            name=op.f(
                "fk_application_deadlines_application_id_reconsideration_applications"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_deadlines")),
        sa.UniqueConstraint(
            "application_id",
            "clock",
            name=op.f("uq_application_deadlines_application_id_clock"),
        ),
    )
    with op.batch_alter_table("application_deadlines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_deadlines_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_application_deadlines_created_at"),
            ["created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_application_deadlines_state_due_on", ["state", "due_on"], unique=False
        )

    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decision_extension_days", sa.Integer(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "decision_extension_approved_by", sa.String(length=200), nullable=True
            )
        )

    _event_types((*EVENT_TYPES, *NEW_EVENT_TYPES))
    # An opinion letter's reply due day needs the working-day calendar: unknown (NULL)
    # while its year is. Existing letters keep their plain +60 days until a calendar year
    # they depend on is loaded.
    with op.batch_alter_table("opinion_letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_unknown_year", sa.Integer(), nullable=True))
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE opinion_letters SET due_on = received_on + 60 WHERE due_on IS NULL"
            if op.get_bind().dialect.name == "postgresql"
            else "UPDATE opinion_letters SET due_on = date(received_on, '+60 days') "
            "WHERE due_on IS NULL"
        )
    )
    with op.batch_alter_table("opinion_letters", schema=None) as batch_op:
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("due_unknown_year")
    op.execute(
        sa.text(
            "DELETE FROM application_events WHERE type IN ('extend', 'switch_procedure')"
        )
    )
    _event_types(EVENT_TYPES)
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.drop_column("decision_extension_approved_by")
        batch_op.drop_column("decision_extension_days")

    with op.batch_alter_table("application_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_application_deadlines_state_due_on")
        batch_op.drop_index(batch_op.f("ix_application_deadlines_created_at"))
        batch_op.drop_index(batch_op.f("ix_application_deadlines_application_id"))

    op.drop_table("application_deadlines")
