from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from mediation.audit.service import audit_change
from mediation.db import IdempotencyDep, SessionDep
from mediation.mediators import service
from mediation.mediators.dependencies import MediatorDep, MediatorFiltersDep
from mediation.mediators.exceptions import MediatorNotFound, TrainingAlreadyAttended
from mediation.mediators.schemas import (
    MediatorCreate,
    MediatorRead,
    TrainingAttendance,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(prefix="/mediators", tags=["mediators"], route_class=ServiceRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MediatorRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_mediator(
    idempotency: IdempotencyDep,
    payload: MediatorCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Register a mediator (调解员) of a committee: full-time (专职) or part-time (兼职),
    the recruitment date and, optionally, the training sessions attended
    (`training_ids`, trainings of the committee's county). A committee or training outside
    the caller's organisation is unknown (422)."""
    mediator = await service.create_mediator(
        session, payload=payload, org=principal.org
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="mediator",
        resource_id=mediator.id,
        region_code=mediator.region_code,
        changes=payload.model_dump(mode="json", exclude_none=True),
        status=status.HTTP_201_CREATED,
    )
    return await commit_response(
        session,
        lambda: MediatorRead.model_validate(mediator),
        record=mediator,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/mediators/{mediator.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[MediatorRead], responses=problem_responses())
async def list_mediators(
    session: SessionDep,
    principal: PrincipalDep,
    filters: MediatorFiltersDep,
    page: PageParamsDep,
) -> Page[MediatorRead]:
    """Mediators ordered by creation, filtered by region, township, committee, employment
    and recruitment year (within the caller's organisation)."""
    return await service.list_mediators(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{mediator_id}",
    response_model=MediatorRead,
    responses=problem_responses(MediatorNotFound),
)
async def read_mediator(
    response: Response,
    mediator: MediatorDep,
) -> MediatorRead:
    """One mediator, with the training sessions attended."""
    response.headers["ETag"] = etag(mediator.version)
    return MediatorRead.model_validate(mediator)


@router.post(
    "/{mediator_id}/trainings",
    response_model=MediatorRead,
    responses=problem_responses(
        MediatorNotFound, TrainingAlreadyAttended, *COMMAND_PROBLEMS
    ),
)
async def record_mediator_training(
    mediator: MediatorDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    payload: TrainingAttendance,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record that the mediator attended a training session (人民调解法 Art. 14: the county
    司法局 trains mediators regularly). `If-Match` with the mediator's ETag is required.
    A training unknown, outside the caller's organisation or held for another county
    answers 422 naming `training_id`; an attendance already recorded answers 409. The
    answer is the mediator with `trainings` (oldest first)."""
    if_match.check(mediator)
    mediator = await service.record_training(
        session, mediator, payload=payload, org=principal.org
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="record_training",
        resource_type="mediator",
        resource_id=mediator.id,
        region_code=mediator.region_code,
        changes=payload.model_dump(mode="json"),
        status=status.HTTP_200_OK,
    )
    return await commit_response(
        session,
        lambda: MediatorRead.model_validate(mediator),
        record=mediator,
        idempotency=idempotency,
    )
