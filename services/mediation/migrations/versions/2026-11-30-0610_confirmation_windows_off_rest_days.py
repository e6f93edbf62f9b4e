"""judicial confirmation windows moved off rest days

The window to apply for judicial confirmation (人民调解法 Art. 33: 30 days after the
agreement takes effect) ends on a working day: a 30th day that is a weekend or a holiday
moves to the next working day (民诉法 Art. 85). Disputes whose window was stored before the
service applied that rule (back-filled by revision 0056 as the plain 30th day) get the
moved day; a year the holiday package does not know keeps the 30th day, as the service does.
A data migration only; its downgrade leaves the days as they are.

Revision ID: 9e4c7a1b2f60
Revises: 5b7e0c2d9a41
Create Date: 2026-11-30 06:10:00+00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The State Council's calendar as the services use it (a library, not app code).
from shared.working_days import CalendarYearUnknown, add_calendar_days, package_calendar

revision: str = "9e4c7a1b2f60"
down_revision: str | None = "5b7e0c2d9a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: 人民调解法 Art. 33, as when this was written.
JUDICIAL_CONFIRMATION_DAYS = 30


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def upgrade() -> None:
    bind = op.get_bind()
    calendar = package_calendar()
    rows = bind.execute(
        sa.text(
            "SELECT id, agreement_effective_on, judicial_confirmation_window_ends_on"
            " FROM disputes WHERE agreement_effective_on IS NOT NULL"
        )
    ).all()
    for id_, effective, stored in rows:
        try:
            ends = add_calendar_days(
                _day(effective), JUDICIAL_CONFIRMATION_DAYS, calendar=calendar
            )
        except CalendarYearUnknown:
            continue
        if stored is None or _day(stored) != ends:
            bind.execute(
                sa.text(
                    "UPDATE disputes SET judicial_confirmation_window_ends_on = :ends"
                    " WHERE id = :id"
                ),
                {"ends": ends, "id": id_},
            )


def downgrade() -> None:
    pass
