"""the applicant's receipt of the correction notice

Applications get ``correction_received_on`` (复议法(2023) 第31条: the applicant's
correction period counts from the receipt of the notice) and their events the
``record_correction_receipt`` command. Existing applications keep no receipt: their
correction period counts from the request, as before.

Revision ID: 3f8a2d6c1e95
Revises: 7c1e5a90d3b2
Create Date: 2026-11-30 06:20:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f8a2d6c1e95"
down_revision: str | None = "7c1e5a90d3b2"
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
    "record_respondent_receipt",
    "record_respondent_reply",
    "schedule_hearing",
    "record_hearing",
    "record_committee_consultation",
)
NEW_EVENT_TYPE = "record_correction_receipt"


def _allow(values: Sequence[str]) -> None:
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("application_events") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_application_events_application_event_type"), type_="check"
        )
        batch_op.create_check_constraint(
            "application_event_type", sa.text(f"type IN ({listed})")
        )


def upgrade() -> None:
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("correction_received_on", sa.Date(), nullable=True)
        )
    _allow((*EVENT_TYPES, NEW_EVENT_TYPE))


def downgrade() -> None:
    op.execute(f"DELETE FROM application_events WHERE type = '{NEW_EVENT_TYPE}'")
    _allow(EVENT_TYPES)
    with op.batch_alter_table("reconsideration_applications", schema=None) as batch_op:
        batch_op.drop_column("correction_received_on")
