"""The defendant's clocks in an administrative lawsuit, on the working-day calendar of the
reconsideration deadlines (reconsideration.deadlines): same counting, same calendar, same
refusal to guess a year nobody loaded.

- ``answer``: 15 calendar days from the defendant's receipt of the copy of the complaint
  (``filed_on``), to submit the answer with the evidence and the normative documents of the
  act (行政诉讼法 第67条第1款);
- ``appeal``: from service of a first-instance judgment 15 calendar days, of a ruling 10
  (行政诉讼法 第85条); second-instance judgments and rulings are final.

Periods under the Administrative Litigation Law are calendar days (民事诉讼法 第85条 via
行政诉讼法 第101条): the start day is not counted and a last day that is not a working day
moves to the next working day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from reconsideration.deadlines.exceptions import CalendarYearUnknown
from reconsideration.deadlines.models import DeadlineState
from reconsideration.deadlines.service import working_calendar
from reconsideration.litigation.models import (
    JudgmentKind,
    LitigationCase,
    LitigationClock,
    LitigationStage,
    LitigationStatus,
)
from reconsideration.litigation.schemas import LitigationDeadlineRead
from shared.working_days import WorkingCalendar, add_calendar_days

State = DeadlineState

#: (clock, judgment kind) -> (calendar days, article, counts from).
RULES: dict[tuple[LitigationClock, JudgmentKind | None], tuple[int, str, str]] = {
    (LitigationClock.answer, None): (
        15,
        "行政诉讼法 第67条第1款",
        "the defendant's receipt of the copy of the complaint",
    ),
    (LitigationClock.appeal, JudgmentKind.judgment): (
        15,
        "行政诉讼法 第85条",
        "service of the first-instance judgment",
    ),
    (LitigationClock.appeal, JudgmentKind.ruling): (
        10,
        "行政诉讼法 第85条",
        "service of the first-instance ruling",
    ),
}


def has_appeal_window(case: LitigationCase) -> bool:
    return (
        case.stage is LitigationStage.first_instance
        and case.judgment_kind is not None
        and case.judgment_served_on is not None
    )


def _due(
    start: dt.date, days: int, calendar: WorkingCalendar
) -> tuple[dt.date | None, int | None]:
    try:
        return add_calendar_days(start, days, calendar=calendar), None
    except CalendarYearUnknown as exc:
        return None, exc.year


def refresh(case: LitigationCase, calendar: WorkingCalendar) -> None:
    """Store the last days of the case's clocks on it. Raises nothing."""
    days = RULES[(LitigationClock.answer, None)][0]
    case.answer_due_on, case.answer_due_unknown_year = _due(
        case.filed_on, days, calendar
    )
    if has_appeal_window(case):
        assert case.judgment_served_on is not None
        assert case.judgment_kind is not None
        days = RULES[(LitigationClock.appeal, case.judgment_kind)][0]
        case.appeal_due_on, case.appeal_due_unknown_year = _due(
            case.judgment_served_on, days, calendar
        )
    else:
        case.appeal_due_on = case.appeal_due_unknown_year = None


def _state(due_on: dt.date | None, unknown: int | None, state: State) -> State:
    if state is State.open and due_on is None and unknown is not None:
        return State.calendar_unknown
    return state


def deadlines_of(case: LitigationCase) -> list[LitigationDeadlineRead]:
    """The clocks of ``case`` as stored by :func:`refresh`."""
    days, article, _ = RULES[(LitigationClock.answer, None)]
    if case.answered_on is not None:
        state, met = State.met, case.answered_on
    elif case.status is LitigationStatus.concluded:
        state, met = State.ended, None
    else:
        state, met = State.open, None
    clocks = [
        LitigationDeadlineRead(
            clock=LitigationClock.answer,
            article=article,
            days=days,
            starts_on=case.filed_on,
            due_on=case.answer_due_on,
            state=_state(case.answer_due_on, case.answer_due_unknown_year, state),
            met_on=met,
            unknown_year=case.answer_due_unknown_year,
        )
    ]
    if has_appeal_window(case):
        assert case.judgment_served_on is not None
        assert case.judgment_kind is not None
        days, article, _ = RULES[(LitigationClock.appeal, case.judgment_kind)]
        if case.appealed:
            state, met = State.met, case.appeal_decided_on
        elif case.appealed is False:
            state, met = State.ended, None
        else:
            state, met = State.open, None
        clocks.append(
            LitigationDeadlineRead(
                clock=LitigationClock.appeal,
                article=article,
                days=days,
                starts_on=case.judgment_served_on,
                due_on=case.appeal_due_on,
                state=_state(case.appeal_due_on, case.appeal_due_unknown_year, state),
                met_on=met,
                unknown_year=case.appeal_due_unknown_year,
            )
        )
    return clocks


async def refresh_for_year(session: AsyncSession, year: int) -> int:
    """Recompute the clocks of every case whose clock waited for ``year`` or may run
    into it (a clock still to be met that starts by the end of ``year``). Answers how many
    cases were recomputed."""
    c = LitigationCase
    last = dt.date(year, 12, 31)
    stmt = (
        select(c)
        .options(selectinload(c.hearings))
        .where(
            or_(
                c.answer_due_unknown_year == year,
                c.appeal_due_unknown_year == year,
                (c.answered_on.is_(None))
                & (c.status == LitigationStatus.pending)
                & (c.filed_on <= last),
                (c.appealed.is_(None))
                & (c.judgment_served_on.is_not(None))
                & (c.judgment_served_on <= last),
            )
        )
    )
    cases = (await session.scalars(stmt)).all()
    if not cases:
        return 0
    calendar = await working_calendar(session)
    for case in cases:
        refresh(case, calendar)
    await session.flush()
    return len(cases)
