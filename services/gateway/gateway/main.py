"""The gateway: ``create_app`` and its lifespan.

Run with ``uvicorn gateway.main:create_app --factory``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request

from gateway.api import api_router
from gateway.config import Settings
from gateway.reports.schemas import UpstreamName
from gateway.upstream import open_upstreams, upstreams_of
from shared.defaults import install_service_defaults
from shared.health import HealthCheck

SERVICE = "gateway"


def _ready(name: UpstreamName) -> HealthCheck:
    async def check(request: Request) -> None:
        await upstreams_of(request).client(name).check_ready()

    return check


def create_app(
    settings: Settings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """The gateway app. ``transports`` replaces the network transport of the named upstreams
    (tests pass ``httpx.MockTransport`` handlers); the lifespan still creates and closes the
    clients."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upstreams = open_upstreams(settings, transports=transports)
        app.state.upstreams = upstreams
        try:
            yield
        finally:
            await upstreams.aclose()

    app = FastAPI(
        title="Fazhi gateway",
        version="1.0.0",
        lifespan=lifespan,
        description="Routes `/api/v1/{reconsideration,mediation,enforcement}/...` to the services "
        "and builds the reports that combine their statistics.",
    )
    app.state.settings = settings
    install_service_defaults(
        app,
        settings,
        service=SERVICE,
        checks={name: _ready(name) for name in UpstreamName},
    )
    # httpx logs every request's full URL at INFO; query strings may carry personal data
    # (the access log leaves them out for the same reason).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app.include_router(api_router)
    return app
