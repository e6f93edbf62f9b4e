from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.social_supervisors.schemas import SupervisorFilters
from enforcement.social_supervisors.service import get_supervisor
from shared.auth import PrincipalDep


async def _supervisor(
    session: SessionDep, supervisor_id: uuid.UUID, principal: PrincipalDep
) -> SocialSupervisor:
    """The supervisor within the caller's organisation; 404 otherwise."""
    return await get_supervisor(session, supervisor_id, org=principal.org)


SupervisorDep = Annotated[SocialSupervisor, Depends(_supervisor)]
SupervisorFiltersDep = Annotated[SupervisorFilters, Query()]
