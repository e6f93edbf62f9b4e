from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.exceptions import CommitteeNotFound
from mediation.committees.models import MediationCommittee
from mediation.committees.schemas import (
    CommitteeCreate,
    CommitteeFilters,
    CommitteeRead,
)
from shared.auth import Forbidden, OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, in_org


def committees_in_org(stmt: Select[Any], org: OrgScope | None) -> Select[Any]:
    """Restrict ``stmt`` (over committees) to the caller's organisation.

    Region and township are the committee's columns of those names (:func:`in_org`).
    A committee has no ``committee_id`` column: it *is* the committee, so a
    committee-scoped caller (a mediator works for one committee) is matched by the
    committee's own ``id``.
    """
    stmt = in_org(stmt, MediationCommittee, org)
    if org is not None and org.committee_id is not None:
        stmt = stmt.where(MediationCommittee.id == org.committee_id)
    return stmt


async def create_committee(
    session: AsyncSession, *, payload: CommitteeCreate, org: OrgScope | None
) -> MediationCommittee:
    """Raises Forbidden (403) for a committee outside the caller's organisation; a
    committee-scoped caller may not register committees (a new committee is never the
    one it works for)."""
    if org is not None:
        ensure_may_act_for(
            org, region_code=payload.region_code, township_code=payload.township_code
        )
        if org.committee_id is not None:
            raise Forbidden("A committee's staff may not register other committees")
    committee = MediationCommittee(**payload.model_dump())
    session.add(committee)
    await session.flush()
    return committee


async def get_committee(
    session: AsyncSession, committee_id: uuid.UUID, *, org: OrgScope | None
) -> MediationCommittee:
    """Raises CommitteeNotFound, also for a committee outside the caller's ``org``."""
    committee = await find_committee(session, committee_id, org=org)
    if committee is None:
        raise CommitteeNotFound(f"No mediation committee {committee_id}")
    return committee


async def list_committees(
    session: AsyncSession,
    *,
    filters: CommitteeFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[CommitteeRead]:
    stmt = filtered(
        select(MediationCommittee),
        MediationCommittee,
        filters,
        year_column=MediationCommittee.founded_on,
    )
    stmt = committees_in_org(stmt, org)
    return await paginate(
        session,
        stmt,
        page,
        model=MediationCommittee,
        to_item=CommitteeRead.model_validate,
    )


async def find_committee(
    session: AsyncSession, committee_id: uuid.UUID, *, org: OrgScope | None
) -> MediationCommittee | None:
    """The committee within the caller's ``org`` (:func:`committees_in_org`), else None."""
    stmt = committees_in_org(
        select(MediationCommittee).where(MediationCommittee.id == committee_id), org
    )
    committee: MediationCommittee | None = await session.scalar(stmt)
    return committee
