"""Routes ``/api/v1/{reconsideration,mediation,enforcement}/<path>`` to ``<service>/api/v1/<path>``.

One route per method and service, so every operation has its own OpenAPI id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from gateway.proxy import service
from gateway.proxy.dependencies import (
    EnforcementUpstream,
    MediationUpstream,
    ReconsiderationUpstream,
)
from gateway.proxy.exceptions import PathNotRoutable, UpstreamDown
from gateway.reports.exceptions import UpstreamTimeout
from gateway.reports.schemas import UpstreamName
from gateway.upstream import API_PREFIX, UpstreamClient
from shared.errors import problem_responses

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

router = APIRouter(tags=["routing"])


async def _forward(client: UpstreamClient, request: Request, path: str) -> Response:
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
    return await _forward(client, request, path)


async def route_mediation(
    request: Request, path: str, client: MediationUpstream
) -> Response:
    """Streamed to the mediation service (人民调解) at `/api/v1/{path}`."""
    return await _forward(client, request, path)


async def route_enforcement(
    request: Request, path: str, client: EnforcementUpstream
) -> Response:
    """Streamed to the enforcement supervision service (行政执法监督) at `/api/v1/{path}`."""
    return await _forward(client, request, path)


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
                PathNotRoutable, UpstreamDown, UpstreamTimeout, validation=False
            ),
        )
