from __future__ import annotations

import uuid

from shared.pagination import Page, PageParams, paginate
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.schemas import year_bounds
from mediation.trainings.exceptions import TrainingNotFound
from mediation.trainings.models import Training
from mediation.trainings.schemas import TrainingCreate, TrainingFilters, TrainingRead


async def create_training(
    session: AsyncSession, *, payload: TrainingCreate
) -> Training:
    training = Training(**payload.model_dump())
    session.add(training)
    await session.flush()
    return training


async def get_training(session: AsyncSession, training_id: uuid.UUID) -> Training:
    """Raises TrainingNotFound."""
    training = await session.get(Training, training_id)
    if training is None:
        raise TrainingNotFound(f"No training {training_id}")
    return training


async def list_trainings(
    session: AsyncSession, *, filters: TrainingFilters, page: PageParams
) -> Page[TrainingRead]:
    stmt = select(Training)
    if filters.region_code:
        stmt = stmt.where(Training.region_code == filters.region_code)
    if filters.township_code:
        stmt = stmt.where(Training.township_code == filters.township_code)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(Training.held_on.between(start, end))
    return await paginate(
        session, stmt, page, model=Training, to_item=TrainingRead.model_validate
    )
