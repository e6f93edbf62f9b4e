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
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

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
