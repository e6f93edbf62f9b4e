"""The defaults every service installs, on a tiny app: problem+json everywhere, request ids, health."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from shared.defaults import install_service_defaults
from shared.errors import NotFound
from shared.settings import Environment, ServiceSettings

PROBLEM = "application/problem+json"


class Body(BaseModel):
    amount: int


class ThingNotFound(NotFound):
    type_slug = "thing-not-found"
    title = "Thing not found"


def make_app(*, ready: bool = True) -> FastAPI:
    app = FastAPI()

    async def database(_: Request) -> None:
        if not ready:
            raise RuntimeError("down")

    install_service_defaults(
        app,
        ServiceSettings(environment=Environment.test),
        service="t",
        checks={"database": database},
    )

    @app.post("/things")
    async def create(body: Body) -> dict[str, int]:
        return {"amount": body.amount}

    @app.get("/things")
    async def list_things() -> list[int]:
        return []

    @app.get("/things/{thing_id}")
    async def read(thing_id: int) -> dict[str, int]:
        raise ThingNotFound(f"No thing {thing_id}")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


class TestProblems:
    async def test_validation_error_names_the_field_and_does_not_echo_input(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/things", json={"amount": "13800138000x"})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["errors"] == [
            {
                "field": "amount",
                "location": "body",
                "message": body["errors"][0]["message"],
                "code": "int_parsing",
            }
        ]
        assert "13800138000" not in response.text

    async def test_domain_error_has_its_type_and_the_request_id(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            "/things/5", headers={"X-Request-ID": "req-12345678"}
        )
        assert response.status_code == 404
        assert response.json() == {
            "type": "urn:fazhi:problem:thing-not-found",
            "title": "Thing not found",
            "status": 404,
            "detail": "No thing 5",
            "instance": "urn:fazhi:request:req-12345678",
            "request_id": "req-12345678",
        }
        assert response.headers["x-request-id"] == "req-12345678"

    async def test_unknown_route_and_wrong_method_are_problems(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = await client.get("/nowhere")
        assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
        wrong = await client.delete("/things")
        assert (wrong.status_code, wrong.headers["content-type"]) == (405, PROBLEM)

    async def test_wrong_method_lists_every_method_of_the_path(
        self, client: httpx.AsyncClient
    ) -> None:
        # GET and POST /things are two routes; the router alone named only the first.
        response = await client.put("/things")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert (await client.post("/things/1")).headers["allow"] == "GET"

    async def test_unexpected_error_is_a_500_problem_without_internals(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/boom")
        assert response.status_code == 500
        assert response.headers["content-type"] == PROBLEM
        assert "secret internals" not in response.text
        assert response.json()["request_id"] == response.headers["x-request-id"]

    async def test_malformed_request_id_is_replaced(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            "/livez", headers={"X-Request-ID": "bad id\twith spaces"}
        )
        assert response.headers["x-request-id"] != "bad id\twith spaces"
        assert len(response.headers["x-request-id"]) == 32


class TestHealth:
    async def test_ready_and_live(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/livez")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json() == {
            "status": "ok",
            "checks": ["database"],
        }

    async def test_not_ready_names_the_failing_check(self) -> None:
        transport = httpx.ASGITransport(app=make_app(ready=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            response = await c.get("/readyz")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json()["failing_checks"] == ["database"]

    def test_readiness_documents_its_answers(self) -> None:
        responses = make_app().openapi()["paths"]["/readyz"]["get"]["responses"]
        assert set(responses) == {"200", "503"}
        assert PROBLEM in responses["503"]["content"]


class TestSettings:
    def test_production_refuses_placeholder_secrets(self) -> None:
        with pytest.raises(ValueError, match="cursor_secret"):
            ServiceSettings(environment=Environment.production)
