from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.deadlines.exceptions import CalendarYearUnknown
from reconsideration.deadlines.models import Clock
from reconsideration.deadlines.service import working_calendar
from reconsideration.deadlines.statutes import compute_deadline
from reconsideration.opinion_letters.exceptions import (
    OpinionLetterNotFound,
    OpinionLetterTransitionNotAllowed,
)
from reconsideration.opinion_letters.models import (
    OpinionLetter,
    OpinionLetterEvent,
    OpinionLetterEventType,
    OpinionLetterStatus,
)
from reconsideration.opinion_letters.schemas import (
    OpinionLetterCommand,
    OpinionLetterCreate,
    OpinionLetterEventRead,
    OpinionLetterFilters,
    OpinionLetterRead,
    replied_on_time,
)
from reconsideration.schemas import not_before
from reconsideration.scope import get_in_scope, in_scope, record_org
from shared.auth import OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered
from shared.working_days import WorkingCalendar


async def set_reply_due(
    session: AsyncSession,
    letter: OpinionLetter,
    calendar: WorkingCalendar | None = None,
) -> None:
    """Set the letter's reply due day: 60 calendar days from the day after the agency's
    receipt (复议法(2023) Art. 76; 实施条例 Art. 57 before 2024), a last day that is not a
    working day moved to the next working day (Art. 88, 民事诉讼法 Art. 85), on the
    service's working-day calendar. When that needs a year nobody loaded, ``due_on`` stays
    None and ``due_unknown_year`` names the year (loading it sets the day). Raises nothing."""
    if calendar is None:
        calendar = await working_calendar(session)
    try:
        due = compute_deadline(
            Clock.opinion_letter_reply,
            received_on=letter.received_on,
            starts_on=letter.received_on,
            calendar=calendar,
        )
    except CalendarYearUnknown as exc:
        letter.due_on, letter.due_unknown_year = None, exc.year
    else:
        letter.due_on, letter.due_unknown_year = due.due_on, None


async def refresh_for_year(session: AsyncSession, year: int) -> int:
    """Recompute the reply due day of every letter that may depend on ``year`` (one waiting
    for it, or one whose 60 days end in or after it and start in or before it). Answers
    how many. Raises nothing."""
    stmt = select(OpinionLetter).where(
        or_(
            OpinionLetter.due_unknown_year == year,
            (OpinionLetter.received_on <= dt.date(year, 12, 31))
            & (OpinionLetter.due_on >= dt.date(year, 1, 1)),
        )
    )
    letters = (await session.scalars(stmt)).all()
    if letters:
        calendar = await working_calendar(session)
        for letter in letters:
            await set_reply_due(session, letter, calendar)
        await session.flush()
    return len(letters)


async def issue_opinion_letter(
    session: AsyncSession, *, payload: OpinionLetterCreate, actor: Principal
) -> OpinionLetter:
    """Record a letter ``issued``. Raises Forbidden (403) when the county is outside the
    actor's organisation, or the actor is township-scoped (a letter is a county-level record)."""
    ensure_may_act_for(actor.org, **record_org(payload.region_code))
    letter = OpinionLetter(**payload.model_dump(), status=OpinionLetterStatus.issued)
    await set_reply_due(session, letter)
    session.add(letter)
    await session.flush()
    session.add(
        OpinionLetterEvent(
            opinion_letter_id=letter.id,
            type=OpinionLetterEventType.issue,
            occurred_on=payload.issued_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return letter


async def get_opinion_letter(
    session: AsyncSession, letter_id: uuid.UUID, *, org: OrgScope | None
) -> OpinionLetter:
    """Raises OpinionLetterNotFound, also for a letter outside ``org``. A letter is a
    county-level record (no ``township_code``): a township-scoped caller finds none."""
    return await get_in_scope(
        session, OpinionLetter, letter_id, OpinionLetterNotFound, org=org
    )


async def list_opinion_letters(
    session: AsyncSession,
    *,
    filters: OpinionLetterFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[OpinionLetterRead]:
    """The letters of ``org``'s county matching ``filters``, on every page. A letter is a
    county-level record (no ``township_code``, in effect NULL): a township-scoped caller,
    whose township equality never matches NULL, gets none."""
    stmt = filtered(
        in_scope(select(OpinionLetter), OpinionLetter, org),
        OpinionLetter,
        filters,
        year_column=OpinionLetter.issued_on,
    )
    return await paginate(
        session,
        stmt,
        page,
        model=OpinionLetter,
        to_item=OpinionLetterRead.model_validate,
    )


async def apply_command(
    session: AsyncSession,
    letter: OpinionLetter,
    *,
    command: OpinionLetterCommand,
    actor: Principal,
) -> OpinionLetter:
    """``record_reply``: issued → replied on ``occurred_on`` (late replies are recorded too).

    Raises OpinionLetterTransitionNotAllowed (409) when already replied and InvalidInput
    (``occurred_on``) for a date before the agency received the letter.
    """
    if letter.status is not OpinionLetterStatus.issued:
        raise OpinionLetterTransitionNotAllowed(
            f"{command.type} needs status issued; the opinion letter is {letter.status}",
            current_status=str(letter.status),
        )
    not_before(
        command.occurred_on,
        letter.received_on,
        field="occurred_on",
        what="the agency's receipt",
    )
    letter.status = OpinionLetterStatus.replied
    letter.replied_on = command.occurred_on
    on_time = replied_on_time(
        received_on=letter.received_on,
        due_on=letter.due_on,
        replied_on=command.occurred_on,
    )
    session.add(
        OpinionLetterEvent(
            opinion_letter_id=letter.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={"on_time": on_time},
        )
    )
    await session.flush()
    return letter


async def list_events(
    session: AsyncSession, letter: OpinionLetter, *, page: PageParams
) -> Page[OpinionLetterEventRead]:
    stmt = select(OpinionLetterEvent).where(
        OpinionLetterEvent.opinion_letter_id == letter.id
    )
    return await paginate(
        session,
        stmt,
        page,
        model=OpinionLetterEvent,
        to_item=OpinionLetterEventRead.model_validate,
    )
