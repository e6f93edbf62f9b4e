from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
)
from reconsideration.schemas import not_before
from reconsideration.scope import get_in_scope, in_scope, record_org
from shared.auth import OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered

#: Calendar days the agency has to report its correction (复议法 Art. 76).
REPLY_PERIOD_DAYS = 60


def reply_due_on(received_on: dt.date) -> dt.date:
    """``received_on`` + 60 calendar days (复议法 Art. 76), counted from the day after receipt.

    The rollover of a deadline that falls on a weekend or holiday to the next working day
    (复议法 Art. 88, 民诉法 Art. 85) is not applied yet: it needs the working-day calendar
    engine, a later issue. Until then the plain calendar date is kept.
    """
    return received_on + dt.timedelta(days=REPLY_PERIOD_DAYS)


async def issue_opinion_letter(
    session: AsyncSession, *, payload: OpinionLetterCreate, actor: Principal
) -> OpinionLetter:
    """Record a letter ``issued``. Raises Forbidden (403) when the county is outside the
    actor's organisation, or the actor is township-scoped (a letter is a county-level record)."""
    ensure_may_act_for(actor.org, **record_org(payload.region_code))
    letter = OpinionLetter(
        **payload.model_dump(),
        due_on=reply_due_on(payload.received_on),
        status=OpinionLetterStatus.issued,
    )
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
    on_time = command.occurred_on <= letter.due_on
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
