from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.social_supervisors.schemas import SupervisorFilters
from enforcement.social_supervisors.service import get_supervisor


async def _supervisor(
    session: SessionDep, supervisor_id: uuid.UUID
) -> SocialSupervisor:
    return await get_supervisor(session, supervisor_id)


SupervisorDep = Annotated[SocialSupervisor, Depends(_supervisor)]
SupervisorFiltersDep = Annotated[SupervisorFilters, Query()]
