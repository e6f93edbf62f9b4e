"""``POST /api/v1/auth/token``: the three grants, the claims, and the OAuth2 errors."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import jwt
import pytest
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import service
from gateway.identity.models import RefreshToken
from shared.auth import Role
from shared.db import utcnow
from tests.factories import PASSWORD, REGION, make_client, make_user
from tests.identity.helpers import (
    PROBLEM,
    TOKEN_URL,
    basic,
    decode,
    login,
    token,
    without_request_id,
)

ALL_SERVICES = ("reconsideration", "mediation", "enforcement")


class TestPasswordGrant:
    async def test_a_user_gets_a_signed_token_with_every_claim_of_the_contract(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session, roles=[Role.mediation_officer])
        response = await login(client, "zhang.wei", PASSWORD)

        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["pragma"] == "no-cache"
        body = response.json()
        assert set(body) == {
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "scope",
        }
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 900
        assert (
            body["scope"] == "mediation:pii mediation:read mediation:write reports:read"
        )
        header = jwt.get_unverified_header(body["access_token"])
        assert header["alg"] == "EdDSA"

        claims = await decode(client, body["access_token"])
        assert set(claims) == {
            "iss",
            "aud",
            "sub",
            "typ",
            "name",
            "exp",
            "iat",
            "jti",
            "scope",
            "org",
            "roles",
        }
        assert claims["iss"] == "fazhi-gateway"
        assert claims["aud"] == "fazhi"
        assert claims["sub"] == str(user.id)
        assert claims["typ"] == "user"
        assert claims["name"] == "张伟"
        assert claims["exp"] - claims["iat"] == 900
        assert abs(claims["iat"] - utcnow().timestamp()) < 60
        uuid.UUID(claims["jti"])
        assert claims["scope"] == body["scope"]
        assert claims["org"] == {
            "region_code": REGION,
            "township_code": None,
            "committee_id": None,
            "agency_id": None,
        }
        assert claims["roles"] == ["mediation_officer"]

    @pytest.mark.parametrize(
        ("roles", "scope"),
        [
            (
                [Role.county_admin],
                " ".join(
                    sorted(
                        [
                            f"{s}:{p}"
                            for s in ALL_SERVICES
                            for p in ("pii", "read", "write")
                        ]
                        + ["reports:read", "reconsideration:calendar"]
                    )
                ),
            ),
            ([Role.mediator], "mediation:read mediation:write"),
            (
                [Role.leader],
                "enforcement:read mediation:read reconsideration:read reports:read",
            ),
            ([Role.auditor], "audit:read"),
            (
                [Role.mediator, Role.auditor],
                "audit:read mediation:read mediation:write",
            ),
        ],
        ids=["county_admin", "mediator", "leader", "auditor", "mediator+auditor"],
    )
    async def test_the_scope_is_what_the_roles_grant(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        roles: list[Role],
        scope: str,
    ) -> None:
        await make_user(session, roles=roles)
        body = (await login(client, "zhang.wei", PASSWORD)).json()
        claims = await decode(client, body["access_token"])
        assert claims["scope"] == scope
        assert claims["roles"] == sorted(r.value for r in roles)

    async def test_the_org_claim_carries_the_users_township_and_committee(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        committee = uuid.uuid4()
        await make_user(
            session,
            roles=[Role.mediator],
            township_code="421222100",
            committee_id=committee,
        )
        body = (await login(client, "zhang.wei", PASSWORD)).json()
        claims = await decode(client, body["access_token"])
        assert claims["org"] == {
            "region_code": REGION,
            "township_code": "421222100",
            "committee_id": str(committee),
            "agency_id": None,
        }

    async def test_the_username_is_not_case_sensitive(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        assert (await login(client, " Zhang.Wei", PASSWORD)).status_code == 200

    async def test_wrong_password_and_unknown_user_answer_the_same(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        await make_user(session, username="inactive.user")
        await service.deactivate_user(session, username="inactive.user", now=utcnow())
        wrong = await login(client, "zhang.wei", "Wrong-Password-1")
        unknown = await login(client, "nobody.here", "Wrong-Password-1")
        inactive = await login(client, "inactive.user", PASSWORD)

        for response in (wrong, unknown, inactive):
            assert response.status_code == 400
            assert response.headers["content-type"] == PROBLEM
            assert response.headers["cache-control"] == "no-store"
        assert without_request_id(wrong.json()) == without_request_id(unknown.json())
        assert without_request_id(wrong.json()) == without_request_id(inactive.json())
        assert wrong.json()["request_id"] != unknown.json()["request_id"]
        assert without_request_id(wrong.json()) == {
            "type": "urn:fazhi:problem:invalid-grant",
            "title": "Invalid grant",
            "status": 400,
            "detail": "The username or password is incorrect.",
            "error": "invalid_grant",
        }

    async def test_an_unknown_user_costs_a_password_check_too(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        checked: list[str] = []
        verify = service.PASSWORD_HASH.verify

        def spy(password: str, hash: str) -> bool:
            checked.append(hash)
            return verify(password, hash)

        monkeypatch.setattr(service.PASSWORD_HASH, "verify", spy)
        response = await login(client, "nobody.here", PASSWORD)
        assert response.status_code == 400
        assert len(checked) == 1
        assert checked[0].startswith("$argon2id$")

    async def test_passwords_are_stored_with_argon2id_at_the_recommended_cost(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        real_password_hash: None,
    ) -> None:
        user = await make_user(session)
        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert PASSWORD not in user.password_hash
        assert (await login(client, "zhang.wei", PASSWORD)).status_code == 200

    async def test_a_stored_hash_of_an_older_cost_is_upgraded_at_login(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session)
        user.password_hash = Argon2Hasher(
            time_cost=1, memory_cost=16, parallelism=1
        ).hash(PASSWORD)
        await session.flush()
        assert (await login(client, "zhang.wei", PASSWORD)).status_code == 200
        await session.refresh(user)
        assert user.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")

    async def test_a_subset_of_the_scope_may_be_asked_for(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session, roles=[Role.county_admin])
        body = (await login(client, "zhang.wei", PASSWORD, scope="reports:read")).json()
        assert body["scope"] == "reports:read"
        assert (await decode(client, body["access_token"]))["scope"] == "reports:read"

    async def test_asking_for_more_than_the_roles_grant_is_invalid_scope(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session, roles=[Role.mediator])
        response = await login(
            client, "zhang.wei", PASSWORD, scope="mediation:read mediation:pii"
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_scope"

    async def test_username_and_password_are_required(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await token(client, {"grant_type": "password", "username": "x"})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"


class TestClientCredentialsGrant:
    async def test_a_client_authenticated_by_form_fields_gets_its_registered_scope(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        registered, secret = await make_client(
            session,
            scopes=["mediation:read", "reports:read"],
            agency_id=uuid.UUID(int=7),
        )
        response = await token(
            client,
            {
                "grant_type": "client_credentials",
                "client_id": registered.client_id,
                "client_secret": secret,
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["scope"] == "mediation:read reports:read"
        claims = await decode(client, body["access_token"])
        assert claims["sub"] == registered.client_id
        assert claims["typ"] == "client"
        assert claims["name"] == "12345 热线"
        assert claims["roles"] == ["integration_client"]
        assert claims["exp"] - claims["iat"] == 900
        assert claims["org"] == {
            "region_code": REGION,
            "township_code": None,
            "committee_id": None,
            "agency_id": str(uuid.UUID(int=7)),
        }

    async def test_a_client_authenticated_by_http_basic(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        registered, secret = await make_client(session)
        response = await token(
            client,
            {"grant_type": "client_credentials"},
            headers=basic(registered.client_id, secret),
        )
        assert response.status_code == 200, response.text
        claims = await decode(client, response.json()["access_token"])
        assert claims["sub"] == registered.client_id

    @pytest.mark.parametrize("how", ["form", "basic"])
    async def test_a_wrong_secret_is_invalid_client_401(
        self, client: httpx.AsyncClient, session: AsyncSession, how: str
    ) -> None:
        registered, _ = await make_client(session)
        form = {"grant_type": "client_credentials"}
        headers = {}
        if how == "form":
            form |= {"client_id": registered.client_id, "client_secret": "wrong"}
        else:
            headers = basic(registered.client_id, "wrong")
        response = await token(client, form, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Basic ")
        assert response.json()["error"] == "invalid_client"

    async def test_an_unknown_client_answers_as_a_wrong_secret(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        registered, _ = await make_client(session)
        wrong = await token(
            client,
            {"grant_type": "client_credentials"},
            headers=basic(registered.client_id, "wrong"),
        )
        unknown = await token(
            client,
            {"grant_type": "client_credentials"},
            headers=basic("fazhi-0000000000000000", "wrong"),
        )
        assert without_request_id(wrong.json()) == without_request_id(unknown.json())

    async def test_no_client_authentication_is_invalid_client(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await token(client, {"grant_type": "client_credentials"})
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    async def test_two_authentication_methods_at_once_are_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        registered, secret = await make_client(session)
        response = await token(
            client,
            {
                "grant_type": "client_credentials",
                "client_id": registered.client_id,
                "client_secret": secret,
            },
            headers=basic(registered.client_id, secret),
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    async def test_a_deactivated_client_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        registered, secret = await make_client(session)
        await service.deactivate_client(
            session, client_id=registered.client_id, now=utcnow()
        )
        response = await token(
            client,
            {"grant_type": "client_credentials"},
            headers=basic(registered.client_id, secret),
        )
        assert response.status_code == 401


async def refresh(
    client: httpx.AsyncClient, refresh_token: str, **kwargs: Any
) -> httpx.Response:
    return await token(
        client,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        **kwargs,
    )


class TestRefreshTokenGrant:
    async def test_a_refresh_token_is_exchanged_once_for_new_tokens(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await make_user(session, roles=[Role.mediator])
        first = (await login(client, "zhang.wei", PASSWORD)).json()

        response = await refresh(client, first["refresh_token"])
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        second = response.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert second["scope"] == "mediation:read mediation:write"
        claims = await decode(client, second["access_token"])
        assert claims["sub"] == str(user.id)
        assert claims["jti"] != (await decode(client, first["access_token"]))["jti"]

        third = await refresh(client, second["refresh_token"])
        assert third.status_code == 200

    async def test_reusing_a_refresh_token_revokes_its_whole_family(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        first = (await login(client, "zhang.wei", PASSWORD)).json()
        second = (await refresh(client, first["refresh_token"])).json()
        other_login = (await login(client, "zhang.wei", PASSWORD)).json()

        reused = await refresh(client, first["refresh_token"])
        assert reused.status_code == 400
        assert reused.headers["content-type"] == PROBLEM
        assert reused.json()["error"] == "invalid_grant"

        # The thief's (or the user's) newer token of that login is dead too ...
        after = await refresh(client, second["refresh_token"])
        assert after.status_code == 400
        assert without_request_id(after.json()) == without_request_id(reused.json())
        family = (
            await session.scalars(
                select(RefreshToken).execution_options(populate_existing=True)
            )
        ).all()
        revoked = [t for t in family if t.revoked_at is not None]
        assert len(revoked) == 2
        # ... but another login of the same user is not.
        assert (await refresh(client, other_login["refresh_token"])).status_code == 200

    async def test_an_unknown_refresh_token_is_invalid_grant(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await refresh(client, "not-a-token")
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"

    async def test_the_refreshed_session_ends_when_the_login_session_ends(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        first = (await login(client, "zhang.wei", PASSWORD)).json()
        await refresh(client, first["refresh_token"])
        tokens = (
            await session.scalars(
                select(RefreshToken).execution_options(populate_existing=True)
            )
        ).all()
        assert len(tokens) == 2
        assert tokens[0].expires_at == tokens[1].expires_at
        assert abs((tokens[0].expires_at - utcnow()).total_seconds() - 28_800) < 60

    async def test_a_deactivated_user_cannot_refresh(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        first = (await login(client, "zhang.wei", PASSWORD)).json()
        await service.deactivate_user(session, username="zhang.wei", now=utcnow())
        response = await refresh(client, first["refresh_token"])
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"

    async def test_a_clients_refresh_token_needs_that_clients_credentials(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        registered, secret = await make_client(session)
        other, other_secret = await make_client(session, name="other")
        auth = basic(registered.client_id, secret)
        first = (
            await token(client, {"grant_type": "client_credentials"}, headers=auth)
        ).json()

        anonymous = await refresh(client, first["refresh_token"])
        assert anonymous.status_code == 401
        assert anonymous.json()["error"] == "invalid_client"
        wrong_client = await refresh(
            client,
            first["refresh_token"],
            headers=basic(other.client_id, other_secret),
        )
        assert wrong_client.status_code == 400
        response = await refresh(client, first["refresh_token"], headers=auth)
        assert response.status_code == 200, response.text
        claims = await decode(client, response.json()["access_token"])
        assert claims["typ"] == "client"


class TestTokenRequestShape:
    async def test_an_unknown_grant_type_is_unsupported_grant_type(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await token(client, {"grant_type": "authorization_code"})
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["error"] == "unsupported_grant_type"

    async def test_grant_type_is_required(self, client: httpx.AsyncClient) -> None:
        response = await token(client, {"username": "x"})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    async def test_a_json_body_is_invalid_request(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            TOKEN_URL, json={"grant_type": "password", "username": "x", "password": "y"}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    async def test_a_repeated_parameter_is_invalid_request(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            TOKEN_URL,
            content=b"grant_type=password&username=a&username=b&password=c",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert "username" in response.json()["detail"]

    async def test_an_oversized_body_is_invalid_request(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await token(
            client, {"grant_type": "password", "username": "a" * 20_000}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    async def test_the_openapi_document_describes_the_form(
        self, client: httpx.AsyncClient
    ) -> None:
        spec = (await client.get("/openapi.json")).json()
        operation = spec["paths"][TOKEN_URL]["post"]
        form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
        grants = {
            variant["properties"]["grant_type"]["enum"][0]: variant["required"]
            for variant in form["schema"]["oneOf"]
        }
        # One form per grant type, with what that grant requires (the fuzzer's finding: a
        # refresh_token grant without its token was schema-valid and answered 400).
        assert grants == {
            "password": ["grant_type", "username", "password"],
            "client_credentials": ["grant_type"],
            "refresh_token": ["grant_type", "refresh_token"],
        }
        assert {"400", "401", "429"} <= set(operation["responses"])
