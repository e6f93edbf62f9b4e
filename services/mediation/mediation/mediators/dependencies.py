from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from mediation.db import SessionDep
from mediation.mediators.models import Mediator
from mediation.mediators.schemas import MediatorFilters
from mediation.mediators.service import get_mediator
from shared.auth import PrincipalDep


async def _mediator(
    session: SessionDep, mediator_id: uuid.UUID, principal: PrincipalDep
) -> Mediator:
    return await get_mediator(session, mediator_id, org=principal.org)


MediatorDep = Annotated[Mediator, Depends(_mediator)]
MediatorFiltersDep = Annotated[MediatorFilters, Query()]
