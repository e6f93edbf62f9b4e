from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.service import find_committee
from mediation.mediators.exceptions import MediatorNotFound, TrainingAlreadyAttended
from mediation.mediators.models import Mediator
from mediation.mediators.schemas import (
    MediatorCreate,
    MediatorFilters,
    MediatorRead,
    TrainingAttendance,
)
from mediation.trainings.models import Training
from shared.auth import OrgScope
from shared.db import utcnow
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


async def _training_of_county(
    session: AsyncSession,
    training_id: uuid.UUID,
    *,
    region_code: str,
    org: OrgScope | None,
    field: str,
) -> Training:
    """The training within the caller's ``org`` and the mediator's county; else
    InvalidInput naming ``field``."""
    stmt = in_org(select(Training).where(Training.id == training_id), Training, org)
    training: Training | None = await session.scalar(stmt)
    if training is None:
        raise InvalidInput(
            "training_id names no training session", field=field, code="unknown"
        )
    if training.region_code != region_code:
        raise InvalidInput(
            f"the training was held for region {training.region_code}, the mediator "
            f"serves region {region_code}",
            field=field,
            code="not_in_region",
        )
    return training


async def create_mediator(
    session: AsyncSession, *, payload: MediatorCreate, org: OrgScope | None
) -> Mediator:
    """Raises InvalidInput (``committee_id``) when the committee does not exist within the
    caller's ``org`` (a committee outside it is unknown), InvalidInput
    (``training_ids.<i>``) for a training unknown or of another county, and Forbidden (403)
    for a mediator outside the caller's organisation."""
    committee = await find_committee(session, payload.committee_id, org=org)
    if committee is None:
        raise InvalidInput(
            "committee_id names no mediation committee",
            field="committee_id",
            code="unknown",
        )
    if org is not None:
        ensure_may_act_for(
            org,
            region_code=committee.region_code,
            township_code=committee.township_code,
            committee_id=committee.id,
        )
    if len(set(payload.training_ids)) != len(payload.training_ids):
        raise InvalidInput(
            "training_ids lists a training twice",
            field="training_ids",
            code="duplicate",
        )
    trainings = [
        await _training_of_county(
            session,
            training_id,
            region_code=committee.region_code,
            org=org,
            field=f"training_ids.{i}",
        )
        for i, training_id in enumerate(payload.training_ids)
    ]
    mediator = Mediator(
        **payload.model_dump(exclude={"training_ids"}),
        region_code=committee.region_code,
        township_code=committee.township_code,
        trainings=sorted(trainings, key=lambda t: (t.held_on, t.id)),
    )
    session.add(mediator)
    await session.flush()
    return mediator


async def record_training(
    session: AsyncSession,
    mediator: Mediator,
    *,
    payload: TrainingAttendance,
    org: OrgScope | None,
) -> Mediator:
    """Record that the mediator attended a training session; the mediator's version moves
    on. Raises InvalidInput (``training_id``) for a training unknown (or outside the
    caller's ``org``) or held for another county, and TrainingAlreadyAttended (409) when
    the attendance is already recorded."""
    training = await _training_of_county(
        session,
        payload.training_id,
        region_code=mediator.region_code,
        org=org,
        field="training_id",
    )
    if any(t.id == training.id for t in mediator.trainings):
        raise TrainingAlreadyAttended(
            f"The mediator's attendance of training {training.id} is already recorded"
        )
    mediator.trainings = sorted(
        [*mediator.trainings, training], key=lambda t: (t.held_on, t.id)
    )
    # The mediator row itself must change so that its version (its ETag) moves on.
    mediator.updated_at = utcnow()
    await session.flush()
    return mediator


async def get_mediator(
    session: AsyncSession, mediator_id: uuid.UUID, *, org: OrgScope | None
) -> Mediator:
    """Raises MediatorNotFound, also for a mediator outside the caller's ``org``."""
    return await get_or_raise(session, Mediator, mediator_id, MediatorNotFound, org=org)


async def list_mediators(
    session: AsyncSession,
    *,
    filters: MediatorFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[MediatorRead]:
    stmt = filtered(
        select(Mediator), Mediator, filters, year_column=Mediator.recruited_on
    )
    stmt = in_org(stmt, Mediator, org)
    return await paginate(
        session, stmt, page, model=Mediator, to_item=MediatorRead.model_validate
    )
