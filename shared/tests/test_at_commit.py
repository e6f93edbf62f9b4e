"""shared.at_commit: what a transaction owes is written once, last, and survives savepoints
that wrote it early and were rolled back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from shared.at_commit import WrittenAtCommit
from shared.db import create_engine, sqlite_url
from shared.testing import recorded_statements


def _write(session: Session, owed: int) -> None:
    session.connection().execute(
        text("UPDATE totals SET n = n + :owed WHERE id = 1"), {"owed": owed}
    )


AT_COMMIT: WrittenAtCommit[int] = WrittenAtCommit(
    "tests.at_commit", merge=lambda a, b: a + b, write=_write
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url(tmp_path, "at_commit"))
    async with engine.begin() as conn:
        await conn.exec_driver_sql(
            "CREATE TABLE totals (id INTEGER PRIMARY KEY, n INT)"
        )
        await conn.exec_driver_sql("INSERT INTO totals VALUES (1, 0)")
    yield engine
    await engine.dispose()


async def total(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.exec_driver_sql("SELECT n FROM totals")).scalar_one())


def owe(session: AsyncSession, amount: int) -> None:
    AT_COMMIT.owe(session.sync_session, amount)


@asynccontextmanager
async def owing(engine: AsyncEngine, amount: int) -> AsyncIterator[AsyncSession]:
    """A session whose transaction has begun and owes ``amount``."""
    async with AsyncSession(engine) as session:
        await session.execute(text("SELECT 1"))
        owe(session, amount)
        yield session


async def test_what_is_owed_is_written_once_as_the_last_statement(
    engine: AsyncEngine,
) -> None:
    async with AsyncSession(engine) as session:
        owe(session, 2)
        await session.execute(text("SELECT 1"))
        owe(session, 3)
        with recorded_statements() as statements:
            await session.commit()
    assert await total(engine) == 5
    writes = [s for s in statements if s.startswith("UPDATE totals")]
    assert len(writes) == 1
    assert statements[-1] == "COMMIT"
    assert statements[-2].startswith("UPDATE totals")


async def test_a_rolled_back_transaction_writes_nothing_and_owes_nothing(
    engine: AsyncEngine,
) -> None:
    async with owing(engine, 2) as session:
        await session.rollback()
        assert not AT_COMMIT.owes(session.sync_session)
        await session.execute(text("SELECT 1"))
        await session.commit()
    assert await total(engine) == 0


async def test_settled_in_a_rolled_back_savepoint_it_is_owed_again(
    engine: AsyncEngine,
) -> None:
    async with owing(engine, 2) as session:
        savepoint = await session.begin_nested()
        await AT_COMMIT.settle(session)
        assert not AT_COMMIT.owes(session.sync_session)
        await savepoint.rollback()
        assert AT_COMMIT.owes(session.sync_session)
        await session.commit()
    assert await total(engine) == 2


async def test_settled_in_a_savepoint_released_into_the_transaction_is_done(
    engine: AsyncEngine,
) -> None:
    async with owing(engine, 2) as session:
        savepoint = await session.begin_nested()
        await AT_COMMIT.settle(session)
        await savepoint.commit()
        owe(session, 1)
        await session.commit()
    assert await total(engine) == 3  # not 5: what the savepoint wrote is not owed again


async def test_released_into_a_savepoint_that_rolls_back_it_is_owed_again(
    engine: AsyncEngine,
) -> None:
    async with owing(engine, 2) as session:
        outer = await session.begin_nested()
        inner = await session.begin_nested()
        await AT_COMMIT.settle(session)
        await inner.commit()
        await outer.rollback()
        assert AT_COMMIT.owes(session.sync_session)
        await session.commit()
    assert await total(engine) == 2


async def test_owed_inside_a_savepoint_it_is_written_there_and_undone_with_it(
    engine: AsyncEngine,
) -> None:
    async with owing(engine, 2) as session:
        savepoint = await session.begin_nested()
        # Written at once, inside the savepoint (as a flush there owes it).
        await session.run_sync(AT_COMMIT.owe, 10)
        assert (await session.execute(text("SELECT n FROM totals"))).scalar_one() == 10
        await savepoint.rollback()
        savepoint = await session.begin_nested()
        await session.run_sync(AT_COMMIT.owe, 100)
        await savepoint.commit()
        await session.commit()
    assert await total(engine) == 102
