from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from reconsideration.audit.service import audit_change
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
from reconsideration.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/collective-discussions",
    tags=["collective discussions"],
    route_class=ServiceRoute,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CollectiveDiscussionRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_collective_discussion(
    idempotency: IdempotencyDep,
    payload: CollectiveDiscussionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a collective-discussion meeting (集体讨论) with the applications it discussed. A
    meeting is a county-level record: outside the caller's county, or for a township-scoped
    caller, 403; an application outside the caller's organisation is unknown (422,
    `application_ids`)."""
    discussion = await service.create_collective_discussion(
        session, payload=payload, org=principal.org
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="collective_discussion",
        resource_id=discussion.id,
        region_code=discussion.region_code,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: CollectiveDiscussionRead.model_validate(discussion),
        record=discussion,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/collective-discussions/{discussion.id}",
        idempotency=idempotency,
    )


@router.get(
    "", response_model=Page[CollectiveDiscussionRead], responses=problem_responses()
)
async def list_collective_discussions(
    session: SessionDep,
    principal: PrincipalDep,
    filters: CollectiveDiscussionFiltersDep,
    page: PageParamsDep,
) -> Page[CollectiveDiscussionRead]:
    """Meetings of the caller's county ordered by creation, filtered by region and year held.
    Meetings are county-level records: a township-scoped caller sees none."""
    return await service.list_collective_discussions(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{discussion_id}",
    response_model=CollectiveDiscussionRead,
    responses=problem_responses(CollectiveDiscussionNotFound),
)
async def read_collective_discussion(
    response: Response,
    discussion: CollectiveDiscussionDep,
) -> CollectiveDiscussionRead:
    """One meeting."""
    response.headers["ETag"] = etag(discussion.version)
    return CollectiveDiscussionRead.model_validate(discussion)
