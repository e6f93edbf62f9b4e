"""The bench's bulk path (mediation.bulk): generated disputes are valid records whose
counters equal a recount, counted the same as the service counts them, and readable."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.bulk import AlreadyLoaded, County, load_disputes
from mediation.statistics.models import StatisticsRollup
from mediation.statistics.service import compute_statistics, count_from_cases
from shared import rollups


async def test_a_bulk_load_leaves_counters_equal_to_a_recount(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    counties = [County("421222", 300), County("430102", 200)]
    result = await load_disputes(session, counties, year=2023, seed=5)
    assert result.disputes == 500
    assert await rollups.stored(session, StatisticsRollup) == await rollups.recount(
        session, StatisticsRollup
    )
    for county in counties:
        served = await compute_statistics(
            session, region_code=county.region_code, year=2023
        )
        counted = await count_from_cases(
            session, region_code=county.region_code, year=2023
        )
        assert served.model_dump() == counted.model_dump()
        assert served.figures["mediation.cases_mediated"].value == county.disputes  # type: ignore[union-attr]
    country = await compute_statistics(session, region_code="000000", year=2023)
    assert country.figures["mediation.cases_mediated"].value == 500  # type: ignore[union-attr]
    page = await client.get("/api/v1/disputes", params={"page_size": 5})
    assert page.status_code == 200, page.text
    assert len(page.json()["items"]) == 5
    # Loading the same seed again is refused, not doubled.
    with pytest.raises(AlreadyLoaded):
        await load_disputes(session, counties[:1], year=2023, seed=5)
