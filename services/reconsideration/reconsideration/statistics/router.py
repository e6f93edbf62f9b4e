from __future__ import annotations

from fastapi import APIRouter, Request, Response

from reconsideration.db import SessionDep
from reconsideration.statistics import service
from reconsideration.statistics.dependencies import StatisticsQueryDep
from reconsideration.statistics.models import ChangeStamp
from reconsideration.statistics.schemas import DEFINITIONS, Statistics
from shared.conditional import NOT_MODIFIED_RESPONSE, definitions_version
from shared.errors import problem_responses
from shared.routing import ServiceRoute
from shared.snapshots import conditional_snapshot

router = APIRouter(prefix="/statistics", tags=["statistics"], route_class=ServiceRoute)

#: What the figures depend on besides the records (shared.conditional.statistics_etag).
VERSION = definitions_version("reconsideration", DEFINITIONS)


@router.get(
    "",
    response_model=Statistics,
    responses={**NOT_MODIFIED_RESPONSE, **problem_responses()},
)
async def read_statistics(
    request: Request, response: Response, session: SessionDep, query: StatisticsQueryDep
) -> Statistics | Response:
    """The reconsideration and litigation figures of the annual report for one county
    (`region_code`) and `year`, each computed from the records with its definition; beside
    them `breakdowns`, counts of applications received (by matter type, respondent, receipt
    channel, township and month) and of decisions by decision type, and `breakdown_figures`,
    the figures with their rates by respondent, matter type, decision type and month, and the
    litigation figures by defendant agency and outcome. Computed once per change of the
    records (shared.snapshots), then kept. The answer's `ETag` changes with the records;
    sent back in `If-None-Match`, an unchanged answer is 304 without a body."""
    return await conditional_snapshot(
        request,
        response,
        session,
        stamp_table=ChangeStamp,
        version=VERSION,
        key=(query.region_code, query.year),
        compute=lambda: service.compute_statistics(
            session, region_code=query.region_code, year=query.year
        ),
    )
