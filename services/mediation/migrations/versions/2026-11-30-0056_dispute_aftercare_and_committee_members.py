"""dispute follow-up, escalation risk, judicial confirmation; committee members and term

Disputes get the agreement's effective date and the judicial-confirmation window (stored so
that the list of what is due can filter on it), the judicial confirmation, the latest
performance follow-up and the escalation-risk flag. A dispute resolved under an earlier
revision took its agreement effective on the day it was resolved (the default since), so its
window is set from that day. Committees get their term and a table of members.

Revision ID: f917ab46dab8
Revises: 8f2446fbe96a
Create Date: 2026-11-30 00:56:10.367945+00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f917ab46dab8"
down_revision: str | None = "8f2446fbe96a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_TYPES = ("register", "start_mediation", "resolve", "fail")
NEW_EVENT_TYPES = (
    "flag_escalation_risk",
    "clear_escalation_risk",
    "follow_up",
    "apply_for_confirmation",
    "confirm_agreement",
    "refuse_confirmation",
)
EVENT_TYPE_CHECK = "ck_dispute_events_dispute_event_type"
#: The CHECK of the Enum column, which SQLite keeps when the column is dropped.
CONFIRMATION_CHECK = "ck_disputes_judicial_confirmation_status"


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
        "committee_members",
        sa.Column("committee_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "female",
                "male",
                name="member_sex",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "deputy_chair",
                "member",
                name="member_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["mediation_committees.id"],
            name=op.f("fk_committee_members_committee_id_mediation_committees"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_members")),
    )
    with op.batch_alter_table("committee_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_committee_members_committee_id"),
            ["committee_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_committee_members_created_at"), ["created_at"], unique=False
        )

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agreement_effective_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("judicial_confirmation_window_ends_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "judicial_confirmation_status",
                sa.Enum(
                    "applied",
                    "confirmed",
                    "refused",
                    name="judicial_confirmation_status",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "judicial_confirmation_court", sa.String(length=200), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("judicial_confirmation_applied_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("judicial_confirmation_decided_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("judicial_confirmation_refusal_reason", sa.Text(), nullable=True)
        )
        batch_op.add_column(sa.Column("followed_up_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("agreement_performed", sa.Boolean(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("escalation_risk_flagged_on", sa.Date(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "risk_of_crime",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "risk_of_group_petition",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("escalation_risk_reason", sa.Text(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_disputes_escalation_risk_flagged_on"),
            ["escalation_risk_flagged_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_disputes_judicial_confirmation_window_ends_on"),
            ["judicial_confirmation_window_ends_on"],
            unique=False,
        )

    with op.batch_alter_table("mediation_committees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term_starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("term_ends_on", sa.Date(), nullable=True))
    _event_types(EVENT_TYPES + NEW_EVENT_TYPES)
    _open_confirmation_windows()



def downgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM dispute_events WHERE type IN ("
            + ", ".join(f"'{t}'" for t in NEW_EVENT_TYPES)
            + ")"
        )
    )
    _event_types(EVENT_TYPES)
    with op.batch_alter_table("mediation_committees", schema=None) as batch_op:
        batch_op.drop_column("term_ends_on")
        batch_op.drop_column("term_starts_on")

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f(CONFIRMATION_CHECK), type_="check"
        )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_disputes_judicial_confirmation_window_ends_on")
        )
        batch_op.drop_index(batch_op.f("ix_disputes_escalation_risk_flagged_on"))
        batch_op.drop_column("escalation_risk_reason")
        batch_op.drop_column("risk_of_group_petition")
        batch_op.drop_column("risk_of_crime")
        batch_op.drop_column("escalation_risk_flagged_on")
        batch_op.drop_column("agreement_performed")
        batch_op.drop_column("followed_up_on")
        batch_op.drop_column("judicial_confirmation_refusal_reason")
        batch_op.drop_column("judicial_confirmation_decided_on")
        batch_op.drop_column("judicial_confirmation_applied_on")
        batch_op.drop_column("judicial_confirmation_court")
        batch_op.drop_column("judicial_confirmation_status")
        batch_op.drop_column("judicial_confirmation_window_ends_on")
        batch_op.drop_column("agreement_effective_on")

    with op.batch_alter_table("committee_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_members_created_at"))
        batch_op.drop_index(batch_op.f("ix_committee_members_committee_id"))

    op.drop_table("committee_members")


#: 人民调解法 Art. 33 (the service's JUDICIAL_CONFIRMATION_DAYS when this was written;
#: revisions never import app code).
JUDICIAL_CONFIRMATION_DAYS = 30


def _open_confirmation_windows() -> None:
    """Resolved disputes: the agreement took effect when resolved; the window follows."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, concluded_on FROM disputes WHERE status = 'resolved'")
    ).all()
    for id_, day in rows:
        effective = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        bind.execute(
            sa.text(
                "UPDATE disputes SET agreement_effective_on = :effective, "
                "judicial_confirmation_window_ends_on = :ends WHERE id = :id"
            ),
            {
                "effective": effective,
                "ends": effective + dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS),
                "id": id_,
            },
        )
