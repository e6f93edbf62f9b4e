from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.agency_points.models import AgencyPoint
from reconsideration.agency_points.schemas import AgencyPointFilters
from reconsideration.agency_points.service import get_agency_point
from reconsideration.db import SessionDep
from shared.auth import PrincipalDep


async def _agency_point(
    session: SessionDep, principal: PrincipalDep, agency_point_id: uuid.UUID
) -> AgencyPoint:
    """The point named in the path, within the caller's organisation (else 404)."""
    return await get_agency_point(session, agency_point_id, org=principal.org)


AgencyPointDep = Annotated[AgencyPoint, Depends(_agency_point)]
AgencyPointFiltersDep = Annotated[AgencyPointFilters, Query()]
