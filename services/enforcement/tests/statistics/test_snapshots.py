"""The statistics are computed once per change of the records and then kept
(shared.snapshots): kept between reads, recomputed after any write of a record."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.statistics import service
from tests.factories import make_agency, make_instrument

PARAMS = {"region_code": "421222", "year": 2023}
KEY = "enforcement.supervision_recommendations_issued"


async def issued(client: httpx.AsyncClient) -> int:
    response = await client.get("/api/v1/statistics", params=PARAMS)
    assert response.status_code == 200, response.text
    return int(response.json()["figures"][KEY]["value"])


async def test_kept_until_a_record_changes(
    client: httpx.AsyncClient,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []
    compute = service.compute_statistics

    async def counted(session: AsyncSession, *, region_code: str, year: int):  # type: ignore[no-untyped-def]
        calls.append((region_code, year))
        return await compute(session, region_code=region_code, year=year)

    monkeypatch.setattr(service, "compute_statistics", counted)
    agency = await make_agency(session)
    await make_instrument(session, agency)
    assert await issued(client) == 1
    assert await issued(client) == 1
    assert len(calls) == 1
    await make_instrument(session, agency)
    assert await issued(client) == 2
    assert len(calls) == 2


async def test_unchanged_figures_answer_304_to_their_etag(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    tag = (await client.get("/api/v1/statistics", params=PARAMS)).headers["etag"]
    again = await client.get(
        "/api/v1/statistics", params=PARAMS, headers={"If-None-Match": tag}
    )
    assert (again.status_code, again.content) == (304, b"")
    await make_instrument(session, await make_agency(session))
    changed = await client.get(
        "/api/v1/statistics", params=PARAMS, headers={"If-None-Match": tag}
    )
    assert changed.status_code == 200
    assert changed.json()["figures"][KEY]["value"] == 1
