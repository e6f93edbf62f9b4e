"""Mediator trainings. A training belongs to its region and township only (it has no
``committee_id``): a committee-scoped caller sees and records the trainings of the
region and township its token's ``org`` carries alongside the committee."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.trainings.exceptions import TrainingNotFound
from mediation.trainings.models import Training
from mediation.trainings.schemas import TrainingCreate, TrainingFilters, TrainingRead
from shared.auth import OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def create_training(
    session: AsyncSession, *, payload: TrainingCreate, org: OrgScope | None
) -> Training:
    """Raises Forbidden (403) for a training outside the caller's region or township."""
    if org is not None:
        ensure_may_act_for(
            org, region_code=payload.region_code, township_code=payload.township_code
        )
    training = Training(**payload.model_dump())
    session.add(training)
    await session.flush()
    return training


async def get_training(
    session: AsyncSession, training_id: uuid.UUID, *, org: OrgScope | None
) -> Training:
    """Raises TrainingNotFound, also for a training outside the caller's ``org``."""
    return await get_or_raise(session, Training, training_id, TrainingNotFound, org=org)


async def list_trainings(
    session: AsyncSession,
    *,
    filters: TrainingFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[TrainingRead]:
    stmt = filtered(select(Training), Training, filters, year_column=Training.held_on)
    stmt = in_org(stmt, Training, org)
    return await paginate(
        session, stmt, page, model=Training, to_item=TrainingRead.model_validate
    )
