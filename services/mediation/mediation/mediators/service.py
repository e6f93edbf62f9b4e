from __future__ import annotations

import uuid

from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.service import find_committee
from mediation.mediators.exceptions import MediatorNotFound
from mediation.mediators.models import Mediator
from mediation.mediators.schemas import MediatorCreate, MediatorFilters, MediatorRead
from mediation.schemas import year_bounds


async def create_mediator(
    session: AsyncSession, *, payload: MediatorCreate
) -> Mediator:
    """Raises InvalidInput (``committee_id``) when the committee does not exist."""
    committee = await find_committee(session, payload.committee_id)
    if committee is None:
        raise InvalidInput(
            "committee_id names no mediation committee",
            field="committee_id",
            code="unknown",
        )
    mediator = Mediator(
        **payload.model_dump(),
        region_code=committee.region_code,
        township_code=committee.township_code,
    )
    session.add(mediator)
    await session.flush()
    return mediator


async def get_mediator(session: AsyncSession, mediator_id: uuid.UUID) -> Mediator:
    """Raises MediatorNotFound."""
    mediator = await session.get(Mediator, mediator_id)
    if mediator is None:
        raise MediatorNotFound(f"No mediator {mediator_id}")
    return mediator


async def list_mediators(
    session: AsyncSession, *, filters: MediatorFilters, page: PageParams
) -> Page[MediatorRead]:
    stmt = select(Mediator)
    if filters.region_code:
        stmt = stmt.where(Mediator.region_code == filters.region_code)
    if filters.township_code:
        stmt = stmt.where(Mediator.township_code == filters.township_code)
    if filters.committee_id:
        stmt = stmt.where(Mediator.committee_id == filters.committee_id)
    if filters.employment:
        stmt = stmt.where(Mediator.employment == filters.employment)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(Mediator.recruited_on.between(start, end))
    return await paginate(
        session, stmt, page, model=Mediator, to_item=MediatorRead.model_validate
    )
