from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from mediation.db import SessionDep
from mediation.trainings.models import Training
from mediation.trainings.schemas import TrainingFilters
from mediation.trainings.service import get_training
from shared.auth import PrincipalDep


async def _training(
    session: SessionDep, training_id: uuid.UUID, principal: PrincipalDep
) -> Training:
    return await get_training(session, training_id, org=principal.org)


TrainingDep = Annotated[Training, Depends(_training)]
TrainingFiltersDep = Annotated[TrainingFilters, Query()]
