"""The gateway: ``create_app`` and its lifespan.

Run with ``uvicorn gateway.main:create_app --factory`` after ``alembic upgrade head`` in
``services/gateway`` (its identity database).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI, Request

from gateway.api import api_router, root_router
from gateway.config import Settings
from gateway.identity.keys import KeyStore, OwnKeysVerifier
from gateway.proxy.router import RelayMiddleware
from gateway.reports.schemas import UpstreamName
from gateway.upstream import (
    Clock,
    Sleep,
    UpstreamsHealth,
    open_upstreams,
    upstreams_of,
)
from shared.db import database_check, open_database
from shared.defaults import install_service_defaults
from shared.health import HealthCheck
from shared.service import NO_TELEMETRY

SERVICE = "gateway"
ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def _ready(name: UpstreamName) -> HealthCheck:
    async def check(request: Request) -> None:
        await upstreams_of(request).client(name).check_ready()

    return check


#: Beside ``/livez`` and ``/readyz``, and like them public: which upstream fails (its name,
#: never a detail of its failure) is no secret, ``/readyz`` names it too.
upstreams_router = APIRouter(tags=["health"])


@upstreams_router.get("/upstreams", summary="The circuit breaker of each service")
async def read_upstreams(request: Request) -> UpstreamsHealth:
    """The state of each service's circuit breaker: `closed` (calls go through), `open`
    (calls fail fast, the service is not asked: routed requests answer 503 with
    `Retry-After`, a report lists the source as `error`) or `half_open` (the next call probes
    the service). Always 200; `/readyz` says whether every service is ready."""
    return upstreams_of(request).health()


def create_app(
    settings: Settings | None = None,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> FastAPI:
    """The gateway app. ``transports`` replaces the network transport of the named upstreams
    (tests pass ``httpx.MockTransport`` handlers); the lifespan still creates and closes the
    clients. ``clock`` is the circuit breakers' time and ``sleep`` what retries wait with
    (tests pass fakes).

    The lifespan also opens the identity database and loads the signing keys from
    ``keys_dir``, making the first key when there is none; it never creates a user."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        keys = KeyStore(
            settings.effective_keys_dir,
            publication_s=settings.key_publication_s,
            reload_s=settings.keys_reload_s,
        )
        await keys.start()
        app.state.signing_keys = keys
        # shared.auth's PrincipalDep verifies bearer tokens with app.state.token_verifier.
        app.state.token_verifier = OwnKeysVerifier(
            keys, issuer=settings.token_issuer, audience=settings.token_audience
        )
        upstreams = open_upstreams(
            settings, transports=transports, clock=clock, sleep=sleep
        )
        app.state.upstreams = upstreams
        try:
            async with open_database(app.state, settings.effective_database_url):
                yield
        finally:
            await upstreams.aclose()

    app = FastAPI(
        title="Fazhi gateway",
        version="1.0.0",
        lifespan=lifespan,
        telemetry=NO_TELEMETRY,
        description="Issues tokens (`/api/v1/auth/token`, keys at `/.well-known/jwks.json`), "
        "routes `/api/v1/{reconsideration,mediation,enforcement}/...` to the services and "
        "builds the reports that combine their statistics.",
    )
    app.state.settings = settings
    # Added before the defaults, so it runs inside their request-id and error middleware.
    app.add_middleware(RelayMiddleware)
    install_service_defaults(
        app,
        settings,
        service=SERVICE,
        checks={
            "database": database_check(ALEMBIC_INI),
            **{name: _ready(name) for name in UpstreamName},
        },
    )
    # httpx logs every request's full URL at INFO; query strings may carry personal data
    # (the access log leaves them out for the same reason).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app.include_router(api_router)
    app.include_router(root_router)
    app.include_router(upstreams_router)
    return app
