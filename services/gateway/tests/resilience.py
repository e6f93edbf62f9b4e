"""Fakes for the resilience tests: a clock the test moves, a sleep that does not wait, and
handlers that fail a given number of times before they answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway.config import Settings
from gateway.main import create_app
from tests.factories import FakeService, Handler


class FakeClock:
    """Monotonic seconds that only move when the test (or :class:`FakeSleep`) says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeSleep:
    """Stands in for ``asyncio.sleep`` in the retries: records each wait, moves the clock
    by it (when given one) and returns at once."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.clock is not None:
            self.clock.advance(seconds)
        await asyncio.sleep(0)


def fail_then(failures: Sequence[Handler], then: Handler) -> Handler:
    """Answers the first requests with ``failures`` in turn, every later one with ``then``."""
    pending = list(failures)

    async def handler(request: httpx.Request) -> httpx.Response:
        if pending:
            return await pending.pop(0)(request)
        return await then(request)

    return handler


def slow(seconds: float, then: Handler) -> Handler:
    """Answers with ``then`` after ``seconds`` of real time."""

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(seconds)
        return await then(request)

    return handler


async def read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


async def gateway(
    settings: Settings,
    upstreams: dict[str, FakeService],
    *,
    clock: FakeClock,
    sleep: FakeSleep,
) -> AsyncIterator[FastAPI]:
    """The gateway app (its lifespan running) over the stand-ins, with the fake time."""
    app = create_app(
        settings,
        transports={n: httpx.MockTransport(f) for n, f in upstreams.items()},
        clock=clock,
        sleep=sleep,
    )
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def gateway_client(
    settings: Settings,
    upstreams: dict[str, FakeService],
    *,
    clock: FakeClock,
    sleep: FakeSleep,
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of :func:`gateway` (its lifespan running) over the stand-ins."""
    async for app in gateway(settings, upstreams, clock=clock, sleep=sleep):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw.test"
        ) as client:
            yield client
