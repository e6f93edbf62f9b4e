"""Enforcement officers (执法人员).

Organisation scope (docs/auth.md): an officer carries ``region_code`` and
``agency_id``, so ``in_org`` alone restricts reads; the agency is looked up within the
caller's organisation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.officers.exceptions import (
    CertificateNumberTaken,
    OfficerNotFound,
    OfficerTransitionNotAllowed,
)
from enforcement.officers.models import Officer, OfficerEvent
from enforcement.officers.schemas import (
    OfficerCommand,
    OfficerCreate,
    OfficerEventRead,
    OfficerFilters,
    OfficerRead,
)
from enforcement.schemas import not_before
from shared.auth import OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, get_or_raise, in_org, year_bounds


async def create_officer(
    session: AsyncSession, *, payload: OfficerCreate, org: OrgScope
) -> Officer:
    """Raises InvalidInput (``agency_id``) for an agency unknown in the caller's ``org``,
    Forbidden (403) for a record outside it and CertificateNumberTaken (409) when
    another officer holds the certificate number."""
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    taken = await session.scalar(
        select(Officer.id).where(
            Officer.certificate_number == payload.certificate_number
        )
    )
    if taken is not None:
        raise CertificateNumberTaken("Another officer holds this certificate number")
    officer = Officer(**payload.model_dump(), region_code=agency.region_code)
    session.add(officer)
    await session.flush()
    return officer


async def get_officer(
    session: AsyncSession, officer_id: uuid.UUID, *, org: OrgScope
) -> Officer:
    """The officer within the caller's ``org``. Raises OfficerNotFound (404)."""
    return await get_or_raise(session, Officer, officer_id, OfficerNotFound, org=org)


async def list_officers(
    session: AsyncSession, *, filters: OfficerFilters, page: PageParams, org: OrgScope
) -> Page[OfficerRead]:
    """The officers within ``org`` (region and agency) matching ``filters``."""
    stmt = in_org(select(Officer), Officer, org)
    if filters.region_code:
        stmt = stmt.where(Officer.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(Officer.agency_id == filters.agency_id)
    if filters.trained is not None:
        trained = Officer.training_completed_on.is_not(None)
        stmt = stmt.where(trained if filters.trained else ~trained)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(Officer.hired_on.between(start, end))
    return await paginate(
        session, stmt, page, model=Officer, to_item=OfficerRead.model_validate
    )


async def apply_command(
    session: AsyncSession,
    officer: Officer,
    *,
    command: OfficerCommand,
    actor: Principal,
) -> Officer:
    """``record_training``: the officer's training was completed on ``occurred_on``.

    Raises OfficerTransitionNotAllowed (409) when a training is already recorded and
    InvalidInput (``occurred_on``) for a date before ``hired_on``.
    """
    if officer.training_completed_on is not None:
        raise OfficerTransitionNotAllowed(
            f"Training already recorded on {officer.training_completed_on}",
            current_status="trained",
        )
    not_before(
        command.occurred_on, officer.hired_on, field="occurred_on", what="hired_on"
    )
    officer.training_completed_on = command.occurred_on
    session.add(
        OfficerEvent(
            officer_id=officer.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return officer


async def list_events(
    session: AsyncSession, officer: Officer, *, page: PageParams
) -> Page[OfficerEventRead]:
    stmt = select(OfficerEvent).where(OfficerEvent.officer_id == officer.id)
    return await paginate(
        session, stmt, page, model=OfficerEvent, to_item=OfficerEventRead.model_validate
    )
