from __future__ import annotations

from fastapi import APIRouter, Response, status

from reconsideration.collective_discussions import service
from reconsideration.collective_discussions.dependencies import (
    CollectiveDiscussionDep,
    CollectiveDiscussionFiltersDep,
)
from reconsideration.collective_discussions.exceptions import (
    CollectiveDiscussionNotFound,
)
from reconsideration.collective_discussions.schemas import (
    CollectiveDiscussionCreate,
    CollectiveDiscussionRead,
)
from reconsideration.db import SessionDep
from shared.errors import problem_responses
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/collective-discussions", tags=["collective discussions"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CollectiveDiscussionRead,
    responses=problem_responses(),
)
async def create_collective_discussion(
    payload: CollectiveDiscussionCreate, session: SessionDep, response: Response
) -> CollectiveDiscussionRead:
    """Record a collective-discussion meeting (集体讨论) with the applications it discussed."""
    discussion = await service.create_collective_discussion(session, payload=payload)
    await session.commit()
    response.headers["Location"] = f"/api/v1/collective-discussions/{discussion.id}"
    return CollectiveDiscussionRead.model_validate(discussion)


@router.get(
    "", response_model=Page[CollectiveDiscussionRead], responses=problem_responses()
)
async def list_collective_discussions(
    session: SessionDep, filters: CollectiveDiscussionFiltersDep, page: PageParamsDep
) -> Page[CollectiveDiscussionRead]:
    """Meetings ordered by creation, filtered by region and year held."""
    return await service.list_collective_discussions(
        session, filters=filters, page=page
    )


@router.get(
    "/{discussion_id}",
    response_model=CollectiveDiscussionRead,
    responses=problem_responses(CollectiveDiscussionNotFound),
)
async def read_collective_discussion(
    discussion: CollectiveDiscussionDep,
) -> CollectiveDiscussionRead:
    """One meeting."""
    return CollectiveDiscussionRead.model_validate(discussion)
