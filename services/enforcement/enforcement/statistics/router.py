from __future__ import annotations

from fastapi import APIRouter

from enforcement.db import SessionDep
from enforcement.statistics import service
from enforcement.statistics.dependencies import StatisticsQueryDep
from enforcement.statistics.schemas import Statistics
from shared.errors import problem_responses

router = APIRouter(prefix="/statistics", tags=["statistics"])


@router.get("", response_model=Statistics, responses=problem_responses())
async def read_statistics(session: SessionDep, query: StatisticsQueryDep) -> Statistics:
    """The enforcement supervision figures of the annual report for one county (`region_code`)
    and `year`, each computed from the records with its definition, plus breakdowns by agency,
    kind, measure, grade and month."""
    return await service.compute_statistics(
        session, region_code=query.region_code, year=query.year
    )
