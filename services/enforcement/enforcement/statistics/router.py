from __future__ import annotations

from fastapi import APIRouter, Request

from enforcement.db import SessionDep
from enforcement.statistics import service
from enforcement.statistics.dependencies import StatisticsQueryDep
from enforcement.statistics.models import ChangeStamp
from enforcement.statistics.schemas import Statistics
from shared.errors import problem_responses
from shared.snapshots import SnapshotCache, cache_of

router = APIRouter(prefix="/statistics", tags=["statistics"])


@router.get("", response_model=Statistics, responses=problem_responses())
async def read_statistics(
    request: Request, session: SessionDep, query: StatisticsQueryDep
) -> Statistics:
    """The enforcement supervision figures of the annual report for one county (`region_code`)
    and `year`, each computed from the records with its definition, plus breakdowns by agency,
    kind, measure, grade and month. Computed once per change of the records
    (shared.snapshots), then kept."""
    cache: SnapshotCache[Statistics] = cache_of(request.app.state, ChangeStamp)
    return await cache.get(
        session,
        (query.region_code, query.year),
        lambda: service.compute_statistics(
            session, region_code=query.region_code, year=query.year
        ),
    )
