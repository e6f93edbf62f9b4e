from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.service import find_committee
from mediation.mediators.exceptions import MediatorNotFound
from mediation.mediators.models import Mediator
from mediation.mediators.schemas import MediatorCreate, MediatorFilters, MediatorRead
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered, get_or_raise


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
    return await get_or_raise(session, Mediator, mediator_id, MediatorNotFound)


async def list_mediators(
    session: AsyncSession, *, filters: MediatorFilters, page: PageParams
) -> Page[MediatorRead]:
    stmt = filtered(
        select(Mediator), Mediator, filters, year_column=Mediator.recruited_on
    )
    return await paginate(
        session, stmt, page, model=Mediator, to_item=MediatorRead.model_validate
    )
