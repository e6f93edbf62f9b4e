"""Found by the break test: enforcement answers 200 with figures of
zero for a province, the country or a prefecture (it counts ``region_code == <asked>``
only), which the gateway's annual report for a province shows as a complete report.
Expected: the scope's figures or a refusal (422), never a silent zero."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_agency, make_instrument

KEY = "enforcement.supervision_recommendations_issued"


@pytest.mark.parametrize("scope", ["420000", "000000", "421200"])
async def test_a_wider_scope_is_not_answered_with_zeros(
    client: httpx.AsyncClient, session: AsyncSession, scope: str
) -> None:
    await make_instrument(session, await make_agency(session))  # 421222, 2023
    county = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": 2023}
    )
    assert county.status_code == 200
    assert county.json()["figures"][KEY]["value"] == 1

    wider = await client.get(
        "/api/v1/statistics", params={"region_code": scope, "year": 2023}
    )
    # Kept per county only: refused, naming the field, never zeros.
    assert wider.status_code == 422, wider.text
    assert "region_code" in wider.text
