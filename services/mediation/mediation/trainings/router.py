from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from mediation.audit.service import audit_change
from mediation.db import IdempotencyDep, SessionDep
from mediation.trainings import service
from mediation.trainings.dependencies import TrainingDep, TrainingFiltersDep
from mediation.trainings.exceptions import TrainingNotFound
from mediation.trainings.schemas import TrainingCreate, TrainingRead
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(prefix="/trainings", tags=["trainings"], route_class=ServiceRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TrainingRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_training(
    idempotency: IdempotencyDep,
    payload: TrainingCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a mediator training session. A training outside the caller's organisation
    answers 403."""
    training = await service.create_training(
        session, payload=payload, org=principal.org
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="training",
        resource_id=training.id,
        region_code=training.region_code,
        changes=payload.model_dump(mode="json", exclude_none=True),
        status=status.HTTP_201_CREATED,
    )
    return await commit_response(
        session,
        lambda: TrainingRead.model_validate(training),
        record=training,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/trainings/{training.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[TrainingRead], responses=problem_responses())
async def list_trainings(
    session: SessionDep,
    principal: PrincipalDep,
    filters: TrainingFiltersDep,
    page: PageParamsDep,
) -> Page[TrainingRead]:
    """Training sessions ordered by creation, filtered by region, township and year held
    (within the caller's organisation)."""
    return await service.list_trainings(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{training_id}",
    response_model=TrainingRead,
    responses=problem_responses(TrainingNotFound),
)
async def read_training(
    response: Response,
    training: TrainingDep,
) -> TrainingRead:
    """One training session."""
    response.headers["ETag"] = etag(training.version)
    return TrainingRead.model_validate(training)
