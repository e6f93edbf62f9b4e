from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.judgment_performances.models import JudgmentPerformance
from enforcement.judgment_performances.schemas import JudgmentPerformanceFilters
from enforcement.judgment_performances.service import get_performance
from shared.auth import PrincipalDep


async def _performance(
    session: SessionDep, performance_id: uuid.UUID, principal: PrincipalDep
) -> JudgmentPerformance:
    """The item within the caller's organisation; 404 otherwise."""
    return await get_performance(session, performance_id, org=principal.org)


JudgmentPerformanceDep = Annotated[JudgmentPerformance, Depends(_performance)]
JudgmentPerformanceFiltersDep = Annotated[JudgmentPerformanceFilters, Query()]
