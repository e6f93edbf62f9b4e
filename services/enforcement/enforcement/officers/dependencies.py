from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.officers.models import Officer
from enforcement.officers.schemas import ActingFilters, ExpiringFilters, OfficerFilters
from enforcement.officers.service import get_officer
from shared.auth import PrincipalDep


async def _officer(
    session: SessionDep, officer_id: uuid.UUID, principal: PrincipalDep
) -> Officer:
    """The officer within the caller's organisation; 404 otherwise."""
    return await get_officer(session, officer_id, org=principal.org)


OfficerDep = Annotated[Officer, Depends(_officer)]
OfficerFiltersDep = Annotated[OfficerFilters, Query()]
ExpiringFiltersDep = Annotated[ExpiringFilters, Query()]
ActingFiltersDep = Annotated[ActingFilters, Query()]
