"""What every data service's app documents beyond its own routes (shared.service)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.service import DataServiceSettings, create_data_service_app
from shared.settings import Environment
from shared.testing import TokenIssuer


class Settings(DataServiceSettings):
    service_name: ClassVar[str] = "things"


class Thing(BaseModel):
    name: str


router = APIRouter(prefix="/api/v1")


@router.get("/things")
async def list_things() -> list[Thing]:
    return []


@router.post("/things", status_code=201)
async def create_thing(thing: Thing) -> Thing:
    return thing


@pytest.fixture
def openapi(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    app = create_data_service_app(
        Settings(environment=Environment.test, jwks='{"keys": []}'),
        title="t",
        description="t",
        api_router=router,
        alembic_ini=ini,
    )
    return app.openapi()


def test_every_operation_documents_the_guard_and_the_token(
    openapi: dict[str, Any],
) -> None:
    for operation in openapi["paths"]["/api/v1/things"].values():
        # Unknown query parameter; no or a bad token; a permission the token lacks; the
        # database busy.
        assert {"400", "401", "403", "422", "503"} <= set(operation["responses"])
        assert operation["security"] == [{"bearer": []}]
    assert openapi["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_only_operations_with_a_body_document_its_problems(
    openapi: dict[str, Any],
) -> None:
    paths = openapi["paths"]["/api/v1/things"]
    assert {"413", "415"} <= set(paths["post"]["responses"])
    assert not {"413", "415"} & set(paths["get"]["responses"])


def test_the_description_states_the_limits_and_conventions(
    openapi: dict[str, Any],
) -> None:
    description = openapi["info"]["description"]
    assert description.startswith("t\n\n**Limits.**")
    for fact in ("1048576 bytes", "cut to 200", "If-Match", "428", "412"):
        assert fact in description
    assert "Idempotency-Key" in description


faults = APIRouter(prefix="/api/v1")


@faults.get("/busy")
async def busy() -> None:
    raise OperationalError(
        "UPDATE t", {}, sqlite3.OperationalError("database is locked")
    )


class _LockNotAvailable(Exception):
    """What asyncpg raises when ``lock_timeout`` cuts a lock wait off."""

    sqlstate = "55P03"


@faults.get("/lock-wait")
async def lock_wait() -> None:
    raise DBAPIError("UPDATE t", {}, _LockNotAvailable("canceling statement"))


@faults.get("/broken")
async def broken() -> None:
    raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: t"))


async def test_a_busy_database_or_row_is_503_and_a_missing_table_500(
    tmp_path: Path,
) -> None:
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    issuer = TokenIssuer()
    app = create_data_service_app(
        Settings(environment=Environment.test, jwks=json.dumps(issuer.jwks)),
        title="t",
        description="t",
        api_router=faults,
        alembic_ini=ini,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://t.test",
        headers=issuer.headers(scopes=["things:read"]),
    ) as client:
        busy = await client.get("/api/v1/busy")
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["type"] == "urn:fazhi:problem:database-unavailable"
        waited = await client.get("/api/v1/lock-wait")
        assert waited.status_code == 503
        assert waited.headers["retry-after"] == "1"
        assert waited.json()["type"] == "urn:fazhi:problem:database-unavailable"
        broken = await client.get("/api/v1/broken")
        assert broken.status_code == 500
        assert broken.json()["type"] == "urn:fazhi:problem:internal-error"
        assert "no such table" not in broken.text
