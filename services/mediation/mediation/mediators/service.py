from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.service import find_committee
from mediation.mediators.exceptions import MediatorNotFound
from mediation.mediators.models import Mediator
from mediation.mediators.schemas import MediatorCreate, MediatorFilters, MediatorRead
from shared.auth import OrgScope
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def create_mediator(
    session: AsyncSession, *, payload: MediatorCreate, org: OrgScope | None
) -> Mediator:
    """Raises InvalidInput (``committee_id``) when the committee does not exist within the
    caller's ``org`` (a committee outside it is unknown) and Forbidden (403) for a
    mediator outside the caller's organisation."""
    committee = await find_committee(session, payload.committee_id, org=org)
    if committee is None:
        raise InvalidInput(
            "committee_id names no mediation committee",
            field="committee_id",
            code="unknown",
        )
    if org is not None:
        ensure_may_act_for(
            org,
            region_code=committee.region_code,
            township_code=committee.township_code,
            committee_id=committee.id,
        )
    mediator = Mediator(
        **payload.model_dump(),
        region_code=committee.region_code,
        township_code=committee.township_code,
    )
    session.add(mediator)
    await session.flush()
    return mediator


async def get_mediator(
    session: AsyncSession, mediator_id: uuid.UUID, *, org: OrgScope | None
) -> Mediator:
    """Raises MediatorNotFound, also for a mediator outside the caller's ``org``."""
    return await get_or_raise(session, Mediator, mediator_id, MediatorNotFound, org=org)


async def list_mediators(
    session: AsyncSession,
    *,
    filters: MediatorFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[MediatorRead]:
    stmt = filtered(
        select(Mediator), Mediator, filters, year_column=Mediator.recruited_on
    )
    stmt = in_org(stmt, Mediator, org)
    return await paginate(
        session, stmt, page, model=Mediator, to_item=MediatorRead.model_validate
    )
