"""Case-file review rubrics (案卷评查标准).

Organisation scope (docs/auth.md): a rubric carries ``region_code`` only, so it is read by
anyone of its county and created by county-level callers (not an agency's staff).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from enforcement.case_file_reviews.models import TENTHS
from enforcement.case_file_rubrics.exceptions import RubricNotFound
from enforcement.case_file_rubrics.models import CaseFileRubric, CaseFileRubricItem
from enforcement.case_file_rubrics.schemas import (
    RubricCreate,
    RubricFilters,
    RubricRead,
)
from shared.auth import OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org

_WITH_ITEMS = (selectinload(CaseFileRubric.items),)


async def create_rubric(
    session: AsyncSession, *, payload: RubricCreate, org: OrgScope
) -> CaseFileRubric:
    """Store a rubric with its items in the order given. Raises Forbidden (403) for another
    county and for an agency-scoped caller (a rubric is the bureau's, ``agency_id=None``)."""
    ensure_may_act_for(org, region_code=payload.region_code, agency_id=None)
    rubric = CaseFileRubric(
        region_code=payload.region_code,
        name=payload.name,
        effective_on=payload.effective_on,
        items=[
            CaseFileRubricItem(
                position=index,
                code=item.code,
                title=item.title,
                kind=item.kind,
                max_points=None
                if item.max_points is None
                else item.max_points.quantize(TENTHS),
            )
            for index, item in enumerate(payload.items)
        ],
    )
    session.add(rubric)
    await session.flush()
    return rubric


async def get_rubric(
    session: AsyncSession, rubric_id: uuid.UUID, *, org: OrgScope
) -> CaseFileRubric:
    """The rubric with its items, within the caller's county. Raises RubricNotFound (404)."""
    return await get_or_raise(
        session, CaseFileRubric, rubric_id, RubricNotFound, org=org, options=_WITH_ITEMS
    )


async def find_rubric(
    session: AsyncSession, rubric_id: uuid.UUID, *, org: OrgScope
) -> CaseFileRubric | None:
    """The rubric with its items within ``org``, or None."""
    rubric: CaseFileRubric | None = await session.scalar(
        in_org(
            select(CaseFileRubric)
            .where(CaseFileRubric.id == rubric_id)
            .options(*_WITH_ITEMS),
            CaseFileRubric,
            org,
        )
    )
    return rubric


async def list_rubrics(
    session: AsyncSession, *, filters: RubricFilters, page: PageParams, org: OrgScope
) -> Page[RubricRead]:
    """The rubrics within ``org`` (by county) matching ``filters``."""
    stmt = filtered(
        in_org(select(CaseFileRubric).options(*_WITH_ITEMS), CaseFileRubric, org),
        CaseFileRubric,
        filters,
    )
    return await paginate(
        session, stmt, page, model=CaseFileRubric, to_item=RubricRead.model_validate
    )
