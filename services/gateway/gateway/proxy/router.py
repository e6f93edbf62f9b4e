"""Routes ``/api/v1/{reconsideration,mediation,enforcement}/<path>`` to ``<service>/api/v1/<path>``.

:class:`RelayMiddleware` serves these requests as a plain ASGI app, before FastAPI's router:
the routes of :data:`router` (one per method and service, so every operation has its own
OpenAPI id) describe them in the OpenAPI document and answer only an app that has no relay
in front. Both call :func:`forward`, so they answer alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.proxy import service
from gateway.proxy.dependencies import (
    EnforcementUpstream,
    MediationUpstream,
    ReconsiderationUpstream,
)
from gateway.proxy.exceptions import (
    PathNotRoutable,
    RequestBodyIncomplete,
    UpstreamDown,
)
from gateway.reports.exceptions import UpstreamTimeout
from gateway.reports.schemas import UpstreamName
from gateway.upstream import API_PREFIX, UpstreamClient, upstreams_of
from shared.errors import ProblemError, problem_error_response, problem_responses

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

router = APIRouter(tags=["routing"])


async def forward(client: UpstreamClient, request: Request, path: str) -> Response:
    """The service's answer to ``request``, whose path below ``/api/v1/<service>/`` is
    ``path`` (decoded; the percent-encoded one is taken from the request when it has it).

    Raises PathNotRoutable (404), RequestBodyIncomplete (408), UpstreamDown (503),
    UpstreamTimeout (504)."""
    mount = f"{API_PREFIX}/{client.name}/"
    settings = request.app.state.settings
    upstream = await service.open_upstream(
        client,
        request,
        path=service.upstream_path(request, mount=mount, path=path),
        retry_after_s=settings.retry_after_s,
        deadline_s=settings.route_deadline_s,
    )
    return await service.relay(
        upstream,
        service=client.name,
        base_url=settings.upstream_url(client.name),
        retry_after_s=settings.retry_after_s,
    )


async def route_reconsideration(
    request: Request, path: str, client: ReconsiderationUpstream
) -> Response:
    """Streamed to the reconsideration service (行政复议 + 行政应诉) at `/api/v1/{path}`."""
    return await forward(client, request, path)


async def route_mediation(
    request: Request, path: str, client: MediationUpstream
) -> Response:
    """Streamed to the mediation service (人民调解) at `/api/v1/{path}`."""
    return await forward(client, request, path)


async def route_enforcement(
    request: Request, path: str, client: EnforcementUpstream
) -> Response:
    """Streamed to the enforcement supervision service (行政执法监督) at `/api/v1/{path}`."""
    return await forward(client, request, path)


_ROUTES: dict[UpstreamName, Callable[..., Awaitable[Response]]] = {
    UpstreamName.reconsideration: route_reconsideration,
    UpstreamName.mediation: route_mediation,
    UpstreamName.enforcement: route_enforcement,
}

for _name, _endpoint in _ROUTES.items():
    for _method in METHODS:
        router.add_api_route(
            f"/{_name}/{{path:path}}",
            _endpoint,
            methods=[_method],
            operation_id=f"route_{_name}_{_method.lower()}",
            summary=f"{_method} on the {_name} service",
            response_class=StreamingResponse,
            responses=problem_responses(
                PathNotRoutable,
                RequestBodyIncomplete,
                UpstreamDown,
                UpstreamTimeout,
                validation=False,
            ),
        )


#: ``/api/v1/<service>/`` of each service the gateway routes to.
_MOUNTS = {f"{API_PREFIX}/{name.value}/": name for name in UpstreamName}
_ROUTED_METHODS = frozenset(METHODS)


class RelayMiddleware:
    """Serves ``/api/v1/{reconsideration,mediation,enforcement}/…`` (any method of
    :data:`METHODS`) with :func:`forward` as a plain ASGI app, in front of FastAPI's
    router: FastAPI's routing, dependency resolution and response machinery around the
    relay were about a third of the gateway's CPU per routed call (577–654 → 350–416 µs,
    docs/performance.md). Problems it raises are answered here as problem+json, as the
    app's handlers would; any other request goes on to the app. Install it inside the
    request-id and unhandled-error middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _ROUTED_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        slash = path.find("/", len(API_PREFIX) + 1)
        name = _MOUNTS.get(path[: slash + 1]) if slash > 0 else None
        if name is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await forward(
                upstreams_of(request).client(name), request, path[slash + 1 :]
            )
        except ProblemError as exc:
            response = problem_error_response(exc)
        await response(scope, receive, send)
