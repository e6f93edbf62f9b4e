from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from gateway.reports.schemas import UpstreamName
from gateway.upstream import UpstreamClient, upstreams_of


def _client_of(name: UpstreamName) -> Callable[[Request], Awaitable[UpstreamClient]]:
    # async: a plain function would be run in the thread pool on every routed request.
    async def client(request: Request) -> UpstreamClient:
        # The proxy forwards the caller's headers itself, Authorization included.
        return upstreams_of(request).client(name)

    return client


ReconsiderationUpstream = Annotated[
    UpstreamClient, Depends(_client_of(UpstreamName.reconsideration))
]
MediationUpstream = Annotated[
    UpstreamClient, Depends(_client_of(UpstreamName.mediation))
]
EnforcementUpstream = Annotated[
    UpstreamClient, Depends(_client_of(UpstreamName.enforcement))
]
