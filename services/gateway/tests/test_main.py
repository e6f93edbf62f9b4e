"""The app as a whole: lifespan-owned clients, readiness, problem+json for unknown routes."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from gateway.config import Settings
from gateway.main import create_app
from tests.factories import FakeService, answer, refuse_connection

PROBLEM = "application/problem+json"


class TestLifespan:
    async def test_the_lifespan_opens_and_closes_one_client_per_upstream(
        self, settings: Settings
    ) -> None:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            http = app.state.upstreams.http
            assert set(http) == {"reconsideration", "mediation", "enforcement"}
            assert not any(c.is_closed for c in http.values())
            assert http["reconsideration"].timeout == httpx.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.read_timeout_s,
                write=settings.write_timeout_s,
                pool=settings.pool_timeout_s,
            )
        assert all(c.is_closed for c in http.values())


class TestReadiness:
    async def test_ready_when_every_service_is_ready(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == [
            "enforcement",
            "mediation",
            "reconsideration",
        ]
        assert [fake.last.url.path for fake in upstreams.values()] == ["/readyz"] * 3

    async def test_not_ready_names_the_service_that_is_not(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["mediation"].handler = refuse_connection
        upstreams["enforcement"].handler = answer(503)
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["failing_checks"] == ["mediation", "enforcement"]

    async def test_liveness_needs_no_upstream(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        for fake in upstreams.values():
            fake.handler = refuse_connection
        assert (await client.get("/livez")).status_code == 200


class TestUnknownRoutes:
    async def test_unknown_route_is_404_problem(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["instance"] == "/api/v1/nothing-here"

    async def test_unknown_service_is_404_not_routed(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.post("/api/v1/billing/invoices", json={})
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert all(not fake.requests for fake in upstreams.values())

    async def test_the_openapi_document_has_unique_operation_ids(
        self, app: FastAPI
    ) -> None:
        spec = app.openapi()
        ids = [
            op["operationId"] for path in spec["paths"].values() for op in path.values()
        ]
        assert len(ids) == len(set(ids))
        assert "route_mediation_post" in ids
