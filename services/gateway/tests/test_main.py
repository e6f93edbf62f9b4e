"""The app as a whole: lifespan-owned clients, readiness, problem+json for unknown routes."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.config import Settings
from gateway.identity.models import Client, User
from gateway.main import create_app
from shared.settings import Environment
from shared.testing import throwaway_database
from tests.factories import FakeService, answer, refuse_connection

PROBLEM = "application/problem+json"


def key_files(directory: Path) -> list[Path]:
    return sorted(directory.iterdir()) if directory.exists() else []


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

    async def test_the_lifespan_opens_the_database_and_makes_a_signing_key(
        self, settings: Settings, keys_dir: Path, session: AsyncSession
    ) -> None:
        assert key_files(keys_dir) == []
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            engine = app.state.engine
            assert str(engine.url) == settings.database_url
            assert len(key_files(keys_dir)) == 1
        # No default user or client, ever.
        for table in (User, Client):
            count = await session.scalar(select(func.count()).select_from(table))
            assert count == 0


class TestReadiness:
    async def test_ready_when_every_service_is_ready(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == [
            "database",
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

    async def test_not_ready_when_the_database_is_not_migrated(
        self,
        upstreams: dict[str, FakeService],
        keys_dir: Path,
    ) -> None:
        with throwaway_database("gateway") as url:
            app = create_app(
                Settings(
                    environment=Environment.test, database_url=url, keys_dir=keys_dir
                ),
                transports={n: httpx.MockTransport(f) for n, f in upstreams.items()},
            )
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://gw.test"
                ) as client,
            ):
                response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing_checks"] == ["database"]

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
        body = response.json()
        assert body["instance"] == f"urn:fazhi:request:{body['request_id']}"
        assert "nothing-here" not in response.text

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
