"""Failed logins are limited per account and per client address, in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.config import Settings
from gateway.db import get_session
from gateway.identity import service
from gateway.identity.exceptions import LoginThrottled
from gateway.identity.models import LoginFailure
from gateway.main import create_app
from shared.db import utcnow
from shared.settings import Environment
from tests.factories import PASSWORD, make_user
from tests.identity.helpers import PROBLEM, login

WRONG = "Wrong-Password-1"


@pytest.fixture
def settings(database_url: str, keys_dir: Path) -> Settings:
    """Small limits, so that a test needs few (slow, argon2) failed logins."""
    return Settings(
        environment=Environment.test,
        database_url=database_url,
        keys_dir=keys_dir,
        login_max_failures_per_account=3,
        login_max_failures_per_address=5,
        login_failure_window_s=900,
        login_lockout_s=600,
    )


Caller = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def caller(app: FastAPI) -> Caller:
    """``async with caller("10.0.0.7") as client``: requests from that address."""

    @asynccontextmanager
    async def make(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(address, 40_000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway.test"
        ) as c:
            yield c

    return make


class TestPerAccount:
    async def test_too_many_failures_lock_the_account_with_retry_after(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        for _ in range(3):
            assert (await login(client, "zhang.wei", WRONG)).status_code == 400

        locked = await login(client, "zhang.wei", PASSWORD)
        assert locked.status_code == 429
        assert locked.headers["content-type"] == PROBLEM
        assert 590 <= int(locked.headers["retry-after"]) <= 600
        body = locked.json()
        assert body["type"] == "urn:fazhi:problem:too-many-failed-logins"
        assert body["status"] == 429

    async def test_the_lock_applies_from_every_address(
        self, caller: Caller, session: AsyncSession
    ) -> None:
        await make_user(session)
        async with caller("10.0.0.1") as one, caller("10.0.0.2") as two:
            for c in (one, two, one):
                await login(c, "zhang.wei", WRONG)
            assert (await login(two, "zhang.wei", PASSWORD)).status_code == 429

    async def test_an_unknown_account_locks_just_the_same(
        self, client: httpx.AsyncClient
    ) -> None:
        for _ in range(3):
            await login(client, "nobody.here", WRONG)
        assert (await login(client, "nobody.here", WRONG)).status_code == 429

    async def test_a_successful_login_clears_the_accounts_failures(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_user(session)
        for _ in range(2):
            await login(client, "zhang.wei", WRONG)
        assert (await login(client, "zhang.wei", PASSWORD)).status_code == 200
        for _ in range(2):
            assert (await login(client, "zhang.wei", WRONG)).status_code == 400
        assert (await login(client, "zhang.wei", PASSWORD)).status_code == 200

    async def test_another_replica_sees_the_same_lock(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
    ) -> None:
        await make_user(session)
        for _ in range(3):
            await login(client, "zhang.wei", WRONG)
        replica = create_app(settings)

        async def same_database() -> AsyncIterator[AsyncSession]:
            yield session

        replica.dependency_overrides[get_session] = same_database
        async with (
            replica.router.lifespan_context(replica),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=replica),
                base_url="http://replica.test",
            ) as other,
        ):
            assert (await login(other, "zhang.wei", PASSWORD)).status_code == 429


class TestPerAddress:
    async def test_failures_on_many_accounts_lock_the_address_only(
        self, caller: Caller, session: AsyncSession
    ) -> None:
        await make_user(session)
        async with caller("10.0.0.66") as attacker, caller("10.0.0.7") as staff:
            for n in range(5):
                response = await login(attacker, f"guess{n}", WRONG)
                assert response.status_code == 400
            locked = await login(attacker, "zhang.wei", PASSWORD)
            assert locked.status_code == 429
            assert int(locked.headers["retry-after"]) > 0
            assert (await login(staff, "zhang.wei", PASSWORD)).status_code == 200

    async def test_client_authentication_failures_count_against_the_address(
        self, caller: Caller
    ) -> None:
        async with caller("10.0.0.66") as attacker:
            for _ in range(5):
                response = await attacker.post(
                    "/api/v1/auth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": "fazhi-guess",
                        "client_secret": "guess",
                    },
                )
                assert response.status_code == 401
            response = await attacker.post(
                "/api/v1/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "fazhi-guess",
                    "client_secret": "guess",
                },
            )
            assert response.status_code == 429


class TestLockExpiry:
    async def add_failures(
        self, session: AsyncSession, *, ago_s: list[int], now: dt.datetime
    ) -> None:
        session.add_all(
            LoginFailure(
                username="zhang.wei",
                address="10.0.0.1",
                failed_at=now - dt.timedelta(seconds=s),
            )
            for s in ago_s
        )
        await session.flush()

    async def check(
        self, session: AsyncSession, settings: Settings, now: dt.datetime
    ) -> None:
        await service.check_login_allowed(
            session,
            account="zhang.wei",
            address="10.0.0.2",
            settings=settings,
            now=now,
        )

    async def test_the_lock_lasts_lockout_s_after_the_failure_that_caused_it(
        self, session: AsyncSession, settings: Settings
    ) -> None:
        now = utcnow()
        # Three failures within the 900 s window; the last one 550 s ago: locked 50 s more.
        await self.add_failures(session, ago_s=[1300, 900, 550], now=now)
        with pytest.raises(LoginThrottled) as raised:
            await self.check(session, settings, now)
        assert raised.value.retry_after_s == 50
        await self.check(session, settings, now + dt.timedelta(seconds=51))

    async def test_failures_spread_wider_than_the_window_do_not_lock(
        self, session: AsyncSession, settings: Settings
    ) -> None:
        now = utcnow()
        await self.add_failures(session, ago_s=[1000, 500, 10], now=now)
        await self.check(session, settings, now)
