"""The real gateway app whose upstream clients use ``httpx.MockTransport`` handlers: no network.

The app's lifespan runs as in production (it creates and closes the upstream clients); only
the transport under each client is a :class:`~tests.factories.FakeService`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gateway.config import Settings
from gateway.main import create_app
from shared.settings import Environment
from tests.factories import FakeService

SERVICES = ("reconsideration", "mediation", "enforcement")


@pytest.fixture
def settings() -> Settings:
    return Settings(environment=Environment.test, report_timeout_s=0.5, retry_after_s=7)


@pytest.fixture
def upstreams() -> dict[str, FakeService]:
    """The three services' stand-ins by name; healthy unless a test swaps a handler."""
    return {name: FakeService(name) for name in SERVICES}


@pytest.fixture
async def app(
    settings: Settings, upstreams: dict[str, FakeService]
) -> AsyncIterator[FastAPI]:
    app = create_app(
        settings,
        transports={
            name: httpx.MockTransport(fake) for name, fake in upstreams.items()
        },
    )
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    ) as c:
        yield c
