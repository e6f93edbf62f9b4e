from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from mediation.analysis.schemas import AnalysisQuery
from shared.auth import Forbidden, PrincipalDep


async def _county_query(
    query: Annotated[AnalysisQuery, Query()], principal: PrincipalDep
) -> AnalysisQuery:
    """The query of a county-level caller (an ``org`` without township, committee or
    agency) about its own county: a township's records are not a county's analysis.
    Raises Forbidden (403)."""
    org = principal.org
    if org.township_code or org.committee_id or org.agency_id:
        raise Forbidden("The analysis is for county-level callers")
    if org.region_code is not None and org.region_code != query.region_code:
        raise Forbidden("The analysis of another county is not yours to read")
    return query


AnalysisQueryDep = Annotated[AnalysisQuery, Depends(_county_query)]
