from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.trainings.exceptions import TrainingNotFound
from mediation.trainings.models import Training
from mediation.trainings.schemas import TrainingCreate, TrainingFilters, TrainingRead
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered, get_or_raise


async def create_training(
    session: AsyncSession, *, payload: TrainingCreate
) -> Training:
    training = Training(**payload.model_dump())
    session.add(training)
    await session.flush()
    return training


async def get_training(session: AsyncSession, training_id: uuid.UUID) -> Training:
    """Raises TrainingNotFound."""
    return await get_or_raise(session, Training, training_id, TrainingNotFound)


async def list_trainings(
    session: AsyncSession, *, filters: TrainingFilters, page: PageParams
) -> Page[TrainingRead]:
    stmt = filtered(select(Training), Training, filters, year_column=Training.held_on)
    return await paginate(
        session, stmt, page, model=Training, to_item=TrainingRead.model_validate
    )
