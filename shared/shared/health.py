"""Liveness and readiness endpoints.

``/livez`` answers 200 as long as the process serves requests. ``/readyz``
runs named async checks (database reachable, migrations at head, ...) and
answers 503 problem+json naming the failing checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from shared.errors import ProblemError, problem_response, problem_responses

HealthCheck = Callable[[Request], Awaitable[None]]


class NotReady(ProblemError):
    """A check failed (``failing_checks`` names them); with ``Retry-After``."""

    status = 503
    type_slug = "service-unavailable"
    title = "Service unavailable"


_READY_SCHEMA = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"type": "string", "enum": ["ok"]},
        "checks": {"type": "array", "items": {"type": "string"}},
    },
}


def health_router(
    checks: Mapping[str, HealthCheck] | None = None, *, timeout_s: float = 2.0
) -> APIRouter:
    router = APIRouter(tags=["health"])
    named = dict(checks or {})

    @router.get("/livez", summary="Liveness: the process answers")
    async def livez() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: every dependency answers",
        response_model=None,
        responses={
            200: {
                "description": "Every check passed; `checks` names them.",
                "content": {"application/json": {"schema": _READY_SCHEMA}},
            },
            **problem_responses(NotReady, validation=False),
        },
    )
    async def readyz(request: Request) -> JSONResponse | dict[str, object]:
        failing: list[str] = []
        for name, check in named.items():
            try:
                await asyncio.wait_for(check(request), timeout=timeout_s)
            except Exception:
                failing.append(name)
        if failing:
            return problem_response(
                request,
                status=503,
                detail=f"Not ready: {', '.join(failing)}",
                headers={"Retry-After": "5"},
                failing_checks=failing,
            )
        return {"status": "ok", "checks": sorted(named)}

    return router
