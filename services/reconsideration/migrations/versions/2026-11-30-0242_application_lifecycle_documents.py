"""application lifecycle documents: the forwarding agency and its receipt, the respondent's
receipt and reply, hearings, committee consultations, the details of a decision (partial
revocation, redo deadline, approval), more termination grounds (复议法(2023) 第41条) and the
forwarding clock (第32条)

Revision ID: eb00344ff8c4
Revises: f400caaf8204
Create Date: 2026-11-30 02:42:13.041706+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "eb00344ff8c4"
down_revision: str | None = "f400caaf8204"
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
    "extend",
    "switch_procedure",
)
NEW_EVENT_TYPES = (
    "record_respondent_receipt",
    "record_respondent_reply",
    "schedule_hearing",
    "record_hearing",
    "record_committee_consultation",
)
TERMINATION_GROUNDS = ("withdrawal", "settlement", "other")
NEW_TERMINATION_GROUNDS = (
    "no_successor",
    "criminal_compulsory_measure",
    "suspension_not_lifted",
)
CLOCKS = (
    "acceptance_review",
    "correction_request",
    "applicant_correction",
    "copy_to_respondent",
    "respondent_reply",
    "hearing_notice",
    "decision",
    "opinion_letter_reply",
)


def _allow(table: str, column: str, constraint: str, values: Sequence[str]) -> None:
    """Replace the named CHECK of ``table.column`` by one allowing ``values`` (SQLite: the
    table is recreated)."""
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{constraint}"), type_="check")
        batch_op.create_check_constraint(constraint, sa.text(f"{column} IN ({listed})"))


def upgrade() -> None:
    op.create_table(
        "application_hearings",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("hearing_on", sa.Date(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "in_person",
                "online",
                name="hearing_mode",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("presiding_officer", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("applicant_appeared", sa.Boolean(), nullable=True),
        sa.Column("respondent_head_appeared", sa.Boolean(), nullable=True),
        sa.Column("respondent_representative", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["reconsideration_applications.id"],
            name=op.f(
                "fk_application_hearings_application_id_reconsideration_applications"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_hearings")),
    )
    with op.batch_alter_table("application_hearings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_hearings_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_application_hearings_created_at"),
            ["created_at"],
            unique=False,
        )

    op.create_table(
        "committee_consultations",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("consulted_on", sa.Date(), nullable=False),
        sa.Column(
            "ground",
            sa.Enum(
                "major_complex",
                "professional_technical",
                "provincial_government_act",
                "office_considers_needed",
                name="consultation_ground",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstaining", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["reconsideration_applications.id"],
            name=op.f(
                "fk_committee_consultations_application_id_reconsideration_applications"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_consultations")),
    )
    with op.batch_alter_table("committee_consultations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_committee_consultations_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_committee_consultations_created_at"),
            ["created_at"],
            unique=False,
        )

    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("forwarding_agency", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("forwarding_agency_received_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("respondent_received_copy_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("respondent_replied_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("respondent_evidence_submitted", sa.Boolean(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("partial_revocation", sa.Boolean(), nullable=True)
        )
        batch_op.add_column(sa.Column("redo_deadline", sa.Date(), nullable=True))
        # The enum's CHECK by name (an Enum column added in a batch loses it on SQLite).
        batch_op.add_column(
            sa.Column("decision_approval", sa.String(length=40), nullable=True)
        )
        batch_op.create_check_constraint(
            "decision_approval",
            sa.text(
                "decision_approval IN ('head_approval', 'collective_discussion')"
            ),
        )
        batch_op.add_column(
            sa.Column("collective_discussion_id", sa.Uuid(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_reconsideration_applications_collective_discussion_id"),
            ["collective_discussion_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f(
                "fk_reconsideration_applications_collective_discussion_id_collective_discussions"
            ),
            "collective_discussions",
            ["collective_discussion_id"],
            ["id"],
        )

    _allow(
        "application_events",
        "type",
        "application_event_type",
        (*EVENT_TYPES, *NEW_EVENT_TYPES),
    )
    _allow(
        "reconsideration_applications",
        "termination_ground",
        "termination_ground",
        (*TERMINATION_GROUNDS, *NEW_TERMINATION_GROUNDS),
    )
    _allow("application_deadlines", "clock", "deadline_clock", ("forwarding", *CLOCKS))


def downgrade() -> None:
    new_types = ", ".join(f"'{t}'" for t in NEW_EVENT_TYPES)
    new_grounds = ", ".join(f"'{g}'" for g in NEW_TERMINATION_GROUNDS)
    op.execute(sa.text(f"DELETE FROM application_events WHERE type IN ({new_types})"))
    op.execute(
        sa.text(
            "UPDATE reconsideration_applications SET termination_ground = 'other' "
            f"WHERE termination_ground IN ({new_grounds})"
        )
    )
    op.execute(sa.text("DELETE FROM application_deadlines WHERE clock = 'forwarding'"))
    _allow("application_deadlines", "clock", "deadline_clock", CLOCKS)
    _allow(
        "reconsideration_applications",
        "termination_ground",
        "termination_ground",
        TERMINATION_GROUNDS,
    )
    _allow("application_events", "type", "application_event_type", EVENT_TYPES)
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f(
                "fk_reconsideration_applications_collective_discussion_id_collective_discussions"
            ),
            type_="foreignkey",
        )
        batch_op.drop_index(
            batch_op.f("ix_reconsideration_applications_collective_discussion_id")
        )
        batch_op.drop_column("collective_discussion_id")
        batch_op.drop_constraint(
            op.f("ck_reconsideration_applications_decision_approval"), type_="check"
        )
        batch_op.drop_column("decision_approval")
        batch_op.drop_column("redo_deadline")
        batch_op.drop_column("partial_revocation")
        batch_op.drop_column("respondent_evidence_submitted")
        batch_op.drop_column("respondent_replied_on")
        batch_op.drop_column("respondent_received_copy_on")
        batch_op.drop_column("forwarding_agency_received_on")
        batch_op.drop_column("forwarding_agency")

    with op.batch_alter_table("committee_consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_consultations_created_at"))
        batch_op.drop_index(batch_op.f("ix_committee_consultations_application_id"))

    op.drop_table("committee_consultations")
    with op.batch_alter_table("application_hearings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_hearings_created_at"))
        batch_op.drop_index(batch_op.f("ix_application_hearings_application_id"))

    op.drop_table("application_hearings")
