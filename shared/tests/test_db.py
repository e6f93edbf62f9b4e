from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from shared.db import (
    Money,
    UTCDateTime,
    create_engine,
    open_database,
    read_only,
    sqlite_url,
)

DIALECT = sqlite.dialect()


class TestMoney:
    @pytest.mark.parametrize(
        ("yuan", "fen"), [("0", 0), ("1.5", 150), ("553680.00", 55368000), ("0.01", 1)]
    )
    def test_yuan_are_stored_as_integer_fen(self, yuan: str, fen: int) -> None:
        assert Money().process_bind_param(Decimal(yuan), DIALECT) == fen
        assert Money().process_result_value(fen, DIALECT) == Decimal(yuan).quantize(
            Decimal("0.01")
        )

    def test_fractions_of_a_fen_are_refused(self) -> None:
        with pytest.raises(ValueError, match="two decimals"):
            Money().process_bind_param(Decimal("1.005"), DIALECT)


class TestUTCDateTime:
    def test_naive_timestamps_are_refused(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            UTCDateTime().process_bind_param(dt.datetime(2023, 1, 1), DIALECT)  # noqa: DTZ001

    def test_values_come_back_in_utc(self) -> None:
        beijing = dt.timezone(dt.timedelta(hours=8))
        stored = UTCDateTime().process_bind_param(
            dt.datetime(2023, 1, 1, 8, tzinfo=beijing), DIALECT
        )
        assert stored == dt.datetime(2023, 1, 1, 0, tzinfo=dt.UTC)
        naive_from_sqlite = dt.datetime(2023, 1, 1)  # noqa: DTZ001
        assert UTCDateTime().process_result_value(
            naive_from_sqlite, DIALECT
        ) == dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def test_sqlite_url_creates_the_data_directory(tmp_path: object) -> None:
    from pathlib import Path

    data_dir = Path(str(tmp_path)) / "var" / "nested"
    url = sqlite_url(data_dir, "mediation")
    assert data_dir.is_dir()
    assert url == f"sqlite+aiosqlite:///{data_dir.resolve()}/mediation.sqlite3"


async def test_sqlite_runs_in_wal_with_a_busy_timeout_and_writers_queue(
    tmp_path: Path,
) -> None:
    """Two write transactions at once: the second waits for the first (BEGIN IMMEDIATE
    and the busy timeout) instead of failing with "database is locked" or deadlocking
    on a read lock upgraded to a write lock; readers are not blocked by the writer."""
    engine = create_engine(sqlite_url(tmp_path, "wal"))
    try:
        async with engine.begin() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 30000
            await conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
            await conn.exec_driver_sql("INSERT INTO t VALUES (0)")
        first_holds_lock = asyncio.Event()
        order: list[str] = []

        async def writer(name: str, hold: float) -> None:
            async with engine.begin() as conn:
                # Read, then write: the pattern that deadlocks with deferred BEGIN.
                n = (await conn.exec_driver_sql("SELECT n FROM t")).scalar()
                if name == "first":
                    first_holds_lock.set()
                await asyncio.sleep(hold)
                await conn.exec_driver_sql(f"UPDATE t SET n = {n + 1}")
                order.append(name)

        async def second() -> None:
            await first_holds_lock.wait()
            await writer("second", 0)

        async def reader() -> int:
            await first_holds_lock.wait()
            async with read_only(engine).connect() as conn:
                value: int = (
                    await conn.exec_driver_sql("SELECT n FROM t")
                ).scalar_one()
                order.append("reader")
                return value

        _, _, seen = await asyncio.gather(writer("first", 0.3), second(), reader())
        assert seen == 0  # the reader saw the last committed state, at once
        assert order == ["reader", "first", "second"]
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("SELECT n FROM t")).scalar() == 2
    finally:
        await engine.dispose()


async def test_sqlite_writes_share_one_connection_and_reads_do_not_wait(
    tmp_path: Path,
) -> None:
    """open_database on SQLite: 20 concurrent write transactions queue for the single
    writer connection (each is served, in turn, none waits in SQLite's busy handler) while a
    read runs on the pooled engine at once."""
    state = SimpleNamespace()
    async with open_database(state, sqlite_url(tmp_path, "writer")) as engine:
        assert state.sessionmaker.kw["bind"].pool.size() == 1
        assert state.sessionmaker.kw["bind"] is not engine
        async with engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        inside = 0
        most_inside = 0

        async def write(n: int) -> None:
            nonlocal inside, most_inside
            async with state.sessionmaker() as session:
                await session.execute(text(f"INSERT INTO t VALUES ({n})"))
                inside += 1
                most_inside = max(most_inside, inside)
                await asyncio.sleep(0.01)
                inside -= 1
                await session.commit()

        async def read() -> int:
            async with state.read_sessionmaker() as session:
                return int((await session.execute(text("SELECT 1"))).scalar_one())

        results = await asyncio.gather(*(write(n) for n in range(20)), read())
        assert results[-1] == 1
        assert most_inside == 1  # one write transaction at a time
        async with engine.connect() as conn:
            count = (await conn.exec_driver_sql("SELECT count(*) FROM t")).scalar()
        assert count == 20
