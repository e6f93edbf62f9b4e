from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.agencies.models import EnforcementAgency
from enforcement.agencies.schemas import AgencyFilters
from enforcement.agencies.service import get_agency
from enforcement.db import SessionDep
from shared.auth import PrincipalDep


async def _agency(
    session: SessionDep, agency_id: uuid.UUID, principal: PrincipalDep
) -> EnforcementAgency:
    """The agency within the caller's organisation; 404 otherwise."""
    return await get_agency(session, agency_id, org=principal.org)


AgencyDep = Annotated[EnforcementAgency, Depends(_agency)]
AgencyFiltersDep = Annotated[AgencyFilters, Query()]
