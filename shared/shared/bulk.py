"""Bulk loading for the services' own bulk paths (``<service>.bulk``): rows in batches,
each written in the session's transaction by one COPY on PostgreSQL or one executemany
elsewhere."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import fen_to_yuan


def batches(
    rows: Iterator[tuple[Any, ...]], size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """``rows`` in lists of at most ``size``."""
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def insert_rows(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    money_columns: Collection[str] = (),
) -> None:
    """Insert raw rows in their stored forms (money in fen, in ``money_columns``) in the
    session's transaction: one COPY on PostgreSQL, one executemany elsewhere (where money
    goes back to yuan for the column type)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        if not driver.is_in_transaction():
            # SQLAlchemy's asyncpg adapter begins its transaction on the first
            # statement: begin it, so that the COPY is part of the session's transaction.
            await connection.execute(select(1))
        await driver.copy_records_to_table(
            table.name, records=rows, columns=list(columns)
        )
        return
    money = [i for i, name in enumerate(columns) if name in money_columns]
    params = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for i in money:
            if row[i] is not None:
                values[columns[i]] = fen_to_yuan(row[i])
        params.append(values)
    await session.execute(insert(table), params)
