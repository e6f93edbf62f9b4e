from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.social_supervisors.exceptions import SupervisorNotFound
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.social_supervisors.schemas import (
    SupervisorCreate,
    SupervisorFilters,
    SupervisorRead,
)
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered


async def appoint_supervisor(
    session: AsyncSession, *, payload: SupervisorCreate
) -> SocialSupervisor:
    supervisor = SocialSupervisor(**payload.model_dump())
    session.add(supervisor)
    await session.flush()
    return supervisor


async def get_supervisor(
    session: AsyncSession, supervisor_id: uuid.UUID
) -> SocialSupervisor:
    """Raises SupervisorNotFound."""
    supervisor = await session.get(SocialSupervisor, supervisor_id)
    if supervisor is None:
        raise SupervisorNotFound(f"No social supervisor {supervisor_id}")
    return supervisor


async def list_supervisors(
    session: AsyncSession, *, filters: SupervisorFilters, page: PageParams
) -> Page[SupervisorRead]:
    stmt = filtered(
        select(SocialSupervisor),
        SocialSupervisor,
        filters,
        year_column=SocialSupervisor.appointed_on,
    )
    return await paginate(
        session,
        stmt,
        page,
        model=SocialSupervisor,
        to_item=SupervisorRead.model_validate,
    )
