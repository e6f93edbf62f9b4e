from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from reconsideration.agency_points import service
from reconsideration.agency_points.dependencies import (
    AgencyPointDep,
    AgencyPointFiltersDep,
)
from reconsideration.agency_points.exceptions import (
    AgencyPointNotFound,
    AgencyPointTransitionNotAllowed,
)
from reconsideration.agency_points.schemas import (
    AgencyPointCommand,
    AgencyPointCreate,
    AgencyPointEventRead,
    AgencyPointRead,
)
from reconsideration.audit.service import audit_change
from reconsideration.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/agency-points", tags=["agency points"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AgencyPointRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_agency_point(
    idempotency: IdempotencyDep,
    payload: AgencyPointCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Register a township agency point (代办点) that receives and forwards applications. It starts
    `active`. A point outside the caller's organisation answers 403."""
    point = await service.create_agency_point(session, payload=payload, actor=principal)
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="agency_point",
        resource_id=point.id,
        region_code=point.region_code,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: AgencyPointRead.model_validate(point),
        record=point,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/agency-points/{point.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[AgencyPointRead], responses=problem_responses())
async def list_agency_points(
    session: SessionDep,
    principal: PrincipalDep,
    filters: AgencyPointFiltersDep,
    page: PageParamsDep,
) -> Page[AgencyPointRead]:
    """Agency points of the caller's organisation ordered by creation, filtered by region,
    township, status and year established."""
    return await service.list_agency_points(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{agency_point_id}",
    response_model=AgencyPointRead,
    responses=problem_responses(AgencyPointNotFound),
)
async def read_agency_point(
    response: Response,
    point: AgencyPointDep,
) -> AgencyPointRead:
    """One agency point."""
    response.headers["ETag"] = etag(point.version)
    return AgencyPointRead.model_validate(point)


@router.post(
    "/{agency_point_id}/events",
    response_model=AgencyPointRead,
    responses=problem_responses(
        AgencyPointNotFound, AgencyPointTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_agency_point_command(
    point: AgencyPointDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: AgencyPointCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a lifecycle command: `close` (active → closed) on `occurred_on`. A closed point answers 409."""
    if_match.check(point)
    point = await service.apply_command(
        session, point, command=command, actor=principal
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action=f"command:{command.type}",
        resource_type="agency_point",
        resource_id=point.id,
        region_code=point.region_code,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: AgencyPointRead.model_validate(point),
        record=point,
        idempotency=idempotency,
    )


@router.get(
    "/{agency_point_id}/events",
    response_model=Page[AgencyPointEventRead],
    responses=problem_responses(AgencyPointNotFound),
)
async def list_agency_point_events(
    point: AgencyPointDep, session: SessionDep, page: PageParamsDep
) -> Page[AgencyPointEventRead]:
    """The agency point's history, oldest first."""
    return await service.list_events(session, point, page=page)
