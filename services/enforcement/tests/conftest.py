from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from enforcement.config import Settings
from enforcement.db import get_session
from enforcement.main import create_app
from shared.db import create_engine, install_database
from shared.testing import migrate, rolled_back_session, throwaway_database

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with throwaway_database("enforcement") as url:
        migrate(ALEMBIC_INI, url)
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with rolled_back_session(engine) as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url)


@pytest.fixture
async def client(
    settings: Settings, engine: AsyncEngine, session: AsyncSession
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app; its requests share the test's rolled-back session."""
    app = create_app(settings)
    install_database(app.state, engine)

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://enforcement.test"
    ) as c:
        yield c


@pytest.fixture
def client_with(
    database_url: str, engine: AsyncEngine, session: AsyncSession
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """Like ``client``, for an app built with other settings: ``client_with(rectification_days=15)``."""

    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(
            Settings(environment="test", database_url=database_url, **overrides)
        )
        install_database(app.state, engine)

        async def test_session() -> AsyncIterator[AsyncSession]:
            yield session

        app.dependency_overrides[get_session] = test_session
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://enforcement.test"
        ) as c:
            yield c

    return make


@pytest.fixture
async def committing_client(
    settings: Settings, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with its own sessions: requests really commit or roll back.

    Tests using it must leave no rows behind (use it for requests that fail).
    """
    app = create_app(settings)
    install_database(app.state, engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://enforcement.test",
    ) as c:
        yield c


@pytest.fixture
async def isolated_client() -> AsyncIterator[httpx.AsyncClient]:
    """The real app, lifespan and all, on a database of its own: requests commit for real
    and may run concurrently. Slower; for whole-sample and concurrency tests."""
    with throwaway_database("enforcement") as url:
        migrate(ALEMBIC_INI, url)
        app = create_app(Settings(environment="test", database_url=url))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://enforcement.test",
            ) as c,
        ):
            yield c
