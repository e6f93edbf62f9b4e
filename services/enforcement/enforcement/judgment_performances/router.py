from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.judgment_performances import service
from enforcement.judgment_performances.dependencies import (
    JudgmentPerformanceDep,
    JudgmentPerformanceFiltersDep,
)
from enforcement.judgment_performances.exceptions import (
    JudgmentPerformanceNotFound,
    JudgmentPerformanceTransitionNotAllowed,
)
from enforcement.judgment_performances.schemas import (
    JudgmentPerformanceCommand,
    JudgmentPerformanceCreate,
    JudgmentPerformanceEventRead,
    JudgmentPerformanceRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/judgment-performances",
    tags=["judgment performance"],
    route_class=ServiceRoute,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=JudgmentPerformanceRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def record_performance(
    idempotency: IdempotencyDep,
    payload: JudgmentPerformanceCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record an agency's unperformed effective judgment (生效裁判履行监督).
    An agency outside the caller's organisation is unknown (422)."""
    performance = await service.record_performance(
        session, payload=payload, org=principal.org
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="judgment_performance",
        resource=performance,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: JudgmentPerformanceRead.model_validate(performance),
        record=performance,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/judgment-performances/{performance.id}",
        idempotency=idempotency,
    )


@router.get(
    "", response_model=Page[JudgmentPerformanceRead], responses=problem_responses()
)
async def list_performances(
    session: SessionDep,
    filters: JudgmentPerformanceFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[JudgmentPerformanceRead]:
    """Items ordered by creation, filtered by region, agency, rectification and year found."""
    return await service.list_performances(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{performance_id}",
    response_model=JudgmentPerformanceRead,
    responses=problem_responses(JudgmentPerformanceNotFound),
)
async def read_performance(
    response: Response,
    performance: JudgmentPerformanceDep,
) -> JudgmentPerformanceRead:
    """One judgment performance item."""
    response.headers["ETag"] = etag(performance.version)
    return JudgmentPerformanceRead.model_validate(performance)


@router.post(
    "/{performance_id}/events",
    response_model=JudgmentPerformanceRead,
    responses=problem_responses(
        JudgmentPerformanceNotFound,
        JudgmentPerformanceTransitionNotAllowed,
        *COMMAND_PROBLEMS,
    ),
)
async def apply_performance_command(
    performance: JudgmentPerformanceDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: JudgmentPerformanceCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command: `rectify` (the agency performed the judgment). Already rectified answers 409."""
    if_match.check(performance)
    performance = await service.apply_command(
        session, performance, command=command, actor=principal
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="judgment_performance",
        resource=performance,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: JudgmentPerformanceRead.model_validate(performance),
        record=performance,
        idempotency=idempotency,
    )


@router.get(
    "/{performance_id}/events",
    response_model=Page[JudgmentPerformanceEventRead],
    responses=problem_responses(JudgmentPerformanceNotFound),
)
async def list_performance_events(
    performance: JudgmentPerformanceDep, session: SessionDep, page: PageParamsDep
) -> Page[JudgmentPerformanceEventRead]:
    """The item's history, oldest first."""
    return await service.list_events(session, performance, page=page)
