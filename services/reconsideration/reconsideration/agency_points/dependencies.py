from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.agency_points.models import AgencyPoint
from reconsideration.agency_points.schemas import AgencyPointFilters
from reconsideration.agency_points.service import get_agency_point
from reconsideration.db import SessionDep


async def _agency_point(session: SessionDep, agency_point_id: uuid.UUID) -> AgencyPoint:
    return await get_agency_point(session, agency_point_id)


AgencyPointDep = Annotated[AgencyPoint, Depends(_agency_point)]
AgencyPointFiltersDep = Annotated[AgencyPointFilters, Query()]
