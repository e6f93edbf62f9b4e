"""Typed clients of the services behind the gateway.

One long-lived ``httpx.AsyncClient`` per upstream (created in the app's lifespan by
:func:`open_upstreams`, closed on shutdown) holds that upstream's connection pool. The typed
clients (:class:`ReconsiderationClient`, :class:`MediationClient`, :class:`EnforcementClient`)
are light per-request views over it that forward the caller's bearer token and the request id
and map failures to problem errors naming the upstream:

- the service cannot be reached, the connection breaks, or it answers 5xx (or anything else
  unusable) → :class:`~gateway.reports.exceptions.UpstreamUnavailable` (502);
- it does not answer in time → :class:`~gateway.reports.exceptions.UpstreamTimeout` (504).

A connect timeout counts as "cannot be reached", not as a timeout: nothing was sent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, ClassVar

import httpx
from fastapi import Request
from pydantic import ValidationError

from gateway.config import Settings
from gateway.reports.exceptions import UpstreamTimeout, UpstreamUnavailable
from gateway.reports.schemas import UpstreamName, UpstreamStatistics
from shared.logging import current_request_id

API_PREFIX = "/api/v1"


class UpstreamClient:
    """Calls to one service, on behalf of one caller.

    ``authorization`` is the caller's ``Authorization`` header, forwarded unchanged; the
    request id of the request being served is forwarded as ``X-Request-ID``.
    """

    name: ClassVar[UpstreamName]

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        authorization: str | None = None,
        max_payload_bytes: int = 2_000_000,
    ) -> None:
        self.http = http
        self.authorization = authorization
        self.max_payload_bytes = max_payload_bytes

    def forwarded_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.authorization:
            headers["Authorization"] = self.authorization
        request_id = current_request_id()
        if request_id:
            headers["X-Request-ID"] = request_id
        return headers

    @asynccontextmanager
    async def _errors_mapped(self) -> AsyncIterator[None]:
        try:
            yield
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise UpstreamUnavailable(
                f"{self.name} is not reachable", upstream=self.name
            ) from exc
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(
                f"{self.name} did not answer in time", upstream=self.name
            ) from exc
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(
                f"{self.name} broke the connection ({type(exc).__name__})",
                upstream=self.name,
            ) from exc
        except httpx.RequestError as exc:
            # E.g. a body that does not decode as its Content-Encoding says.
            raise UpstreamUnavailable(
                f"{self.name} sent an unreadable answer ({type(exc).__name__})",
                upstream=self.name,
            ) from exc

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and return the response with its body not yet read (the caller
        closes it). Any status is returned as is. Raises UpstreamUnavailable, UpstreamTimeout."""
        async with self._errors_mapped():
            return await self.http.send(request, stream=True)

    async def get_json(
        self, path: str, *, params: Mapping[str, str | int] | None = None
    ) -> Any:
        """``GET <upstream>/api/v1<path>`` and its JSON body.

        Raises UpstreamUnavailable when the answer is not a 2xx, is larger than
        ``max_payload_bytes`` or is not JSON; UpstreamTimeout when it is too slow.
        """
        request = self.http.build_request(
            "GET",
            f"{API_PREFIX}{path}",
            params=params,
            headers=self.forwarded_headers(),
        )
        response = await self.send(request)
        try:
            if not response.is_success:
                raise UpstreamUnavailable(
                    f"{self.name} answered {response.status_code}", upstream=self.name
                )
            body = bytearray()
            async with self._errors_mapped():
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_payload_bytes:
                        raise UpstreamUnavailable(
                            f"{self.name} answered more than {self.max_payload_bytes} bytes",
                            upstream=self.name,
                        )
        finally:
            await response.aclose()
        try:
            return json.loads(body)
        except ValueError as exc:
            raise UpstreamUnavailable(
                f"{self.name} answered invalid JSON", upstream=self.name
            ) from exc

    async def statistics(self, region_code: str, year: int) -> UpstreamStatistics:
        """The service's figures for one county and calendar year (``GET /api/v1/statistics``).

        Raises UpstreamUnavailable (also when the payload is not a statistics payload of this
        service, county and year) and UpstreamTimeout.
        """
        body = await self.get_json(
            "/statistics", params={"region_code": region_code, "year": year}
        )
        try:
            stats = UpstreamStatistics.model_validate(body)
        except ValidationError as exc:
            raise UpstreamUnavailable(
                f"{self.name} answered an invalid statistics payload",
                upstream=self.name,
            ) from exc
        if (stats.service, stats.region_code, stats.year) != (
            self.name,
            region_code,
            year,
        ):
            raise UpstreamUnavailable(
                f"{self.name} answered statistics of {stats.service} {stats.region_code} {stats.year}",
                upstream=self.name,
            )
        return stats

    async def check_ready(self) -> None:
        """Raises UpstreamUnavailable or UpstreamTimeout unless the service's ``/readyz`` answers 2xx."""
        request = self.http.build_request(
            "GET", "/readyz", headers=self.forwarded_headers()
        )
        response = await self.send(request)
        await response.aclose()
        if not response.is_success:
            raise UpstreamUnavailable(
                f"{self.name} is not ready ({response.status_code})", upstream=self.name
            )


class ReconsiderationClient(UpstreamClient):
    """行政复议 + 行政应诉."""

    name = UpstreamName.reconsideration


class MediationClient(UpstreamClient):
    """人民调解."""

    name = UpstreamName.mediation


class EnforcementClient(UpstreamClient):
    """行政执法监督."""

    name = UpstreamName.enforcement


CLIENT_CLASSES: dict[UpstreamName, type[UpstreamClient]] = {
    c.name: c for c in (ReconsiderationClient, MediationClient, EnforcementClient)
}


@dataclass(frozen=True)
class Upstreams:
    """The long-lived HTTP client of every upstream; hands out typed clients per caller."""

    http: Mapping[UpstreamName, httpx.AsyncClient]
    max_payload_bytes: int

    def client(
        self, name: UpstreamName, *, authorization: str | None = None
    ) -> UpstreamClient:
        return CLIENT_CLASSES[name](
            self.http[name],
            authorization=authorization,
            max_payload_bytes=self.max_payload_bytes,
        )

    def clients(self, *, authorization: str | None = None) -> list[UpstreamClient]:
        """One typed client per upstream, in the order of :class:`UpstreamName`."""
        return [self.client(name, authorization=authorization) for name in UpstreamName]

    async def aclose(self) -> None:
        for http in self.http.values():
            await http.aclose()


def _no_cookies() -> CookieJar:
    # The clients are shared by every caller: a cookie one upstream answer sets must never
    # be sent along with another caller's request.
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def open_upstreams(
    settings: Settings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> Upstreams:
    """Create the HTTP client of every upstream with the configured timeouts and pool limits.

    ``transports`` replaces the network transport of the named upstreams (tests pass
    ``httpx.MockTransport`` handlers). Close the result with :meth:`Upstreams.aclose`.
    """
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.write_timeout_s,
        pool=settings.pool_timeout_s,
    )
    limits = httpx.Limits(
        max_connections=settings.max_connections,
        max_keepalive_connections=settings.max_keepalive_connections,
        keepalive_expiry=settings.keepalive_expiry_s,
    )
    unknown = set(transports or {}) - set(UpstreamName)
    if unknown:
        raise ValueError(f"no upstream called {', '.join(sorted(unknown))}")
    http = {
        name: httpx.AsyncClient(
            base_url=settings.upstream_url(name),
            timeout=timeout,
            limits=limits,
            transport=(transports or {}).get(name),
            # Upstream URLs come from settings only: no proxy variables, no .netrc.
            trust_env=False,
            follow_redirects=False,
            cookies=_no_cookies(),
        )
        for name in UpstreamName
    }
    return Upstreams(http=http, max_payload_bytes=settings.max_statistics_bytes)


def upstreams_of(request: Request) -> Upstreams:
    """The app's upstreams (set up by the lifespan)."""
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams
