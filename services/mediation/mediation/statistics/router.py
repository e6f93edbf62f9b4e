from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mediation.db import SessionDep
from mediation.statistics import service
from mediation.statistics.dependencies import StatisticsQueryDep
from mediation.statistics.schemas import DEFINITIONS, Statistics
from shared.conditional import (
    NOT_MODIFIED_RESPONSE,
    definitions_version,
    none_match,
    not_modified,
    statistics_etag,
)
from shared.errors import problem_responses
from shared.routing import ServiceRoute

router = APIRouter(prefix="/statistics", tags=["statistics"], route_class=ServiceRoute)

#: What the figures depend on besides the records (shared.conditional.statistics_etag).
VERSION = definitions_version("mediation", DEFINITIONS)


@router.get(
    "",
    response_model=Statistics,
    responses={**NOT_MODIFIED_RESPONSE, **problem_responses()},
)
async def read_statistics(
    request: Request, response: Response, session: SessionDep, query: StatisticsQueryDep
) -> Statistics | Response:
    """The mediation figures of the annual report for one county, province or the whole
    country (`region_code`) and `year`, each computed from the records with its definition,
    plus breakdowns by type, township, source and month. Served from counters kept in each
    write's transaction, so it costs the same at national size. The answer's `ETag`
    changes with the counters; sent back in `If-None-Match`, an unchanged answer is 304
    without a body."""
    counters = await service.read_counters(
        session, region_code=query.region_code, year=query.year
    )
    tag = statistics_etag(
        VERSION, query.region_code, query.year, sorted(counters.items())
    )
    if none_match(request, tag):
        return not_modified(tag)
    response.headers["ETag"] = tag
    return service.statistics_from(
        counters, region_code=query.region_code, year=query.year
    )
