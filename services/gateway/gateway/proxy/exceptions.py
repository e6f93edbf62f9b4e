from __future__ import annotations

from shared.errors import NotFound, ProblemError


class UpstreamDown(ProblemError):
    """The service a request is routed to cannot be reached; the answer carries ``Retry-After``."""

    status = 503
    type_slug = "upstream-down"
    title = "Service temporarily unavailable"

    def __init__(self, detail: str, *, upstream: str, retry_after_s: int) -> None:
        super().__init__(detail, upstream=upstream)
        self.upstream = upstream
        self.headers["Retry-After"] = str(retry_after_s)


class PathNotRoutable(NotFound):
    """A routed path with ``.`` or ``..`` segments (it could leave the service's ``/api/v1``)."""

    type_slug = "path-not-routable"
    title = "Path not routable"


class RequestBodyIncomplete(ProblemError):
    """The caller's request body broke off, or was still arriving when the routed call's
    deadline passed (RFC 9110 §15.5.9, 408): the connection is closed after the answer."""

    status = 408
    type_slug = "request-body-incomplete"
    title = "Request body incomplete"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers["Connection"] = "close"
