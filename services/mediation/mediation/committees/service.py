from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.exceptions import CommitteeNotFound
from mediation.committees.models import MediationCommittee
from mediation.committees.schemas import (
    CommitteeCreate,
    CommitteeFilters,
    CommitteeRead,
)
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered


async def create_committee(
    session: AsyncSession, *, payload: CommitteeCreate
) -> MediationCommittee:
    committee = MediationCommittee(**payload.model_dump())
    session.add(committee)
    await session.flush()
    return committee


async def get_committee(
    session: AsyncSession, committee_id: uuid.UUID
) -> MediationCommittee:
    """Raises CommitteeNotFound."""
    committee = await session.get(MediationCommittee, committee_id)
    if committee is None:
        raise CommitteeNotFound(f"No mediation committee {committee_id}")
    return committee


async def list_committees(
    session: AsyncSession, *, filters: CommitteeFilters, page: PageParams
) -> Page[CommitteeRead]:
    stmt = filtered(
        select(MediationCommittee),
        MediationCommittee,
        filters,
        year_column=MediationCommittee.founded_on,
    )
    return await paginate(
        session,
        stmt,
        page,
        model=MediationCommittee,
        to_item=CommitteeRead.model_validate,
    )


async def find_committee(
    session: AsyncSession, committee_id: uuid.UUID
) -> MediationCommittee | None:
    return await session.get(MediationCommittee, committee_id)
