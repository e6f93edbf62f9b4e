from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications.models import ReconsiderationApplication
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
from reconsideration.scope import get_in_scope, in_scope, record_org
from shared.auth import OrgScope
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered


async def create_collective_discussion(
    session: AsyncSession, *, payload: CollectiveDiscussionCreate, org: OrgScope | None
) -> CollectiveDiscussion:
    """Record a meeting; repeated ids are kept once. Raises Forbidden (403) when the county
    is outside the caller's ``org``, or the caller is township-scoped (a meeting is a
    county-level record), and InvalidInput (``application_ids``) when an id names no
    application of the region within ``org``, or one received after the meeting."""
    if org is not None:
        ensure_may_act_for(org, **record_org(payload.region_code))
    ids = list(dict.fromkeys(payload.application_ids))
    known = await list_existing_ids(
        session, ids, region_code=payload.region_code, org=org
    )
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InvalidInput(
            f"application_ids names {len(unknown)} application(s) not found in region {payload.region_code}",
            field="application_ids",
            code="unknown",
        )
    later = await session.scalar(
        select(func.count())
        .select_from(ReconsiderationApplication)
        .where(
            ReconsiderationApplication.id.in_(ids),
            ReconsiderationApplication.received_on > payload.held_on,
        )
    )
    if later:
        raise InvalidInput(
            f"application_ids names {later} application(s) received after the meeting "
            f"({payload.held_on})",
            field="application_ids",
            code="received_later",
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
    session: AsyncSession, discussion_id: uuid.UUID, *, org: OrgScope | None
) -> CollectiveDiscussion:
    """Raises CollectiveDiscussionNotFound, also for a meeting outside ``org``. A meeting is
    a county-level record (no ``township_code``): a township-scoped caller finds none."""
    return await get_in_scope(
        session,
        CollectiveDiscussion,
        discussion_id,
        CollectiveDiscussionNotFound,
        org=org,
    )


async def list_collective_discussions(
    session: AsyncSession,
    *,
    filters: CollectiveDiscussionFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[CollectiveDiscussionRead]:
    """The meetings of ``org``'s county matching ``filters``, on every page. A meeting is a
    county-level record (no ``township_code``, in effect NULL): a township-scoped caller,
    whose township equality never matches NULL, gets none."""
    stmt = filtered(
        in_scope(select(CollectiveDiscussion), CollectiveDiscussion, org),
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
