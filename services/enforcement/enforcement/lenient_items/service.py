from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.lenient_items.exceptions import LenientItemNotFound
from enforcement.lenient_items.models import LenientEnforcementListItem
from enforcement.lenient_items.schemas import (
    LenientItemCreate,
    LenientItemFilters,
    LenientItemRead,
)
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered


async def add_item(
    session: AsyncSession, *, payload: LenientItemCreate
) -> LenientEnforcementListItem:
    """Raises InvalidInput (``agency_id``)."""
    agency = await require_agency(session, payload.agency_id)
    item = LenientEnforcementListItem(
        **payload.model_dump(), region_code=agency.region_code
    )
    session.add(item)
    await session.flush()
    return item


async def get_item(
    session: AsyncSession, item_id: uuid.UUID
) -> LenientEnforcementListItem:
    """Raises LenientItemNotFound."""
    item = await session.get(LenientEnforcementListItem, item_id)
    if item is None:
        raise LenientItemNotFound(f"No lenient enforcement list item {item_id}")
    return item


async def list_items(
    session: AsyncSession, *, filters: LenientItemFilters, page: PageParams
) -> Page[LenientItemRead]:
    stmt = filtered(
        select(LenientEnforcementListItem),
        LenientEnforcementListItem,
        filters,
        year_column=LenientEnforcementListItem.effective_on,
    )
    return await paginate(
        session,
        stmt,
        page,
        model=LenientEnforcementListItem,
        to_item=LenientItemRead.model_validate,
    )
