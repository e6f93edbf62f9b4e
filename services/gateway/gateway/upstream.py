"""Typed clients of the services behind the gateway, with their resilience.

One long-lived ``httpx.AsyncClient`` per upstream (created in the app's lifespan by
:func:`open_upstreams`, closed on shutdown) holds that upstream's connection pool, with
explicit connect, read, write and pool timeouts: a slow service cannot starve the others'
connections. Each upstream also has a :class:`CircuitBreaker`, and safe calls a
:class:`RetryPolicy`. The typed clients (:class:`ReconsiderationClient`,
:class:`MediationClient`, :class:`EnforcementClient`) are light per-request views over them
that forward the caller's bearer token and the request id and map failures to problem errors
naming the upstream:

- the service cannot be reached, the connection breaks, or it answers 5xx (or anything else
  unusable) → :class:`~gateway.reports.exceptions.UpstreamUnavailable` (502);
- its circuit breaker is open, so it was not asked →
  :class:`~gateway.reports.exceptions.UpstreamCircuitOpen` (an UpstreamUnavailable);
- it does not answer in time (an httpx timeout, or the call's deadline passed) →
  :class:`~gateway.reports.exceptions.UpstreamTimeout` (504).

A connect timeout counts as "cannot be reached", not as a timeout: nothing was sent.

Every call may carry a deadline (an ``asyncio`` loop time): each attempt is cut off there,
and a retry is only started when its backoff ends before it. Only GET and HEAD requests
without a body are ever retried, and only after a transient failure (no answer, or 502, 503
or 504): a POST is sent once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from http.cookiejar import CookieJar
from typing import Any, ClassVar, TypeVar

import aiohttp
import httpx
import structlog
from fastapi import Request
from httpx_aiohttp import AiohttpTransport
from pydantic import BaseModel, Field, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random,
)
from tenacity.stop import stop_base

from gateway.config import Settings
from gateway.reports.exceptions import (
    UpstreamCircuitOpen,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.reports.schemas import UpstreamName, UpstreamStatistics
from shared.logging import current_request_id

API_PREFIX = "/api/v1"
#: Answers by which a service says it is (for now) unable to serve: transient failures.
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})

logger = structlog.get_logger(__name__)
T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


# --- circuit breaker -----------------------------------------------------------------------


class CircuitState(StrEnum):
    """``closed``: calls go through. ``open``: calls fail fast without reaching the service.
    ``half_open``: the cool-down is over; the next call is let through as a probe."""

    closed = "closed"
    open = "open"
    half_open = "half_open"


class CircuitOpenError(Exception):
    """The breaker refused a call; ``retry_after_s`` is the time left until it lets one through."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"circuit open for another {retry_after_s:.1f} s")
        self.retry_after_s = retry_after_s


class CircuitBreaker:
    """The circuit breaker of one upstream (Nygard, *Release It!*), for one event loop.

    - **closed**: calls go through. ``failure_threshold`` failures in a row, the first of
      them at most ``window_s`` seconds before the last, open the breaker; a success (or a
      failure streak older than the window) starts the count again.
    - **open**: every call fails fast (:class:`CircuitOpenError`) for ``cooldown_s`` seconds.
    - **half open**: after the cool-down one call at a time is let through as a probe (the
      others still fail fast). Its success closes the breaker; its failure opens it for
      another cool-down; a probe that ends without an outcome (cancelled) frees the slot.

    A caller asks :meth:`admit` before each call and reports how it ended with
    :meth:`succeeded`, :meth:`failed` or :meth:`abandoned`, passing on what :meth:`admit`
    returned. Outcomes of calls admitted before the breaker opened never reopen it, but a
    success of any call closes it (the service answered). Time is read from ``clock``
    (seconds, monotonic), which tests replace.
    """

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        window_s: float = 30.0,
        cooldown_s: float = 5.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or window_s <= 0 or cooldown_s <= 0:
            raise ValueError("a breaker needs a threshold ≥ 1 and positive durations")
        self.name = name
        self.failure_threshold = failure_threshold
        self.window_s = window_s
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._state = CircuitState.closed
        self._failures = 0
        self._streak_started_at = 0.0
        self._opened_at = 0.0
        self._opened_at_utc: dt.datetime | None = None
        self._probing = False

    @property
    def state(self) -> CircuitState:
        """The state as a caller would find it now (``open`` turns ``half_open`` when its
        cool-down is over, before any call asks)."""
        if self._state is CircuitState.open and self.retry_after_s() <= 0:
            return CircuitState.half_open
        return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures in a row (reset by a success); the probe's failure counts one more."""
        return self._failures

    @property
    def opened_at(self) -> dt.datetime | None:
        """When the breaker last opened (UTC), while it is not closed."""
        return None if self._state is CircuitState.closed else self._opened_at_utc

    def retry_after_s(self) -> float:
        """Seconds until an open breaker lets a probe through (0 unless open)."""
        if self._state is not CircuitState.open:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown_s - self.clock())

    def admit(self) -> bool:
        """Ask to make one call: returns whether it is the half-open probe.

        Raises CircuitOpenError while open, and while another call is the probe."""
        if self._state is CircuitState.open:
            left = self.retry_after_s()
            if left > 0:
                raise CircuitOpenError(left)
            self._state = CircuitState.half_open
            logger.info("circuit_half_open", upstream=self.name)
        if self._state is CircuitState.half_open:
            if self._probing:
                # The probe's outcome is not known yet; ask again in a moment.
                raise CircuitOpenError(min(1.0, self.cooldown_s))
            self._probing = True
            return True
        return False

    def succeeded(self, probe: bool) -> None:
        """The call got a usable answer: the service is up."""
        if self._state is not CircuitState.closed:
            logger.info("circuit_closed", upstream=self.name)
        self._state = CircuitState.closed
        self._failures = 0
        self._probing = False

    def failed(self, probe: bool) -> None:
        """The call failed in a way that says the service is away (no answer, timeout, 502–504)."""
        now = self.clock()
        if self._state is CircuitState.half_open:
            if probe:
                self._probing = False
                self._failures += 1
                self._open(now)
            return
        if self._state is CircuitState.open:
            return  # a call admitted before the breaker opened
        if self._failures == 0 or now - self._streak_started_at > self.window_s:
            self._failures = 0
            self._streak_started_at = now
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._open(now)

    def abandoned(self, probe: bool) -> None:
        """The call ended without an outcome (cancelled): it says nothing about the service."""
        if probe:
            self._probing = False

    def _open(self, now: float) -> None:
        self._state = CircuitState.open
        self._opened_at = now
        self._opened_at_utc = dt.datetime.now(dt.UTC)
        logger.warning(
            "circuit_opened",
            upstream=self.name,
            failures=self._failures,
            cooldown_s=self.cooldown_s,
        )


class UpstreamHealth(BaseModel):
    """One upstream's circuit breaker, as ``GET /upstreams`` shows it."""

    service: UpstreamName
    state: CircuitState = Field(
        description="`closed` (calls go through), `open` (calls fail fast with 503 or a "
        "failed report source, the service is not asked) or `half_open` (the next call "
        "probes the service). Extensible: tolerate new values."
    )
    consecutive_failures: int = Field(
        description="Failures in a row (no answer, timeout, 502–504); a success resets it."
    )
    opened_at: dt.datetime | None = Field(
        description="When the breaker last opened (RFC 3339); null while closed."
    )
    retry_after_s: int = Field(
        description="Seconds until an open breaker lets a probe through; 0 otherwise."
    )


class UpstreamsHealth(BaseModel):
    upstreams: list[UpstreamHealth]


def breaker_health(name: UpstreamName, breaker: CircuitBreaker) -> UpstreamHealth:
    left = breaker.retry_after_s()
    return UpstreamHealth(
        service=name,
        state=breaker.state,
        consecutive_failures=breaker.consecutive_failures,
        opened_at=breaker.opened_at,
        retry_after_s=math.ceil(left),
    )


# --- retries -------------------------------------------------------------------------------


def _worth_retrying(exc: BaseException) -> bool:
    if isinstance(exc, UpstreamCircuitOpen):
        return False
    if isinstance(exc, UpstreamUnavailable):
        return exc.transient
    return isinstance(exc, UpstreamTimeout)


def _log_retry(state: RetryCallState) -> None:
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    logger.info(
        "upstream_retry",
        upstream=getattr(exc, "upstream", None),
        attempt=state.attempt_number,
        wait_s=round(state.upcoming_sleep, 3),
        problem=getattr(exc, "detail", None),
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of safe calls (GET, HEAD) after a transient failure (tenacity).

    At most ``retries`` more attempts; before the n-th retry the caller waits
    ``backoff_s · 2ⁿ⁻¹`` seconds (at most ``backoff_max_s``) plus a random jitter of up to
    ``backoff_s``. With a deadline, a retry whose wait would end at or after it is not made
    (the last failure is raised). ``sleep`` is what waits (tests replace it).
    """

    retries: int = 1
    backoff_s: float = 0.1
    backoff_max_s: float = 1.0
    sleep: Sleep = field(default=asyncio.sleep)

    def retrying(self, *, deadline: float | None) -> AsyncRetrying:
        stop: stop_base = stop_after_attempt(self.retries + 1)
        if deadline is not None:
            left = deadline - asyncio.get_running_loop().time()
            stop = stop | stop_before_delay(max(0.0, left))
        return AsyncRetrying(
            stop=stop,
            wait=wait_exponential(multiplier=self.backoff_s, max=self.backoff_max_s)
            + wait_random(0, self.backoff_s),
            retry=retry_if_exception(_worth_retrying),
            sleep=self.sleep,
            before_sleep=_log_retry,
            reraise=True,
        )


# --- kept statistics -----------------------------------------------------------------------


class KeptStatistics:
    """The last statistics each service answered per (service, county, year), with their
    ``ETag``, at most ``size`` (least recently used first out). A later request sends the
    tag in ``If-None-Match``: a service whose figures have not changed answers 304 with no
    body and the kept figures are used, so an unchanged report is neither serialized by the
    services nor parsed here. The service checks the caller's token on every request,
    304 included: nothing kept is shown to a caller the service refuses."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[
            tuple[UpstreamName, str, int], tuple[str, UpstreamStatistics]
        ] = OrderedDict()

    def get(
        self, key: tuple[UpstreamName, str, int]
    ) -> tuple[str, UpstreamStatistics] | None:
        kept = self._entries.get(key)
        if kept is not None:
            self._entries.move_to_end(key)
        return kept

    def put(
        self, key: tuple[UpstreamName, str, int], tag: str, stats: UpstreamStatistics
    ) -> None:
        self._entries[key] = (tag, stats)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


# --- clients -------------------------------------------------------------------------------


class CallerFailed(Exception):
    """A call failed because of the caller it was made for, not the service (the request
    body the caller was streaming broke off, or was still arriving when the deadline
    passed): the service's circuit breaker does not count it."""

    def __init__(self, upstream: str) -> None:
        super().__init__(f"the caller's request to {upstream} did not arrive whole")
        self.upstream = upstream


@functools.lru_cache(maxsize=1024)
def _request_url(
    http: httpx.AsyncClient, path: str, query: tuple[tuple[str, str | int], ...]
) -> httpx.URL:
    """The absolute URL ``http`` builds for ``path`` and ``query``, kept for the next call
    of the same (a report asks each service for the same county and year again): parsing
    and merging it was a sixth of the gateway's CPU per report in a py-spy profile."""
    return http.build_request("GET", path, params=query).url


class UpstreamClient:
    """Calls to one service, on behalf of one caller.

    ``authorization`` is the caller's ``Authorization`` header, forwarded unchanged; the
    request id of the request being served is forwarded as ``X-Request-ID``. Without a
    ``breaker`` every call goes through; without a ``retry`` policy nothing is retried.
    """

    name: ClassVar[UpstreamName]

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        authorization: str | None = None,
        max_payload_bytes: int = 2_000_000,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        kept: KeptStatistics | None = None,
    ) -> None:
        self.http = http
        self.authorization = authorization
        self.max_payload_bytes = max_payload_bytes
        self.breaker = breaker
        self.retry = retry
        self.kept = kept

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
        except httpx.ConnectTimeout as exc:
            if isinstance(exc.__cause__, aiohttp.ServerDisconnectedError):
                # httpx-aiohttp reports a connection the service closed after the request
                # was sent as a connect timeout: it is a broken connection.
                raise UpstreamUnavailable(
                    f"{self.name} broke the connection (ServerDisconnectedError)",
                    upstream=self.name,
                    transient=True,
                ) from exc
            raise UpstreamUnavailable(
                f"{self.name} is not reachable", upstream=self.name, transient=True
            ) from exc
        except httpx.ConnectError as exc:
            raise UpstreamUnavailable(
                f"{self.name} is not reachable", upstream=self.name, transient=True
            ) from exc
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(
                f"{self.name} did not answer in time", upstream=self.name
            ) from exc
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(
                f"{self.name} broke the connection ({type(exc).__name__})",
                upstream=self.name,
                transient=True,
            ) from exc
        except (httpx.RequestError, aiohttp.ClientError) as exc:
            # E.g. a body that does not decode as its Content-Encoding says, or (aiohttp,
            # which httpx-aiohttp does not always translate) an answer that is no HTTP.
            raise UpstreamUnavailable(
                f"{self.name} sent an unreadable answer ({type(exc).__name__})",
                upstream=self.name,
            ) from exc

    async def _attempt(
        self,
        call: Callable[[], Awaitable[T]],
        *,
        deadline: float | None,
        unavailable: Callable[[T], bool] | None = None,
        caller_at_fault: Callable[[BaseException], bool] | None = None,
    ) -> T:
        """One call through the breaker, cut off at ``deadline``. ``unavailable`` tells a
        result that counts as a failure of the service although it is returned (a relayed
        503); ``caller_at_fault`` tells a failure that is the caller's (then CallerFailed
        is raised and the breaker counts nothing)."""
        probe = False
        if self.breaker is not None:
            try:
                probe = self.breaker.admit()
            except CircuitOpenError as exc:
                raise UpstreamCircuitOpen(
                    f"{self.name} is unavailable: it failed {self.breaker.consecutive_failures} "
                    f"times in a row and is not asked for {exc.retry_after_s:.1f} s",
                    upstream=self.name,
                    retry_after_s=exc.retry_after_s,
                ) from exc
        try:
            async with asyncio.timeout_at(deadline):
                result = await call()
        except BaseException as exc:
            if caller_at_fault is not None and caller_at_fault(exc):
                if self.breaker is not None:
                    self.breaker.abandoned(probe)
                raise CallerFailed(self.name) from exc
            if isinstance(
                exc, TimeoutError
            ):  # the deadline passed (httpx's are mapped)
                self._outcome(probe, failed=True)
                raise UpstreamTimeout(
                    f"{self.name} did not answer in time", upstream=self.name
                ) from exc
            if isinstance(exc, UpstreamTimeout):
                self._outcome(probe, failed=True)
            elif isinstance(exc, UpstreamUnavailable):
                self._outcome(probe, failed=exc.transient)
            elif self.breaker is not None:
                self.breaker.abandoned(probe)
            raise
        self._outcome(probe, failed=unavailable is not None and unavailable(result))
        return result

    def _outcome(self, probe: bool, *, failed: bool) -> None:
        if self.breaker is None:
            return
        if failed:
            self.breaker.failed(probe)
        else:
            self.breaker.succeeded(probe)

    async def _call(
        self,
        call: Callable[[], Awaitable[T]],
        *,
        deadline: float | None,
        safe: bool,
        unavailable: Callable[[T], bool] | None = None,
        caller_at_fault: Callable[[BaseException], bool] | None = None,
    ) -> T:
        """:meth:`_attempt`, retried by the policy when ``safe`` (GET, HEAD without body)."""

        async def attempt() -> T:
            return await self._attempt(
                call,
                deadline=deadline,
                unavailable=unavailable,
                caller_at_fault=caller_at_fault,
            )

        if not safe or self.retry is None or self.retry.retries == 0:
            return await attempt()
        # The first attempt runs on its own: tenacity's machinery costs about a tenth of
        # the gateway's CPU per routed request, and is only needed once an attempt failed.
        try:
            return await attempt()
        except Exception as exc:
            if not _worth_retrying(exc):
                raise
            failures = [exc]

        async def again() -> T:
            # Tenacity's first attempt is the one that failed (its waits, stop rules and
            # logging then run as if it had made it).
            if failures:
                raise failures.pop()
            return await attempt()

        result: T = await self.retry.retrying(deadline=deadline)(again)
        return result

    async def send(
        self,
        request: httpx.Request,
        *,
        deadline: float | None = None,
        retry: bool = False,
        caller_at_fault: Callable[[BaseException], bool] | None = None,
    ) -> httpx.Response:
        """Send ``request`` and return the response with its body not yet read (the caller
        closes it). Any status is returned as is (502–504 count as failures of the service
        for its breaker). ``retry`` allows retries (only for a safe request whose body, if
        any, can be sent again); ``deadline`` bounds the wait for the answer's headers;
        ``caller_at_fault`` tells a failure caused by the caller who sent the request (its
        body broke off or was late), which is not the service's.

        Raises UpstreamUnavailable (UpstreamCircuitOpen when not sent), UpstreamTimeout,
        CallerFailed."""

        async def call() -> httpx.Response:
            async with self._errors_mapped():
                return await self.http.send(request, stream=True)

        return await self._call(
            call,
            deadline=deadline,
            safe=retry,
            unavailable=lambda r: r.status_code in UNAVAILABLE_STATUSES,
            caller_at_fault=caller_at_fault,
        )

    async def _get(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> tuple[int, str | None, bytes]:
        """``GET <upstream>/api/v1<path>``: its status (2xx or 304), ``ETag`` and body,
        retried after a transient failure, the whole (retries included) within
        ``deadline``.

        Raises UpstreamUnavailable when the answer is neither a 2xx nor 304 or is larger
        than ``max_payload_bytes``; UpstreamTimeout when it is too slow.
        """
        request = self.http.build_request(
            "GET",
            _request_url(
                self.http, f"{API_PREFIX}{path}", tuple((params or {}).items())
            ),
            headers={**self.forwarded_headers(), **(headers or {})},
        )

        async def call() -> tuple[int, str | None, bytes]:
            async with self._errors_mapped():
                response = await self.http.send(request, stream=True)
            try:
                if not (response.is_success or response.status_code == 304):
                    raise UpstreamUnavailable(
                        f"{self.name} answered {response.status_code}",
                        upstream=self.name,
                        transient=response.status_code in UNAVAILABLE_STATUSES,
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
            return response.status_code, response.headers.get("etag"), bytes(body)

        return await self._call(call, deadline=deadline, safe=True)

    async def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        deadline: float | None = None,
    ) -> Any:
        """``GET <upstream>/api/v1<path>`` and its JSON body, retried after a transient
        failure, the whole (retries included) within ``deadline``.

        Raises UpstreamUnavailable when the answer is not a 2xx, is larger than
        ``max_payload_bytes`` or is not JSON; UpstreamTimeout when it is too slow.
        """
        status, _, body = await self._get(path, params=params, deadline=deadline)
        if status == 304:  # not asked for: no If-None-Match was sent
            raise UpstreamUnavailable(
                f"{self.name} answered 304 unasked", upstream=self.name
            )
        try:
            return json.loads(body)
        except ValueError as exc:
            raise UpstreamUnavailable(
                f"{self.name} answered invalid JSON", upstream=self.name
            ) from exc

    async def statistics(
        self, region_code: str, year: int, *, deadline: float | None = None
    ) -> UpstreamStatistics:
        """The service's figures for one county and calendar year (``GET /api/v1/statistics``),
        asked conditionally when figures of an earlier answer are kept (:class:`KeptStatistics`).

        Raises UpstreamUnavailable (also when the payload is not a statistics payload of this
        service, county and year) and UpstreamTimeout.
        """
        key = (self.name, region_code, year)
        kept = self.kept.get(key) if self.kept is not None else None
        status, tag, body = await self._get(
            "/statistics",
            params={"region_code": region_code, "year": year},
            headers={"If-None-Match": kept[0]} if kept is not None else None,
            deadline=deadline,
        )
        if status == 304:
            if kept is None:
                raise UpstreamUnavailable(
                    f"{self.name} answered 304 unasked", upstream=self.name
                )
            return kept[1]
        try:
            stats = UpstreamStatistics.model_validate_json(body)
        except ValidationError as exc:
            not_json = any(e["type"] == "json_invalid" for e in exc.errors())
            what = "invalid JSON" if not_json else "an invalid statistics payload"
            raise UpstreamUnavailable(
                f"{self.name} answered {what}", upstream=self.name
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
        if self.kept is not None and tag:
            self.kept.put(key, tag, stats)
        return stats

    async def check_ready(self) -> None:
        """Raises UpstreamUnavailable or UpstreamTimeout unless the service's ``/readyz``
        answers 2xx. Goes through the breaker (fails fast while it is open, and may be its
        probe) but is never retried: readiness reports the state of now."""
        request = self.http.build_request(
            "GET", "/readyz", headers=self.forwarded_headers()
        )

        async def call() -> None:
            async with self._errors_mapped():
                response = await self.http.send(request, stream=True)
            await response.aclose()
            if not response.is_success:
                raise UpstreamUnavailable(
                    f"{self.name} is not ready ({response.status_code})",
                    upstream=self.name,
                    transient=response.status_code in UNAVAILABLE_STATUSES,
                )

        await self._call(call, deadline=None, safe=False)


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
    """The long-lived HTTP client and circuit breaker of every upstream, and the retry
    policy of safe calls; hands out typed clients per caller."""

    http: Mapping[UpstreamName, httpx.AsyncClient]
    max_payload_bytes: int
    breakers: Mapping[UpstreamName, CircuitBreaker] = field(default_factory=dict)
    retry: RetryPolicy | None = None
    kept: KeptStatistics = field(default_factory=KeptStatistics)

    def client(
        self, name: UpstreamName, *, authorization: str | None = None
    ) -> UpstreamClient:
        return CLIENT_CLASSES[name](
            self.http[name],
            authorization=authorization,
            max_payload_bytes=self.max_payload_bytes,
            breaker=self.breakers.get(name),
            retry=self.retry,
            kept=self.kept,
        )

    def clients(self, *, authorization: str | None = None) -> list[UpstreamClient]:
        """One typed client per upstream, in the order of :class:`UpstreamName`."""
        return [self.client(name, authorization=authorization) for name in UpstreamName]

    def health(self) -> UpstreamsHealth:
        """The circuit breaker of every upstream, in the order of :class:`UpstreamName`."""
        return UpstreamsHealth(
            upstreams=[
                breaker_health(name, self.breakers[name])
                for name in UpstreamName
                if name in self.breakers
            ]
        )

    async def aclose(self) -> None:
        for http in self.http.values():
            await http.aclose()


class _NoCookies(CookieJar):
    """A jar that keeps nothing: the clients are shared by every caller, so a cookie one
    upstream answer sets must never be sent along with another caller's request. It does
    not even read the answer's cookies (httpx hands every answer to its jar, and parsing
    the headers for a jar that refuses them cost about a tenth of the gateway's CPU per
    routed request). The recipe of httpx's maintainers (encode/httpx#1359, #2992), which
    has no switch for it."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Any) -> None:
        return None


def aiohttp_transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """httpx-aiohttp's transport over an aiohttp session made on first use (inside the
    running loop) with the pool ``limits`` (``max_connections``, ``keepalive_expiry``), no
    cookie jar (the session serves every caller), no proxy variables, no automatic
    decompression (answers are relayed as they come) and no headers of its own choosing
    (``Accept-Encoding``, ``Content-Type``). Timeouts come from each request's
    httpx ``Timeout``: connect, read (between two reads), pool (waiting for a connection)."""

    def session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=limits.max_connections or 0,
                keepalive_timeout=limits.keepalive_expiry or 0,
            ),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            auto_decompress=False,
            # A relayed request carries the caller's headers, not aiohttp's defaults
            # (it would ask for compressed answers the caller did not ask for, and type
            # an untyped body as application/octet-stream).
            skip_auto_headers=("Accept-Encoding", "Content-Type"),
        )

    return AiohttpTransport(limits=limits, trust_env=False, client=session)


def open_upstreams(
    settings: Settings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> Upstreams:
    """Create the HTTP client (with the configured timeouts and pool limits) and the circuit
    breaker of every upstream, and the retry policy.

    ``transports`` replaces the network transport of the named upstreams (tests pass
    ``httpx.MockTransport`` handlers); ``clock`` is the breakers' time and ``sleep`` the
    retries' wait (tests pass fakes). Close the result with :meth:`Upstreams.aclose`.
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

    def transport(name: str) -> httpx.AsyncBaseTransport | None:
        if transports and name in transports:
            return transports[name]
        if settings.upstream_transport == "aiohttp":
            return aiohttp_transport(limits)
        return None  # httpx's own, from `limits`

    http = {
        name: httpx.AsyncClient(
            base_url=settings.upstream_url(name),
            timeout=timeout,
            limits=limits,
            transport=transport(name),
            # Upstream URLs come from settings only: no proxy variables, no .netrc.
            trust_env=False,
            follow_redirects=False,
            cookies=_NoCookies(),
        )
        for name in UpstreamName
    }
    breakers = {
        name: CircuitBreaker(
            name,
            failure_threshold=settings.breaker_failure_threshold,
            window_s=settings.breaker_window_s,
            cooldown_s=settings.breaker_cooldown_s,
            clock=clock,
        )
        for name in UpstreamName
    }
    retry = RetryPolicy(
        retries=settings.retries,
        backoff_s=settings.retry_backoff_s,
        backoff_max_s=settings.retry_backoff_max_s,
        sleep=sleep,
    )
    return Upstreams(
        http=http,
        max_payload_bytes=settings.max_statistics_bytes,
        breakers=breakers,
        retry=retry,
    )


def upstreams_of(request: Request) -> Upstreams:
    """The app's upstreams (set up by the lifespan)."""
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams
