"""Graceful shutdown: a request in flight when the server is told to stop (SIGTERM sets
``should_exit``, as here) finishes and commits; the server then stops accepting
connections and the lifespan closes the database."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.db import get_session
from shared.db import request_session
from shared.testing import ServiceUnderTest, migrate, throwaway_database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_a_request_in_flight_finishes_when_the_server_stops(
    service_under_test: ServiceUnderTest,
) -> None:
    with throwaway_database("mediation") as url:
        migrate(service_under_test.alembic_ini, url)
        app = service_under_test.app(url)
        in_flight = asyncio.Event()

        async def slow_session(request: Request) -> AsyncIterator[AsyncSession]:
            # The real session, entered only after the server has been told to stop.
            in_flight.set()
            await asyncio.sleep(0.5)
            async for session in request_session(request):
                yield session

        app.dependency_overrides[get_session] = slow_session
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                timeout_graceful_shutdown=10,
            )
        )
        serving = asyncio.create_task(server.serve())
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(
            base_url=base, headers=service_under_test.issuer.headers()
        ) as client:
            for _ in range(100):
                if server.started:
                    break
                await asyncio.sleep(0.05)
            request = asyncio.create_task(
                client.post(
                    "/api/v1/committees",
                    json={
                        "region_code": "421222",
                        "name": "隽水镇人民调解委员会",
                        "kind": "township",
                    },
                )
            )
            await asyncio.wait_for(in_flight.wait(), timeout=10)
            server.should_exit = True  # what uvicorn's SIGTERM handler does
            response = await asyncio.wait_for(request, timeout=10)
            assert response.status_code == 201, response.text
            await asyncio.wait_for(serving, timeout=10)
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient(base_url=base) as late:
                await late.get("/livez")
        # The committee was committed before the lifespan closed the engine.
        migrated_app = service_under_test.app(url)
        async with (
            migrated_app.router.lifespan_context(migrated_app),
            service_under_test.client(migrated_app) as reader,
        ):
            listed = await reader.get("/api/v1/committees")
            assert [c["name"] for c in listed.json()["items"]] == [
                "隽水镇人民调解委员会"
            ]
