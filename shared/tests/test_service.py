"""What every data service's app documents beyond its own routes (shared.service)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from shared.service import DataServiceSettings, create_data_service_app
from shared.settings import Environment


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
