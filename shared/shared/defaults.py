"""One call that gives a FastAPI app Fazhi's defaults."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from shared.errors import UnhandledErrorMiddleware, install_problem_handlers
from shared.guard import BodyLimitMiddleware
from shared.health import HealthCheck, health_router
from shared.logging import RequestIdMiddleware, configure_logging
from shared.settings import ServiceSettings


def install_service_defaults(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    service: str,
    checks: Mapping[str, HealthCheck] | None = None,
    max_body_bytes: int | None = None,
) -> None:
    """Install problem+json handlers, request-id logging, ``/livez`` + ``/readyz``, and
    when ``max_body_bytes`` is given a request-body limit (413)."""
    configure_logging(level=settings.log_level, json=settings.logs_as_json)
    install_problem_handlers(app)
    # Added first, so they run inside RequestIdMiddleware (the last added is the outermost).
    if max_body_bytes is not None:
        app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestIdMiddleware, service=service)
    app.include_router(health_router(checks))
