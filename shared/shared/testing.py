"""Test helpers for the data services: a migrated database per test session
(SQLite always; PostgreSQL when ``FAZHI_TEST_POSTGRES_URL`` is set) and a
session per test inside an outer transaction that is rolled back.

The endpoint's ``commit()`` only releases a savepoint
(``join_transaction_mode="create_savepoint"``), so every test starts from the
migrated, empty schema.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from shared.db import create_engine, install_database
from shared.service import DataServiceSettings

POSTGRES_ENV = "FAZHI_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server tests may create throwaway databases on, if any."""
    return os.environ.get(POSTGRES_ENV) or None


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


def _in_thread(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine in a fresh loop on its own thread (safe inside a running loop)."""
    _in_thread_sync(lambda: asyncio.run(coro_factory()))


@contextmanager
def throwaway_database(service: str, *, backend: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database that is removed afterwards.

    ``backend`` is ``"sqlite"`` or ``"postgresql"``; by default PostgreSQL when
    ``FAZHI_TEST_POSTGRES_URL`` is set, else SQLite.
    """
    admin = postgres_admin_url()
    backend = backend or ("postgresql" if admin else "sqlite")
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"fazhi-{service}-") as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / f'{service}.sqlite3'}"
        return
    if not admin:
        raise RuntimeError(f"{POSTGRES_ENV} is not set")
    name = f"fazhi_test_{service}_{uuid.uuid4().hex[:10]}"
    _in_thread(lambda: _admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        _in_thread(
            lambda: _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )


def migrate(alembic_ini: Path, url: str, revision: str = "head") -> None:
    """``alembic upgrade <revision>`` against ``url`` (in its own thread and loop)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(alembic_ini))
    config.attributes["database_url"] = url
    _in_thread_sync(lambda: command.upgrade(config, revision))


def _in_thread_sync(fn: Callable[[], object]) -> None:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@asynccontextmanager
async def rolled_back_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(
            bind=conn,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )
        try:
            yield session
        finally:
            await session.close()
            if outer.is_active:
                await outer.rollback()


# --- Fixtures every data service's tests use -------------------------------------------
#
# A service's tests/conftest.py defines a session-scoped ``service_under_test`` fixture
# returning a ServiceUnderTest and imports the fixtures below by name.


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    alembic_ini: Path
    create_app: Callable[..., FastAPI]
    settings: Callable[..., DataServiceSettings]
    get_session: Callable[..., AsyncIterator[AsyncSession]]

    def app(self, database_url: str, **overrides: Any) -> FastAPI:
        return self.create_app(
            self.settings(environment="test", database_url=database_url, **overrides)
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.name}.test"


@pytest.fixture(scope="session")
def database_url(service_under_test: ServiceUnderTest) -> Iterator[str]:
    """A database migrated once for the whole test session (PostgreSQL when
    FAZHI_TEST_POSTGRES_URL is set, else SQLite)."""
    with throwaway_database(service_under_test.name) as url:
        migrate(service_under_test.alembic_ini, url)
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
def client_with(
    service_under_test: ServiceUnderTest,
    database_url: str,
    engine: AsyncEngine,
    session: AsyncSession,
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with client_with(setting=value) as client``: the real app built with those
    settings; its requests share the test's rolled-back session."""

    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = service_under_test.app(database_url, **overrides)
        install_database(app.state, engine)

        async def test_session() -> AsyncIterator[AsyncSession]:
            yield session

        app.dependency_overrides[service_under_test.get_session] = test_session
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url=service_under_test.base_url
        ) as c:
            yield c

    return make


@pytest.fixture
async def client(
    client_with: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app; its requests share the test's rolled-back session."""
    async with client_with() as c:
        yield c


@pytest.fixture
async def committing_client(
    service_under_test: ServiceUnderTest, database_url: str, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with its own sessions: requests really commit or roll back.

    Tests using it must leave no rows behind (use it for requests that fail).
    """
    app = service_under_test.app(database_url)
    install_database(app.state, engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url=service_under_test.base_url
    ) as c:
        yield c


@pytest.fixture
async def isolated_client(
    service_under_test: ServiceUnderTest,
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app, lifespan and all, on a database of its own: requests commit for real
    and may run concurrently. Slower; for whole-sample and concurrency tests."""
    with throwaway_database(service_under_test.name) as url:
        migrate(service_under_test.alembic_ini, url)
        app = service_under_test.app(url)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=transport, base_url=service_under_test.base_url
            ) as c,
        ):
            yield c
