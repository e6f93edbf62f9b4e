from __future__ import annotations

from fastapi import APIRouter, Request

from reconsideration.db import SessionDep
from reconsideration.statistics import service
from reconsideration.statistics.dependencies import StatisticsQueryDep
from reconsideration.statistics.models import ChangeStamp
from reconsideration.statistics.schemas import Statistics
from shared.errors import problem_responses
from shared.snapshots import SnapshotCache, cache_of

router = APIRouter(prefix="/statistics", tags=["statistics"])


@router.get("", response_model=Statistics, responses=problem_responses())
async def read_statistics(
    request: Request, session: SessionDep, query: StatisticsQueryDep
) -> Statistics:
    """The reconsideration and litigation figures of the annual report for one county
    (`region_code`) and `year`, each computed from the records with its definition; beside
    them `breakdowns`, counts of applications received (by matter type, respondent, receipt
    channel, township and month) and of decisions by decision type, and `breakdown_figures`,
    the figures with their rates by respondent, matter type, decision type and month, and the
    litigation figures by defendant agency and outcome. Computed once per change of the
    records (shared.snapshots), then kept."""
    cache: SnapshotCache[Statistics] = cache_of(request.app.state, ChangeStamp)
    return await cache.get(
        session,
        (query.region_code, query.year),
        lambda: service.compute_statistics(
            session, region_code=query.region_code, year=query.year
        ),
    )
