"""Errors of calls to the services behind the gateway, each naming the upstream.

The typed clients of :mod:`gateway.upstream` raise them; a report catches them per source
(the report is then partial), other callers let them answer as problem+json.
"""

from __future__ import annotations

import math

from shared.errors import ProblemError


class UpstreamError(ProblemError):
    """Base of the upstream errors: carries ``upstream``, the service's name, also in the body."""

    def __init__(self, detail: str, *, upstream: str) -> None:
        super().__init__(detail, upstream=upstream)
        self.upstream = upstream


class UpstreamUnavailable(UpstreamError):
    """The service could not be reached, failed (5xx), or answered something unusable.

    ``transient`` is true when no usable answer came because the service is (perhaps
    briefly) away: it could not be reached, broke the connection, or answered 502, 503 or
    504. Only such failures count towards the upstream's circuit breaker and are worth
    retrying a safe request for; an answer the gateway cannot use (another 5xx, invalid
    JSON, a payload of the wrong shape) shows the service is up.
    """

    status = 502
    type_slug = "upstream-unavailable"
    title = "Upstream service unavailable"

    def __init__(self, detail: str, *, upstream: str, transient: bool = False) -> None:
        super().__init__(detail, upstream=upstream)
        self.transient = transient


class UpstreamCircuitOpen(UpstreamUnavailable):
    """The upstream's circuit breaker is open: the service failed repeatedly and was not
    asked. ``retry_after_s`` is when the breaker lets a call through again (whole seconds,
    at least 1)."""

    def __init__(self, detail: str, *, upstream: str, retry_after_s: float) -> None:
        super().__init__(detail, upstream=upstream)
        self.retry_after_s = max(1, math.ceil(retry_after_s))


class UpstreamTimeout(UpstreamError):
    """The service did not answer in time."""

    status = 504
    type_slug = "upstream-timeout"
    title = "Upstream service timed out"
