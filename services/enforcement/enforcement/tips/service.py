"""Social supervisors' tips (社会监督员 线索) and what came of them.

Organisation scope (docs/auth.md): a tip carries ``region_code`` and, when it names one,
``agency_id``, so ``in_org`` restricts reads (an agency's staff see the tips about their
agency); tips are recorded and handled by county-level callers only.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from enforcement.agencies.service import require_agency
from enforcement.instruments.schemas import InstrumentCreate
from enforcement.instruments.service import issue_instrument
from enforcement.schemas import not_before
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.tips.exceptions import TipNotFound, TipTransitionNotAllowed
from enforcement.tips.models import Tip, TipStatus
from enforcement.tips.schemas import (
    Dismiss,
    OpenInstrument,
    SupervisorTipFilters,
    TipCommand,
    TipCreate,
    TipFilters,
    TipRead,
)
from shared.auth import OrgScope, Principal
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org

_WITH_INSTRUMENT = (selectinload(Tip.instrument),)


async def record_tip(
    session: AsyncSession, *, payload: TipCreate, org: OrgScope
) -> Tip:
    """Record a tip in status ``received``.

    Raises InvalidInput: ``supervisor_id`` (no supervisor within ``org``),
    ``received_on`` (``out_of_term``: outside the supervisor's term), ``agency_id``
    (unknown within ``org`` or of another county). Raises Forbidden (403) outside ``org``
    and for an agency-scoped caller (tips are the bureau's to record)."""
    supervisor = await session.scalar(
        in_org(
            select(SocialSupervisor).where(
                SocialSupervisor.id == payload.supervisor_id
            ),
            SocialSupervisor,
            org,
        )
    )
    if supervisor is None:
        raise InvalidInput(
            "supervisor_id names no social supervisor",
            field="supervisor_id",
            code="unknown",
        )
    ensure_may_act_for(org, region_code=supervisor.region_code, agency_id=None)
    if not supervisor.appointed_on <= payload.received_on <= supervisor.term_ends_on:
        raise InvalidInput(
            f"the supervisor's term runs from {supervisor.appointed_on} to "
            f"{supervisor.term_ends_on}",
            field="received_on",
            code="out_of_term",
        )
    if payload.agency_id is not None:
        await require_agency(
            session, payload.agency_id, org=org, region_code=supervisor.region_code
        )
    tip = Tip(
        **payload.model_dump(),
        region_code=supervisor.region_code,
        status=TipStatus.received,
        instrument=None,
    )
    session.add(tip)
    await session.flush()
    return tip


async def get_tip(session: AsyncSession, tip_id: uuid.UUID, *, org: OrgScope) -> Tip:
    """The tip within the caller's ``org``. Raises TipNotFound (404)."""
    return await get_or_raise(
        session, Tip, tip_id, TipNotFound, org=org, options=_WITH_INSTRUMENT
    )


async def list_tips(
    session: AsyncSession,
    *,
    filters: TipFilters | SupervisorTipFilters,
    page: PageParams,
    org: OrgScope,
    supervisor_id: uuid.UUID | None = None,
) -> Page[TipRead]:
    """The tips within ``org`` matching ``filters`` (and of ``supervisor_id``), by creation."""
    stmt = select(Tip).options(*_WITH_INSTRUMENT)
    if supervisor_id is not None:
        stmt = stmt.where(Tip.supervisor_id == supervisor_id)
    stmt = filtered(in_org(stmt, Tip, org), Tip, filters, year_column=Tip.received_on)
    return await paginate(
        session, stmt, page, model=Tip, to_item=TipRead.model_validate
    )


async def apply_command(
    session: AsyncSession,
    tip: Tip,
    *,
    command: TipCommand,
    actor: Principal,
    org: OrgScope,
    rectification_days: int,
    abbreviations: dict[str, str] | None = None,
) -> Tip:
    """``open_instrument``: issue a supervision instrument (instruments.service.
    issue_instrument, 30-day default period) to the tip's agency or the one named, and
    link it; ``dismiss``: no action, with the reason. Both need status ``received``.

    Raises TipTransitionNotAllowed (409) from any other status; InvalidInput
    (``occurred_on`` before ``received_on``; ``agency_id`` missing when the tip names no
    agency, or unknown, or of another county) and the errors of issue_instrument. Raises
    Forbidden (403) for an agency-scoped caller."""
    ensure_may_act_for(org, region_code=tip.region_code, agency_id=None)
    if tip.status is not TipStatus.received:
        raise TipTransitionNotAllowed(
            f"{command.type} needs status received; the tip is {tip.status}",
            current_status=str(tip.status),
        )
    not_before(
        command.occurred_on, tip.received_on, field="occurred_on", what="received_on"
    )
    match command:
        case OpenInstrument():
            agency_id = command.agency_id or tip.agency_id
            if agency_id is None:
                raise InvalidInput(
                    "the tip names no agency: give agency_id",
                    field="agency_id",
                    code="agency_required",
                )
            await require_agency(
                session, agency_id, org=org, region_code=tip.region_code
            )
            instrument = await issue_instrument(
                session,
                payload=InstrumentCreate(
                    kind=command.kind,
                    agency_id=agency_id,
                    findings=command.findings,
                    required_actions=command.required_actions,
                    issued_on=command.occurred_on,
                    due_on=command.due_on,
                ),
                actor=actor,
                rectification_days=rectification_days,
                org=org,
                abbreviations=abbreviations,
            )
            tip.status = TipStatus.instrument_opened
            tip.instrument_id = instrument.id
            tip.instrument = instrument
        case Dismiss(reason=reason):
            tip.status = TipStatus.no_action
            tip.reason = reason
    tip.closed_on = command.occurred_on
    await session.flush()
    return tip
