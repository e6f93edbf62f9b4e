from __future__ import annotations

from fastapi import APIRouter

from mediation.db import SessionDep
from mediation.statistics import service
from mediation.statistics.dependencies import StatisticsQueryDep
from mediation.statistics.schemas import Statistics
from shared.errors import problem_responses

router = APIRouter(prefix="/statistics", tags=["statistics"])


@router.get("", response_model=Statistics, responses=problem_responses())
async def read_statistics(session: SessionDep, query: StatisticsQueryDep) -> Statistics:
    """The mediation figures of the annual report for one county, province or the whole
    country (`region_code`) and `year`, each computed from the records with its definition,
    plus breakdowns by type, township, source and month. Served from counters kept in each
    write's transaction, so it costs the same at national size."""
    return await service.compute_statistics(
        session, region_code=query.region_code, year=query.year
    )
