"""What every data service's app documents beyond its own routes (shared.service)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.routing import ServiceRoute
from shared.service import DataServiceSettings, create_data_service_app
from shared.settings import Environment
from shared.testing import TokenIssuer


class Settings(DataServiceSettings):
    service_name: ClassVar[str] = "things"


class Thing(BaseModel):
    name: str


router = APIRouter(prefix="/api/v1", route_class=ServiceRoute)


@router.get("/things")
async def list_things() -> list[Thing]:
    return []


@router.post("/things", status_code=201)
async def create_thing(thing: Thing) -> Thing:
    return thing


def _service_app(
    tmp_path: Path, api_router: APIRouter, issuer: TokenIssuer | None = None
) -> FastAPI:
    """A data service of ``api_router`` with an empty migrations folder."""
    (tmp_path / "migrations" / "versions").mkdir(parents=True, exist_ok=True)
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    jwks = json.dumps(issuer.jwks) if issuer else '{"keys": []}'
    return create_data_service_app(
        Settings(environment=Environment.test, jwks=jwks),
        title="t",
        description="t",
        api_router=api_router,
        alembic_ini=ini,
    )


def _client(app: FastAPI, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://t.test",
        headers=headers,
    )


@pytest.fixture
def openapi(tmp_path: Path) -> dict[str, Any]:
    return _service_app(tmp_path, router).openapi()


async def test_each_operation_checks_query_then_token_then_permission_then_body(
    tmp_path: Path,
) -> None:
    issuer = TokenIssuer()
    app = _service_app(tmp_path, router, issuer)
    reader = issuer.headers(scopes=["things:read"])
    writer = issuer.headers(scopes=["things:write"])
    async with _client(app) as client:
        # The query guard answers before the token is looked at.
        unknown = await client.get("/api/v1/things", params={"nmae": "x"})
        assert unknown.status_code == 400
        assert unknown.json()["errors"][0]["field"] == "nmae"
        anonymous = await client.get("/api/v1/things")
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        # A body that is not JSON: 401 without a token, before the body is judged.
        text = {"content-type": "text/plain"}
        anonymous_text = await client.post("/api/v1/things", content=b"x", headers=text)
        assert anonymous_text.status_code == 401
        read = await client.get("/api/v1/things", headers=reader)
        assert read.status_code == 200
        assert read.json() == []
        refused = await client.post(
            "/api/v1/things", json={"name": "x"}, headers=reader
        )
        assert refused.status_code == 403
        assert "'things:write'" in refused.json()["detail"]
        not_json = await client.post(
            "/api/v1/things", content=b"x", headers={**writer, **text}
        )
        assert not_json.status_code == 415
        nul = await client.post(
            "/api/v1/things", json={"name": "a\x00"}, headers=writer
        )
        assert nul.status_code == 422
        assert nul.json()["errors"][0]["field"] == "name"
        created = await client.post(
            "/api/v1/things", json={"name": "x"}, headers=writer
        )
        assert created.status_code == 201
        assert created.json() == {"name": "x"}
        me = await client.get("/api/v1/me", headers=reader)
        assert me.json()["scopes"] == ["things:read"]


def test_a_router_without_the_service_route_does_not_start(tmp_path: Path) -> None:
    unchecked = APIRouter(prefix="/api/v1")

    @unchecked.get("/open")
    async def open_to_all() -> None:
        return None

    with pytest.raises(RuntimeError, match=r"\['GET'\] /api/v1/open"):
        _service_app(tmp_path, unchecked)


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


faults = APIRouter(prefix="/api/v1", route_class=ServiceRoute)


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
    issuer = TokenIssuer()
    app = _service_app(tmp_path, faults, issuer)
    async with _client(app, **issuer.headers(scopes=["things:read"])) as client:
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
