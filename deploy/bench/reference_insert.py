"""The same-machine reference of G4 in ``make bench``: a raw insert of the dispute row the
create-dispute endpoint writes, with nothing else (docs/performance.md).

``POST /disputes`` reads the JSON body the benchmark sends to the mediation service's
``POST /api/v1/disputes`` and inserts one row into ``disputes`` with one asyncpg
``INSERT … RETURNING id`` on a pool of ``BENCH_INSERT_POOL`` connections (default 15,
the size of the service's SQLAlchemy pool: 5 + 10 overflow), autocommit. No validation,
no case-number counter, no parties or their encryption, no audit, no idempotency key, no
rollups, no ORM: the floor of what a create costs on this machine's PostgreSQL.

Settings from the environment: ``BENCH_INSERT_DSN`` (asyncpg DSN of the mediation
database, migrated), ``BENCH_INSERT_REGION_CODE`` (the county of the committee in the
body; the service takes it from the committee), ``BENCH_INSERT_POOL``.

Served by the same uvicorn command as the services:
``uvicorn reference_insert:app --app-dir deploy/bench``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import asyncpg  # type: ignore[import-untyped]
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TIME_LIMIT_DAYS = 30
INSERT = """
INSERT INTO disputes (
    id, created_at, updated_at, version, case_number, region_code, township_code,
    committee_id, dispute_type, source, mode, summary, amount_involved, cost_saved,
    registered_on, time_limit_due_on, status
) VALUES ($1, $2, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'registered')
RETURNING id
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("BENCH_INSERT_POOL", "15"))
    pool = await asyncpg.create_pool(
        os.environ["BENCH_INSERT_DSN"], min_size=size, max_size=size
    )
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(lifespan=lifespan)
REGION_CODE = os.environ.get("BENCH_INSERT_REGION_CODE", "421222")


def _fen(yuan: str | None) -> int | None:
    return None if yuan is None else int(Decimal(yuan) * 100)


@app.post("/disputes", status_code=201)
async def insert_dispute(request: Request) -> JSONResponse:
    body = json.loads(await request.body())
    registered_on = dt.date.fromisoformat(body["registered_on"])
    dispute_id = uuid.uuid4()
    async with request.app.state.pool.acquire() as connection:
        row_id = await connection.fetchval(
            INSERT,
            dispute_id,
            dt.datetime.now(dt.UTC),
            f"REF-{dispute_id.hex}",
            REGION_CODE,
            body.get("township_code"),
            uuid.UUID(body["committee_id"]),
            body["dispute_type"],
            body["source"],
            body.get("mode", "on_site"),
            body["summary"],
            _fen(body.get("amount_involved")),
            _fen(body.get("cost_saved")),
            registered_on,
            registered_on + dt.timedelta(days=TIME_LIMIT_DAYS),
        )
    return JSONResponse({"id": str(row_id)}, status_code=201)
