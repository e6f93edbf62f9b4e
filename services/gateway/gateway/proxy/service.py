"""Routing: stream a request to a service and its answer back, unchanged but for the hop.

What changes on the way: hop-by-hop headers (RFC 9110 §7.6.1, plus the ones a ``Connection``
header names) are dropped in both directions; the request carries the gateway's request id as
``X-Request-ID``; an upstream ``Location`` under ``/api/v1/`` is rewritten to the gateway's
``/api/v1/<service>/``; ``X-Forwarded-For`` is the address the gateway saw (the caller's own
is dropped). The caller's ``Authorization`` header is forwarded as is. Request bodies are
streamed; an answer is streamed too, unless it is short (a Content-Length of at most
64 KiB), when it is read whole and sent in one piece.

Resilience (``gateway.upstream``): the wait for the service's answer is bounded by the
request's deadline; a GET or HEAD without a body is retried once (setting ``retries``) when
the service could not be reached, broke the connection or timed out before answering, any
other method is sent once. A service that cannot be reached, or whose circuit breaker is
open (then it is not called at all), answers 503 with ``Retry-After``. A request body the
caller breaks off, or is still sending when the deadline passes, answers 408 and is not
held against the service (:class:`CallerBody`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from urllib.parse import quote, unquote

import aiohttp
import httpx
import structlog
from fastapi import Request
from starlette.requests import ClientDisconnect
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from gateway.proxy.exceptions import (
    PathNotRoutable,
    RequestBodyIncomplete,
    UpstreamDown,
)
from gateway.reports.exceptions import (
    UpstreamCircuitOpen,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.upstream import API_PREFIX, CallerFailed, UpstreamClient
from shared.logging import current_request_id

logger = structlog.get_logger(__name__)

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
#: Request headers set for the upstream hop (host, the client address) or answered by the
#: gateway itself (expect). A caller's own X-Forwarded-For is dropped: the services record
#: the address the gateway saw, which a caller cannot choose.
_NOT_FORWARDED = frozenset(
    {"host", "expect", "x-request-id", "x-forwarded-for", "forwarded", "x-real-ip"}
)
#: Methods the gateway may send again after a transient failure (RFC 9110 safe methods; a
#: request with a body is never sent again, its body was streamed).
RETRIED_METHODS = frozenset({"GET", "HEAD"})
#: Response headers the gateway's own server and middleware set (they would appear twice).
_NOT_RETURNED = frozenset({"date", "server", "x-request-id"})


def _connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> set[str]:
    tokens: set[str] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(
                t.strip().lower()
                for t in value.decode("latin-1").split(",")
                if t.strip()
            )
    return tokens


def _filtered(
    headers: list[tuple[bytes, bytes]], dropped: frozenset[str]
) -> list[tuple[bytes, bytes]]:
    drop = HOP_BY_HOP | dropped | _connection_tokens(headers)
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() not in drop]


def upstream_path(request: Request, *, mount: str, path: str) -> str:
    """The path below ``/api/v1/`` of the service, still percent-encoded as the caller sent it.

    Raises PathNotRoutable for ``.`` and ``..`` segments.
    """
    raw = request.scope.get("raw_path")
    rest = None
    if raw:
        raw_path = raw.decode("latin-1")
        if raw_path.startswith(mount):
            rest = raw_path[len(mount) :]
    if rest is None:
        rest = quote(path)
    if any(unquote(segment) in (".", "..") for segment in rest.split("/")):
        raise PathNotRoutable(
            "No resource at this path; /api/v1/<service>/… routes to reconsideration, "
            "mediation or enforcement"
        )
    return rest


class CallerBody:
    """The caller's request body, streamed to the service as it arrives, and whether the
    caller is to blame for a call that failed: its body broke off (the caller went away),
    or the deadline passed while the gateway was still waiting for the caller's next
    bytes. Such failures are not the service's, so its circuit breaker must not count
    them (a caller who aborts a few uploads would otherwise cut the service off for
    everyone)."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self.broken = False
        self.waiting = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._request.stream().__aiter__()
        while True:
            # Still true if the wait is cut off (the deadline cancels it).
            self.waiting = True
            try:
                chunk = await stream.__anext__()
            except StopAsyncIteration:
                self.waiting = False
                return
            except ClientDisconnect:
                self.broken = True
                raise
            self.waiting = False
            yield chunk

    def at_fault(self, exc: BaseException) -> bool:
        """Whether the call's failure ``exc`` is the caller's."""
        return self.broken or (
            self.waiting and isinstance(exc, TimeoutError | UpstreamTimeout)
        )


async def open_upstream(
    client: UpstreamClient,
    request: Request,
    *,
    path: str,
    retry_after_s: int,
    deadline_s: float,
) -> httpx.Response:
    """Send the caller's request to ``<upstream>/api/v1/<path>?<query>`` with its body streamed,
    and return the upstream's answer unread. A GET or HEAD without a body is retried after a
    transient failure; the answer must start within ``deadline_s`` seconds, retries included.

    Raises UpstreamDown (503, ``Retry-After``) when the service cannot be reached
    (``retry_after_s``) or its circuit breaker is open (the time left of its cool-down),
    UpstreamTimeout (504) when it does not answer in time, RequestBodyIncomplete (408,
    not counted by the service's breaker) when the caller's body broke off or was still
    arriving at the deadline (:class:`CallerBody`)."""
    raw_headers = list(request.headers.raw)
    headers = _filtered(raw_headers, _NOT_FORWARDED)
    request_id = current_request_id()
    if request_id:
        headers.append((b"x-request-id", request_id.encode("latin-1")))
    if request.client is not None:
        headers.append((b"x-forwarded-for", request.client.host.encode("latin-1")))
    has_body = any(
        k.lower() in (b"content-length", b"transfer-encoding") for k, _ in raw_headers
    )
    url = f"{API_PREFIX}/{path}"
    query = request.scope.get("query_string", b"")
    if query:
        url += "?" + query.decode("latin-1")
    body = CallerBody(request) if has_body else None
    upstream_request = client.http.build_request(
        request.method, url, headers=headers, content=body
    )
    # The client's default Accept-Encoding would make the upstream compress an answer the
    # caller did not ask to be compressed (the body is relayed as raw bytes).
    if not any(k.lower() == b"accept-encoding" for k, _ in raw_headers):
        upstream_request.headers.pop("accept-encoding", None)
    deadline = asyncio.get_running_loop().time() + deadline_s
    retry = request.method in RETRIED_METHODS and not has_body
    try:
        return await client.send(
            upstream_request,
            deadline=deadline,
            retry=retry,
            caller_at_fault=body.at_fault if body is not None else None,
        )
    except CallerFailed as exc:
        raise RequestBodyIncomplete(
            "The request body broke off or did not arrive in time; send it again."
        ) from exc
    except UpstreamCircuitOpen as exc:
        raise UpstreamDown(
            f"The {client.name} service is unavailable; retry later.",
            upstream=client.name,
            retry_after_s=exc.retry_after_s,
        ) from exc
    except UpstreamUnavailable as exc:
        raise UpstreamDown(
            f"The {client.name} service cannot be reached; retry later.",
            upstream=client.name,
            retry_after_s=retry_after_s,
        ) from exc


def _rewrite_location(value: str, *, service: str, base_url: str) -> str:
    for prefix in (f"{API_PREFIX}/", f"{base_url}{API_PREFIX}/"):
        if value.startswith(prefix):
            return f"{API_PREFIX}/{service}/{value[len(prefix) :]}"
    return value


class RelayedResponse(StreamingResponse):
    """A streamed upstream answer whose upstream connection is released however the
    relay ends (finished, client gone, error). When the service breaks it off after the
    caller has its start, nothing more can be said to the caller: the answer is left
    unfinished, so the server closes the connection and the caller sees it cut off
    (never complete), and ``relay_broken`` is logged as a warning naming the service."""

    def __init__(
        self,
        upstream: httpx.Response,
        headers: list[tuple[bytes, bytes]],
        *,
        service: str,
    ) -> None:
        super().__init__(upstream.aiter_raw(), status_code=upstream.status_code)
        self.upstream = upstream
        self.service = service
        # Raw header list: keeps repeated headers (Set-Cookie, Link) and the upstream's
        # Content-Length, which stays right because the raw bytes are relayed.
        self.raw_headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except* (httpx.HTTPError, aiohttp.ClientError) as broken:
            logger.warning(
                "relay_broken",
                upstream=self.service,
                error=type(broken.exceptions[0]).__name__,
            )
        finally:
            await self.upstream.aclose()


#: Answers with a Content-Length up to this many bytes are read whole and sent in one
#: piece; longer ones, and those without a length, are streamed.
WHOLE_ANSWER_BYTES = 64 * 1024


class WholeResponse(Response):
    """An upstream answer read whole: its raw header list kept as it came."""

    def __init__(
        self, status_code: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        super().__init__(body, status_code=status_code)
        self.raw_headers = headers


async def relay(
    upstream: httpx.Response, *, service: str, base_url: str, retry_after_s: int
) -> RelayedResponse | WholeResponse:
    """The upstream's answer for the caller: same status, headers (but hop-by-hop ones)
    and raw body bytes (still compressed if the upstream compressed them). A short answer
    (Content-Length up to :data:`WHOLE_ANSWER_BYTES`) is read whole and sent in one
    piece, which costs the gateway less than a stream (Starlette streams with a task
    group per answer); any other is streamed.

    Raises UpstreamDown (503 with ``retry_after_s``) when the service breaks the
    connection while a short answer is read (nothing was sent to the caller yet)."""
    headers = []
    for name, value in _filtered(list(upstream.headers.raw), _NOT_RETURNED):
        if name.lower() == b"location":
            value = _rewrite_location(
                value.decode("latin-1"), service=service, base_url=base_url
            ).encode("latin-1")
        headers.append((name.lower(), value))
    length = upstream.headers.get("content-length", "")
    if length.isdigit() and int(length) <= WHOLE_ANSWER_BYTES:
        try:
            body = b"".join([chunk async for chunk in upstream.aiter_raw()])
        except httpx.HTTPError as exc:
            raise UpstreamDown(
                f"The {service} service broke the connection; retry later.",
                upstream=service,
                retry_after_s=retry_after_s,
            ) from exc
        finally:
            await upstream.aclose()
        return WholeResponse(upstream.status_code, headers, body)
    return RelayedResponse(upstream, headers, service=service)
