"""The report endpoint checks the caller's token itself (the gateway's own keys) and needs
``reports:read``; a refused caller never reaches the services."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Role
from tests.factories import PASSWORD, FakeService, claims, make_user, signing_key
from tests.identity.helpers import PROBLEM, login

URL = "/api/v1/reports/annual"
QUERY = {"region_code": "421222", "year": "2023"}


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def _alg_none(app: FastAPI) -> str:
    kid = (await signing_key(app)).kid
    return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(claims())}."


async def _tampered(app: FastAPI) -> str:
    token = (await signing_key(app)).sign(claims(scope="mediation:read"))
    header, _, signature = token.split(".")
    # The signature of a token that did not grant reports:read, on claims that do.
    return f"{header}.{_b64(claims())}.{signature}"


async def _foreign_key(app: FastAPI) -> str:
    kid = (await signing_key(app)).kid
    return jwt.encode(
        claims(),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": kid},
    )


async def _signed(app: FastAPI, **overrides: Any) -> str:
    return (await signing_key(app)).sign(claims(**overrides))


async def _hs256(app: FastAPI) -> str:
    # Algorithm confusion: an HMAC "signed" with the public key as the secret.
    key = await signing_key(app)
    return jwt.encode(
        claims(), key.x.encode(), algorithm="HS256", headers={"kid": key.kid}
    )


class TestReportNeedsAValidToken:
    async def test_no_token_is_401_problem_and_no_service_is_asked(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.get(URL, params=QUERY)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["status"] == 401
        assert all(not fake.requests for fake in upstreams.values())

    @pytest.mark.parametrize(
        "make",
        [
            _alg_none,
            _tampered,
            _foreign_key,
            _hs256,
            lambda app: _signed(app, aud="mediation"),
            lambda app: _signed(app, iss="someone-else"),
            lambda app: _signed(
                app, iat=int(time.time()) - 2000, exp=int(time.time()) - 1000
            ),
            lambda app: _signed(app, exp=None),
        ],
        ids=[
            "alg-none",
            "tampered-signature",
            "unknown-key",
            "hs256-confusion",
            "wrong-audience",
            "wrong-issuer",
            "expired",
            "no-exp",
        ],
    )
    async def test_an_invalid_token_is_401_problem(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        make: Any,
    ) -> None:
        token = await make(app)
        response = await client.get(
            URL, params=QUERY, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert all(not fake.requests for fake in upstreams.values())

    async def test_garbage_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            URL, params=QUERY, headers={"Authorization": "Bearer not.a.jwt"}
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM

    async def test_without_reports_read_is_403_problem(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        upstreams: dict[str, FakeService],
    ) -> None:
        await make_user(session, roles=[Role.mediator])
        access = (await login(client, "zhang.wei", PASSWORD)).json()["access_token"]
        response = await client.get(
            URL, params=QUERY, headers={"Authorization": f"Bearer {access}"}
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        assert "reports:read" in response.json()["detail"]
        assert all(not fake.requests for fake in upstreams.values())

    @pytest.mark.parametrize(
        ("region_code", "org"),
        [
            ("421223", {}),
            ("421222", {"township_code": "421222100"}),
            ("430000", {}),  # another province
        ],
    )
    async def test_only_a_county_level_caller_of_that_county_reads_its_report(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        upstreams: dict[str, FakeService],
        region_code: str,
        org: dict[str, str],
    ) -> None:
        await make_user(session, roles=[Role.leader], region_code=region_code, **org)
        access = (await login(client, "zhang.wei", PASSWORD)).json()["access_token"]
        response = await client.get(
            URL, params=QUERY, headers={"Authorization": f"Bearer {access}"}
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        assert all(not fake.requests for fake in upstreams.values())

    @pytest.mark.parametrize("region_code", ["420000", "000000"])
    async def test_a_province_or_the_country_reads_the_report_of_a_county_in_it(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        upstreams: dict[str, FakeService],
        region_code: str,
    ) -> None:
        await make_user(session, roles=[Role.leader], region_code=region_code)
        access = (await login(client, "zhang.wei", PASSWORD)).json()["access_token"]
        response = await client.get(
            URL, params=QUERY, headers={"Authorization": f"Bearer {access}"}
        )
        assert response.status_code == 200, response.text

    async def test_a_token_from_the_token_endpoint_is_accepted_and_forwarded(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        upstreams: dict[str, FakeService],
    ) -> None:
        await make_user(session, roles=[Role.leader])
        access = (await login(client, "zhang.wei", PASSWORD)).json()["access_token"]
        response = await client.get(
            URL, params=QUERY, headers={"Authorization": f"Bearer {access}"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["partial"] is False
        for fake in upstreams.values():
            assert fake.last.headers["authorization"] == f"Bearer {access}"

    async def test_the_routes_to_the_services_stay_pass_through(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.get("/api/v1/mediation/disputes")
        # No token: the gateway routes it anyway, the service decides (here: the fake's 404).
        assert response.status_code == 404
        assert upstreams["mediation"].last.url.path == "/api/v1/disputes"
