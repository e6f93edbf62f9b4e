"""Found by the break test:
the statistics answer 200 with figures of *zero* for a scope they do not compute.

GET /statistics documents (mediation) and the gateway's report passes on a province
(`420000`), the whole country (`000000`) or a prefecture (`421200`). Reconsideration
computes ``region_code == <asked>`` only, so for any scope other than a county it answers
200 with every figure 0, and the gateway's annual report for a province then shows
mediation's provincial figures beside reconsideration's zeros as a complete
(``partial: false``) report. Expected: either the scope's figures (the sum of its
counties) or a refusal (422) — never a silent zero."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_application


@pytest.mark.parametrize("scope", ["420000", "000000", "421200"])
async def test_a_wider_scope_is_not_answered_with_zeros(
    client: httpx.AsyncClient, session: AsyncSession, scope: str
) -> None:
    await make_application(session, received_on=dt.date(2023, 3, 1))  # in 421222
    county = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": 2023}
    )
    assert county.status_code == 200
    assert (
        county.json()["figures"]["reconsideration.applications_received"]["value"] == 1
    )

    wider = await client.get(
        "/api/v1/statistics", params={"region_code": scope, "year": 2023}
    )
    # Kept per county only: refused, naming the field, never zeros.
    assert wider.status_code == 422, wider.text
    assert "region_code" in wider.text
