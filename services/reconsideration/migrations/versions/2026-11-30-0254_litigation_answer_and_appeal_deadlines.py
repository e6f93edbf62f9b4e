"""litigation answer and appeal deadlines: the answer (行政诉讼法 第67条) and the appeal
window (第85条) on the reconsideration deadline engine's calendar; the commands
submit_answer and decide_appeal. Existing cases get their answer due day here.

Revision ID: 206d3c3cef19
Revises: eb00344ff8c4
Create Date: 2026-11-30 02:54:24.286909+00:00
"""

import datetime as dt
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.working_days import CalendarYear, package_calendar
from reconsideration.deadlines.exceptions import CalendarYearUnknown
from shared.working_days import CalendarSource
from shared.working_days import add_calendar_days

revision: str = "206d3c3cef19"
down_revision: str | None = "eb00344ff8c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_TYPES = ("file", "record_hearing", "conclude")
NEW_EVENT_TYPES = ("submit_answer", "decide_appeal")
#: The answer period (行政诉讼法 第67条第1款), in calendar days.
ANSWER_DAYS = 15


def _event_types(types: Sequence[str]) -> None:
    listed = ", ".join(f"'{t}'" for t in types)
    with op.batch_alter_table("litigation_events") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_litigation_events_litigation_event_type"), type_="check"
        )
        batch_op.create_check_constraint(
            "litigation_event_type", sa.text(f"type IN ({listed})")
        )


def _backfill_answer_due_days() -> None:
    """Each existing case's answer due day, on the package's calendar and the loaded
    years (the engine's counting: 15 calendar days, moved off rest days)."""
    bind = op.get_bind()

    def as_list(value: object) -> list[str]:
        return json.loads(value) if isinstance(value, str) else list(value)  # type: ignore[call-overload]

    loaded = [
        CalendarYear(
            year=year,
            holidays=frozenset(dt.date.fromisoformat(d) for d in as_list(holidays)),
            makeup_working_days=frozenset(
                dt.date.fromisoformat(d) for d in as_list(makeup)
            ),
            source=CalendarSource.loaded,
            source_detail=notice,
        )
        for year, holidays, makeup, notice in bind.execute(
            sa.text(
                "SELECT year, holidays, makeup_working_days, notice FROM calendar_years"
            )
        )
    ]
    calendar = package_calendar().with_years(loaded)
    cases = sa.table(
        "litigation_cases",
        sa.column("id", sa.Uuid()),
        sa.column("filed_on", sa.Date()),
        sa.column("answer_due_on", sa.Date()),
        sa.column("answer_due_unknown_year", sa.Integer()),
    )
    for id_, filed_on in bind.execute(sa.select(cases.c.id, cases.c.filed_on)).all():
        due: dt.date | None = None
        unknown: int | None = None
        try:
            due = add_calendar_days(filed_on, ANSWER_DAYS, calendar=calendar)
        except CalendarYearUnknown as exc:
            unknown = exc.year
        bind.execute(
            sa.update(cases)
            .where(cases.c.id == id_)
            .values(answer_due_on=due, answer_due_unknown_year=unknown)
        )


def upgrade() -> None:
    with op.batch_alter_table("litigation_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("answer_evidence_submitted", sa.Boolean(), nullable=True)
        )
        batch_op.add_column(sa.Column("answer_due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("answer_due_unknown_year", sa.Integer(), nullable=True)
        )
        # The enum's CHECK by name (an Enum column added in a batch loses it on SQLite).
        batch_op.add_column(
            sa.Column("judgment_kind", sa.String(length=40), nullable=True)
        )
        batch_op.create_check_constraint(
            "judgment_kind", sa.text("judgment_kind IN ('judgment', 'ruling')")
        )
        batch_op.add_column(sa.Column("judgment_served_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("appeal_due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("appeal_due_unknown_year", sa.Integer(), nullable=True)
        )
        batch_op.add_column(sa.Column("appeal_decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("appealed", sa.Boolean(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_litigation_cases_answer_due_on"),
            ["answer_due_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_litigation_cases_appeal_due_on"),
            ["appeal_due_on"],
            unique=False,
        )
    _event_types((*EVENT_TYPES, *NEW_EVENT_TYPES))
    _backfill_answer_due_days()


def downgrade() -> None:
    new_types = ", ".join(f"'{t}'" for t in NEW_EVENT_TYPES)
    op.execute(sa.text(f"DELETE FROM litigation_events WHERE type IN ({new_types})"))
    _event_types(EVENT_TYPES)
    with op.batch_alter_table("litigation_cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_litigation_cases_judgment_kind"), type_="check"
        )
        batch_op.drop_index(batch_op.f("ix_litigation_cases_appeal_due_on"))
        batch_op.drop_index(batch_op.f("ix_litigation_cases_answer_due_on"))
        batch_op.drop_column("appealed")
        batch_op.drop_column("appeal_decided_on")
        batch_op.drop_column("appeal_due_unknown_year")
        batch_op.drop_column("appeal_due_on")
        batch_op.drop_column("judgment_served_on")
        batch_op.drop_column("judgment_kind")
        batch_op.drop_column("answer_due_unknown_year")
        batch_op.drop_column("answer_due_on")
        batch_op.drop_column("answer_evidence_submitted")
        batch_op.drop_column("answered_on")
