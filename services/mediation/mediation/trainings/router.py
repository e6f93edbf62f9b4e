from __future__ import annotations

from fastapi import APIRouter, Response, status

from mediation.db import SessionDep
from mediation.trainings import service
from mediation.trainings.dependencies import TrainingDep, TrainingFiltersDep
from mediation.trainings.exceptions import TrainingNotFound
from mediation.trainings.schemas import TrainingCreate, TrainingRead
from shared.errors import problem_responses
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/trainings", tags=["trainings"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TrainingRead,
    responses=problem_responses(),
)
async def create_training(
    payload: TrainingCreate, session: SessionDep, response: Response
) -> TrainingRead:
    """Record a mediator training session."""
    training = await service.create_training(session, payload=payload)
    await session.commit()
    response.headers["Location"] = f"/api/v1/trainings/{training.id}"
    return TrainingRead.model_validate(training)


@router.get("", response_model=Page[TrainingRead], responses=problem_responses())
async def list_trainings(
    session: SessionDep, filters: TrainingFiltersDep, page: PageParamsDep
) -> Page[TrainingRead]:
    """Training sessions ordered by creation, filtered by region, township and year held."""
    return await service.list_trainings(session, filters=filters, page=page)


@router.get(
    "/{training_id}",
    response_model=TrainingRead,
    responses=problem_responses(TrainingNotFound),
)
async def read_training(training: TrainingDep) -> TrainingRead:
    """One training session."""
    return TrainingRead.model_validate(training)
