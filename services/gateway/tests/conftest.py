"""The real gateway app whose upstream clients use ``httpx.MockTransport`` handlers: no network.

The app's lifespan runs as in production (it creates and closes the upstream clients, opens
its identity database and loads its signing keys from a temporary ``keys_dir``); only the
transport under each client is a :class:`~tests.factories.FakeService`, and the requests'
database session is the test's, rolled back at its end (shared.testing).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.config import Settings
from gateway.db import get_session
from gateway.identity import service as identity
from gateway.main import ALEMBIC_INI, create_app
from shared.settings import Environment
from shared.testing import (  # noqa: F401 (fixtures)
    ServiceUnderTest,
    database_url,
    engine,
    session,
)
from tests.factories import FakeService

SERVICES = ("reconsideration", "mediation", "enforcement")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    """What shared.testing's ``database_url`` (migrated once per session), ``engine`` and
    ``session`` fixtures need."""
    return ServiceUnderTest(
        name="gateway",
        alembic_ini=ALEMBIC_INI,
        create_app=create_app,
        settings=Settings,
        get_session=get_session,
    )


@pytest.fixture
def real_password_hash() -> None:
    """Ask for this to keep the production argon2 parameters in a test."""


@pytest.fixture(autouse=True)
def cheap_password_hash(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """argon2id at its lowest cost: tests check what is hashed and compared, not how long it
    takes (with the production cost every login of a test costs a third of a second)."""
    if "real_password_hash" in request.fixturenames:
        yield
        return
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
    monkeypatch.setattr(identity, "PASSWORD_HASH", cheap)
    identity._dummy_hash.cache_clear()
    yield
    identity._dummy_hash.cache_clear()


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def settings(database_url: str, keys_dir: Path) -> Settings:  # noqa: F811
    return Settings(
        environment=Environment.test,
        report_timeout_s=0.5,
        retry_after_s=7,
        database_url=database_url,
        keys_dir=keys_dir,
    )


@pytest.fixture
def upstreams() -> dict[str, FakeService]:
    """The three services' stand-ins by name; healthy unless a test swaps a handler."""
    return {name: FakeService(name) for name in SERVICES}


@pytest.fixture
async def app(
    settings: Settings,
    upstreams: dict[str, FakeService],
    session: AsyncSession,  # noqa: F811
) -> AsyncIterator[FastAPI]:
    app = create_app(
        settings,
        transports={
            name: httpx.MockTransport(fake) for name, fake in upstreams.items()
        },
    )

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as c:
        yield c
