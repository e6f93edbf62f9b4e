from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.teams.models import ComprehensiveEnforcementTeam
from enforcement.teams.schemas import TeamFilters
from enforcement.teams.service import get_team
from shared.auth import PrincipalDep


async def _team(
    session: SessionDep, team_id: uuid.UUID, principal: PrincipalDep
) -> ComprehensiveEnforcementTeam:
    """The team within the caller's organisation; 404 otherwise."""
    return await get_team(session, team_id, org=principal.org)


TeamDep = Annotated[ComprehensiveEnforcementTeam, Depends(_team)]
TeamFiltersDep = Annotated[TeamFilters, Query()]
