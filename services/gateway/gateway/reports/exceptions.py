"""Errors of calls to the services behind the gateway, each naming the upstream.

The typed clients of :mod:`gateway.upstream` raise them; a report catches them per source
(the report is then partial), other callers let them answer as problem+json.
"""

from __future__ import annotations

from shared.errors import ProblemError


class UpstreamError(ProblemError):
    """Base of the upstream errors: carries ``upstream``, the service's name, also in the body."""

    def __init__(self, detail: str, *, upstream: str) -> None:
        super().__init__(detail, upstream=upstream)
        self.upstream = upstream


class UpstreamUnavailable(UpstreamError):
    """The service could not be reached, failed (5xx), or answered something unusable."""

    status = 502
    type_slug = "upstream-unavailable"
    title = "Upstream service unavailable"


class UpstreamTimeout(UpstreamError):
    """The service did not answer in time."""

    status = 504
    type_slug = "upstream-timeout"
    title = "Upstream service timed out"
