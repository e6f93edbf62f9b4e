"""Found by the break test: GET /statistics accepts any six
digits as the scope, but counters exist only for a county, its province (``PP0000``) and
the country (``000000``). A prefecture (地级市, e.g. ``421200`` 咸宁市, which contains
``421222`` 通城县) is answered 200 with every figure 0, as if it had no dispute; so is a
province code that does not exist (``990000``). Expected: the prefecture's figures, or a
refusal (422) of a scope the counters do not keep — never a silent zero."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.testing import ServiceUnderTest
from tests.factories import make_committee, make_dispute

KEY = "mediation.cases_mediated"


async def test_a_prefecture_is_not_answered_with_zeros(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    committee = await make_committee(session)  # 421222
    await make_dispute(session, committee, registered_on=dt.date(2023, 5, 1))

    county = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": 2023}
    )
    assert county.json()["figures"][KEY]["value"] == 1
    province = await client.get(
        "/api/v1/statistics", params={"region_code": "420000", "year": 2023}
    )
    assert province.json()["figures"][KEY]["value"] == 1

    prefecture = await client.get(
        "/api/v1/statistics", params={"region_code": "421200", "year": 2023}
    )
    # Not kept per prefecture: refused, naming the field, never zeros.
    assert prefecture.status_code == 422, prefecture.text
    assert "region_code" in prefecture.text


@pytest.mark.parametrize(
    ("caller_region", "asked", "status"),
    [
        ("421222", "421222", 200),
        ("421222", "420000", 403),  # a county does not read its province
        ("420000", "421222", 200),  # a province reads its counties
        ("420000", "420000", 200),
        ("420000", "430000", 403),  # and not another province
        ("420000", "430102", 403),
        ("420000", "000000", 403),
        ("000000", "430102", 200),  # the country reads everything
        ("000000", "000000", 200),
    ],
)
async def test_who_may_read_which_scope(
    client: httpx.AsyncClient,
    service_under_test: ServiceUnderTest,
    caller_region: str,
    asked: str,
    status: int,
) -> None:
    headers = service_under_test.issuer.headers(
        scopes=["reports:read"], org={"region_code": caller_region}
    )
    response = await client.get(
        "/api/v1/statistics",
        params={"region_code": asked, "year": 2023},
        headers=headers,
    )
    assert response.status_code == status, response.text


async def test_any_valid_token_may_read_itself(
    client: httpx.AsyncClient, service_under_test: ServiceUnderTest
) -> None:
    headers = service_under_test.issuer.headers(
        scopes=["reports:read"], org={"region_code": "420000"}
    )
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["scopes"] == ["reports:read"]
