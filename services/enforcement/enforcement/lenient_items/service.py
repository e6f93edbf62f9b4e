"""Lenient enforcement lists (免罚清单).

Organisation scope (docs/auth.md): a list item carries ``region_code`` and
``agency_id``, so ``in_org`` alone restricts reads (an agency's staff see their
agency's list); the agency is looked up within the caller's organisation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.lenient_items.exceptions import LenientItemNotFound
from enforcement.lenient_items.models import LenientEnforcementListItem
from enforcement.lenient_items.schemas import (
    LenientItemCreate,
    LenientItemFilters,
    LenientItemRead,
)
from shared.auth import OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def add_item(
    session: AsyncSession, *, payload: LenientItemCreate, org: OrgScope
) -> LenientEnforcementListItem:
    """Raises InvalidInput (``agency_id``, also for an agency outside the caller's
    ``org``) and Forbidden (403) for a record outside it."""
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    item = LenientEnforcementListItem(
        **payload.model_dump(), region_code=agency.region_code
    )
    session.add(item)
    await session.flush()
    return item


async def get_item(
    session: AsyncSession, item_id: uuid.UUID, *, org: OrgScope
) -> LenientEnforcementListItem:
    """The item within the caller's ``org``. Raises LenientItemNotFound (404)."""
    return await get_or_raise(
        session, LenientEnforcementListItem, item_id, LenientItemNotFound, org=org
    )


async def list_items(
    session: AsyncSession,
    *,
    filters: LenientItemFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[LenientItemRead]:
    """The items within ``org`` (region and agency) matching ``filters``; ``in_force_on``
    keeps those in force that day (``effective_on <= day <= effective_until``, an open end
    when none)."""
    item = LenientEnforcementListItem
    stmt = filtered(
        in_org(select(item), item, org),
        item,
        filters.model_copy(update={"in_force_on": None}),
        year_column=item.effective_on,
    )
    day = filters.in_force_on
    if day is not None:
        stmt = stmt.where(
            item.effective_on <= day,
            or_(item.effective_until.is_(None), item.effective_until >= day),
        )
    return await paginate(
        session,
        stmt,
        page,
        model=LenientEnforcementListItem,
        to_item=LenientItemRead.model_validate,
    )
