from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications.service import list_existing_ids
from reconsideration.collective_discussions.exceptions import (
    CollectiveDiscussionNotFound,
)
from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.collective_discussions.schemas import (
    CollectiveDiscussionCreate,
    CollectiveDiscussionFilters,
    CollectiveDiscussionRead,
)
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered, get_or_raise


async def create_collective_discussion(
    session: AsyncSession, *, payload: CollectiveDiscussionCreate
) -> CollectiveDiscussion:
    """Record a meeting; repeated ids are kept once. Raises InvalidInput (``application_ids``)
    when an id names no application of the region."""
    ids = list(dict.fromkeys(payload.application_ids))
    known = await list_existing_ids(session, ids, region_code=payload.region_code)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InvalidInput(
            f"application_ids names {len(unknown)} application(s) not found in region {payload.region_code}",
            field="application_ids",
            code="unknown",
        )
    discussion = CollectiveDiscussion(
        region_code=payload.region_code,
        held_on=payload.held_on,
        chair=payload.chair,
        application_ids=[str(i) for i in ids],
    )
    session.add(discussion)
    await session.flush()
    return discussion


async def get_collective_discussion(
    session: AsyncSession, discussion_id: uuid.UUID
) -> CollectiveDiscussion:
    """Raises CollectiveDiscussionNotFound."""
    return await get_or_raise(
        session, CollectiveDiscussion, discussion_id, CollectiveDiscussionNotFound
    )


async def list_collective_discussions(
    session: AsyncSession, *, filters: CollectiveDiscussionFilters, page: PageParams
) -> Page[CollectiveDiscussionRead]:
    stmt = filtered(
        select(CollectiveDiscussion),
        CollectiveDiscussion,
        filters,
        year_column=CollectiveDiscussion.held_on,
    )
    return await paginate(
        session,
        stmt,
        page,
        model=CollectiveDiscussion,
        to_item=CollectiveDiscussionRead.model_validate,
    )
