"""Social supervisors (行政执法社会监督员).

Organisation scope (docs/auth.md): a social supervisor is appointed by the bureau for
the whole county and carries only ``region_code``. Reads follow that column: every
caller of the county sees its supervisors, an agency's staff included (the supervisors
oversee every agency of the county; their list is public). Appointing one is an act
for the county: an agency-scoped caller may not (403), see :func:`appoint_supervisor`.
"""

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
from shared.auth import OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def appoint_supervisor(
    session: AsyncSession, *, payload: SupervisorCreate, org: OrgScope
) -> SocialSupervisor:
    """Appoint a supervisor of the caller's county.

    Raises Forbidden (403) for another county and for an agency-scoped caller: the
    supervisor belongs to no agency (``agency_id=None`` is checked against ``org``), and
    an agency's staff act for their agency, not for the county.
    """
    ensure_may_act_for(org, region_code=payload.region_code, agency_id=None)
    supervisor = SocialSupervisor(**payload.model_dump())
    session.add(supervisor)
    await session.flush()
    return supervisor


async def get_supervisor(
    session: AsyncSession, supervisor_id: uuid.UUID, *, org: OrgScope
) -> SocialSupervisor:
    """The supervisor within the caller's ``org`` (by county). Raises SupervisorNotFound (404)."""
    return await get_or_raise(
        session, SocialSupervisor, supervisor_id, SupervisorNotFound, org=org
    )


async def list_supervisors(
    session: AsyncSession,
    *,
    filters: SupervisorFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[SupervisorRead]:
    """The supervisors of the caller's county (``in_org``) matching ``filters``."""
    stmt = filtered(
        in_org(select(SocialSupervisor), SocialSupervisor, org),
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
