"""Supervision instruments (监督检查建议书 / 意见书 / 决定书).

Organisation scope (docs/auth.md): an instrument carries ``region_code`` and
``agency_id`` (the agency it was issued to), so ``in_org`` alone restricts reads; the
agency and ``follow_up_of`` are looked up within the caller's organisation.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.db import CaseNumberCounter
from enforcement.instruments.exceptions import (
    InstrumentNotFound,
    InstrumentTransitionNotAllowed,
)
from enforcement.instruments.models import (
    InstrumentEvent,
    InstrumentEventType,
    InstrumentStatus,
    SupervisionInstrument,
)
from enforcement.instruments.schemas import (
    Escalate,
    InstrumentCommand,
    InstrumentCreate,
    InstrumentDueFilters,
    InstrumentDueRead,
    InstrumentEventRead,
    InstrumentFilters,
    InstrumentRead,
    MarkOverdue,
    RecordReply,
    RefuseRectification,
    VerifyRectification,
)
from enforcement.schemas import not_before
from shared.auth import OrgScope, Principal
from shared.case_numbers import case_number, next_number
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org
from shared.types import today

#: Which status each command requires (domain.md §5).
ALLOWED_FROM: dict[InstrumentEventType, frozenset[InstrumentStatus]] = {
    InstrumentEventType.record_reply: frozenset(
        {InstrumentStatus.issued, InstrumentStatus.overdue}
    ),
    InstrumentEventType.verify_rectification: frozenset({InstrumentStatus.replied}),
    InstrumentEventType.mark_overdue: frozenset({InstrumentStatus.issued}),
    InstrumentEventType.escalate: frozenset(
        {InstrumentStatus.issued, InstrumentStatus.overdue}
    ),
    InstrumentEventType.refuse_rectification: frozenset({InstrumentStatus.replied}),
}


#: The statuses in which the rectification report is awaited from the agency.
AWAITING_REPLY = frozenset({InstrumentStatus.issued, InstrumentStatus.overdue})

#: Default horizon of ``GET /supervision-instruments/due`` (calendar days after ``as_of``).
DUE_HORIZON_DAYS = 7

#: The word of an instrument's case number (通司执监〔2023〕3号).
CASE_NUMBER_WORD = "司执监"


async def issue_instrument(
    session: AsyncSession,
    *,
    payload: InstrumentCreate,
    actor: Principal,
    rectification_days: int,
    org: OrgScope,
    abbreviations: dict[str, str] | None = None,
) -> SupervisionInstrument:
    """Issue an instrument in status ``issued``, numbered
    ``<county>司执监〔<year issued>〕<n>号`` (shared.case_numbers; ``abbreviations`` maps
    region codes to the county's abbreviation).

    ``due_on`` defaults to ``issued_on`` + ``rectification_days`` calendar days
    (configurable, default 30; domain.md §5). Raises InvalidInput
    (``agency_id``; ``follow_up_of`` when it names no instrument, one to another
    agency, or one issued later); both are looked up within the caller's ``org``, so a
    reference outside it is ``unknown``. Raises Forbidden (403) for a record outside ``org``.
    """
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    if payload.follow_up_of is not None:
        earlier = await session.scalar(
            in_org(
                select(SupervisionInstrument).where(
                    SupervisionInstrument.id == payload.follow_up_of
                ),
                SupervisionInstrument,
                org,
            )
        )
        if earlier is None:
            raise InvalidInput(
                "follow_up_of names no supervision instrument",
                field="follow_up_of",
                code="unknown",
            )
        if earlier.agency_id != agency.id:
            raise InvalidInput(
                "follow_up_of names an instrument to another agency",
                field="follow_up_of",
                code="other_agency",
            )
        if earlier.issued_on > payload.issued_on:
            raise InvalidInput(
                "follow_up_of names an instrument issued after this one",
                field="follow_up_of",
                code="too_late",
            )
    year = payload.issued_on.year
    number = await next_number(
        session,
        CaseNumberCounter,
        series=f"{agency.region_code}:supervision_instrument",
        year=year,
    )
    instrument = SupervisionInstrument(
        **payload.model_dump(exclude={"due_on"}),
        case_number=case_number(
            agency.region_code, CASE_NUMBER_WORD, year, number, abbreviations
        ),
        region_code=agency.region_code,
        due_on=payload.due_on
        or payload.issued_on + dt.timedelta(days=rectification_days),
        status=InstrumentStatus.issued,
        status_changed_on=payload.issued_on,
    )
    session.add(instrument)
    await session.flush()
    session.add(
        InstrumentEvent(
            instrument_id=instrument.id,
            type=InstrumentEventType.issue,
            occurred_on=payload.issued_on,
            actor=actor.subject,
            data={"kind": str(payload.kind), "due_on": instrument.due_on.isoformat()},
        )
    )
    await session.flush()
    return instrument


async def get_instrument(
    session: AsyncSession, instrument_id: uuid.UUID, *, org: OrgScope
) -> SupervisionInstrument:
    """The instrument within the caller's ``org``. Raises InstrumentNotFound (404)."""
    return await get_or_raise(
        session, SupervisionInstrument, instrument_id, InstrumentNotFound, org=org
    )


async def list_instruments(
    session: AsyncSession,
    *,
    filters: InstrumentFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[InstrumentRead]:
    """The instruments within ``org`` (region and agency) matching ``filters``."""
    stmt = filtered(
        in_org(select(SupervisionInstrument), SupervisionInstrument, org),
        SupervisionInstrument,
        filters,
        year_column=SupervisionInstrument.issued_on,
    )
    return await paginate(
        session,
        stmt,
        page,
        model=SupervisionInstrument,
        to_item=InstrumentRead.model_validate,
    )


def due_read(instrument: SupervisionInstrument, *, as_of: dt.date) -> InstrumentDueRead:
    """The instrument with ``overdue`` and ``days_left`` judged on ``as_of`` (calendar days):
    overdue when the agency's reply is still awaited and ``as_of`` is after ``due_on``
    (the due day itself is still in time)."""
    awaiting = instrument.status in AWAITING_REPLY
    return InstrumentDueRead.model_validate(
        {
            **InstrumentRead.model_validate(instrument).model_dump(),
            "overdue": awaiting and as_of > instrument.due_on,
            "days_left": (instrument.due_on - as_of).days,
        }
    )


async def list_due(
    session: AsyncSession,
    *,
    filters: InstrumentDueFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[InstrumentDueRead]:
    """Instruments whose rectification report is awaited (status ``issued`` or ``overdue``)
    and due on or before ``due_before`` (inclusive; default ``as_of`` + 7 calendar days),
    judged on ``as_of`` (default today, Beijing time), within ``org``, ordered by creation.
    Overdue ones are included whatever ``due_before``'s distance, since their due date is
    earlier still; ``overdue`` keeps only those overdue (true) or not yet (false) on
    ``as_of``. Overdue is computed from the dates alone, whether or not ``mark_overdue`` was
    recorded: ``as_of`` after ``due_on`` (domain.md §5; 30-day default period)."""
    as_of = filters.as_of or today()
    due_before = filters.due_before or as_of + dt.timedelta(days=DUE_HORIZON_DAYS)
    stmt = select(SupervisionInstrument).where(
        SupervisionInstrument.status.in_(AWAITING_REPLY),
        SupervisionInstrument.due_on <= due_before,
    )
    if filters.overdue is True:
        stmt = stmt.where(SupervisionInstrument.due_on < as_of)
    elif filters.overdue is False:
        stmt = stmt.where(SupervisionInstrument.due_on >= as_of)
    stmt = filtered(
        stmt,
        SupervisionInstrument,
        filters.model_copy(update={"due_before": None, "as_of": None, "overdue": None}),
    )
    return await paginate(
        session,
        in_org(stmt, SupervisionInstrument, org),
        page,
        model=SupervisionInstrument,
        to_item=lambda instrument: due_read(instrument, as_of=as_of),
    )


async def apply_command(
    session: AsyncSession,
    instrument: SupervisionInstrument,
    *,
    command: InstrumentCommand,
    actor: Principal,
) -> SupervisionInstrument:
    """Move an instrument through its lifecycle (domain.md §5).

    ``record_reply``: issued | overdue → replied; ``verify_rectification``:
    replied → rectified; ``mark_overdue``: issued → overdue, only once the due
    date has passed; ``escalate``: issued | overdue → escalated, once the due date
    has passed; ``refuse_rectification``: replied → issued (the bureau sends the reply
    back; a new ``due_on`` is required when the old one has passed).
    Raises InstrumentTransitionNotAllowed (409) from any other status, and
    InvalidInput (``occurred_on``) for a date before the previous step or, for
    ``mark_overdue`` and ``escalate``, on or before ``due_on``; InvalidInput (``due_on``)
    for a refusal without a new due date after the old one passed.
    """
    if instrument.status not in ALLOWED_FROM[command.type]:
        allowed = ", ".join(sorted(ALLOWED_FROM[command.type]))
        raise InstrumentTransitionNotAllowed(
            f"{command.type} needs status {allowed}; the instrument is {instrument.status}",
            current_status=str(instrument.status),
        )
    not_before(
        command.occurred_on,
        instrument.status_changed_on,
        field="occurred_on",
        what="the previous step",
    )
    data: dict[str, object] = {}
    match command:
        case RecordReply(reply=reply):
            instrument.status = InstrumentStatus.replied
            instrument.reply = reply
            instrument.replied_on = command.occurred_on
        case VerifyRectification():
            instrument.status = InstrumentStatus.rectified
            instrument.rectified_on = command.occurred_on
        case MarkOverdue():
            if command.occurred_on <= instrument.due_on:
                raise InvalidInput(
                    f"the rectification is due on {instrument.due_on}; it is not overdue on {command.occurred_on}",
                    field="occurred_on",
                    code="not_yet_due",
                )
            instrument.status = InstrumentStatus.overdue
        case Escalate(measure=measure):
            if command.occurred_on <= instrument.due_on:
                raise InvalidInput(
                    f"the rectification is due on {instrument.due_on}; it cannot be escalated before then",
                    field="occurred_on",
                    code="not_yet_due",
                )
            instrument.status = InstrumentStatus.escalated
            instrument.escalation_measure = measure
            data = {"measure": str(measure)}
        case RefuseRectification(reason=reason, due_on=due_on):
            if due_on is None and instrument.due_on <= command.occurred_on:
                raise InvalidInput(
                    f"the due date {instrument.due_on} has passed: give the agency a new due_on",
                    field="due_on",
                    code="missing",
                )
            instrument.status = InstrumentStatus.issued
            data = {"reason": reason}
            if due_on is not None:
                instrument.due_on = due_on
                data["due_on"] = due_on.isoformat()
    instrument.status_changed_on = command.occurred_on
    session.add(
        InstrumentEvent(
            instrument_id=instrument.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data=data,
        )
    )
    await session.flush()
    return instrument


async def list_events(
    session: AsyncSession, instrument: SupervisionInstrument, *, page: PageParams
) -> Page[InstrumentEventRead]:
    stmt = select(InstrumentEvent).where(InstrumentEvent.instrument_id == instrument.id)
    return await paginate(
        session,
        stmt,
        page,
        model=InstrumentEvent,
        to_item=InstrumentEventRead.model_validate,
    )
