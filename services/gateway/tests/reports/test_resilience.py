"""The annual report when a service is slow, down, or behind an open circuit breaker: it
answers within its deadline (``report_timeout_s``, 0.5 s in these tests), lists the failed
source with its status and problem, is ``partial``, and the other sources' figures are
right. The breakers' time is a fake clock; retries do not wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.config import Settings
from tests.factories import (
    FIGURES,
    FakeService,
    bearer,
    never_answer,
    refuse_connection,
    statistics_handler,
)
from tests.resilience import FakeClock, FakeSleep, fail_then, gateway, slow

URL = "/api/v1/reports/annual"
QUERY: dict[str, Any] = {"region_code": "421222", "year": 2023}
DEADLINE_S = 0.5  # conftest's report_timeout_s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep() -> FakeSleep:
    """Retries do not wait, and the breakers' clock moves only when a test moves it."""
    return FakeSleep()


@pytest.fixture
async def app(
    settings: Settings,
    upstreams: dict[str, FakeService],
    clock: FakeClock,
    sleep: FakeSleep,
) -> AsyncIterator[FastAPI]:
    assert settings.report_timeout_s == DEADLINE_S
    async for app in gateway(settings, upstreams, clock=clock, sleep=sleep):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://gateway.test",
        headers=await bearer(app),
    ) as c:
        yield c


async def timed_report(client: httpx.AsyncClient) -> tuple[dict[str, Any], float]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await client.get(URL, params=QUERY)
    elapsed = loop.time() - started
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, elapsed


def figures_of(body: dict[str, Any], service: str) -> dict[str, Any]:
    return {
        key: figure["value"]
        for key, figure in body["figures"].items()
        if figure["source"] == service
    }


def expected_figures(service: str) -> dict[str, Any]:
    return {
        key: str(figure.value) if figure.kind in ("money", "rate") else figure.value
        for key, figure in FIGURES[service].items()
    }


def status_of(body: dict[str, Any]) -> dict[str, str]:
    return {s["service"]: s["status"] for s in body["sources"]}


class TestSlowOrDownSource:
    @pytest.mark.parametrize("delay_s", [2.0, 3600.0], ids=["slow", "never"])
    async def test_a_slow_source_times_out_at_the_deadline(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        delay_s: float,
    ) -> None:
        upstreams["mediation"].handler = slow(delay_s, statistics_handler("mediation"))
        body, elapsed = await timed_report(client)
        # The deadline, plus what a test machine may add; far from the 2 s it would take.
        assert DEADLINE_S <= elapsed < DEADLINE_S + 0.4
        assert body["partial"] is True
        assert body["sources"] == [
            {"service": "reconsideration", "status": "ok"},
            {
                "service": "mediation",
                "status": "timeout",
                "problem": "mediation did not answer within 0.5 s",
            },
            {"service": "enforcement", "status": "ok"},
        ]
        assert figures_of(body, "mediation") == {}
        for service in ("reconsideration", "enforcement"):
            assert figures_of(body, service) == expected_figures(service)
        assert len(upstreams["mediation"].requests) == 1  # no time left for a retry

    async def test_a_source_that_is_down_fails_fast(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["enforcement"].handler = refuse_connection
        body, elapsed = await timed_report(client)
        assert elapsed < DEADLINE_S
        assert body["partial"] is True
        assert body["sources"][2] == {
            "service": "enforcement",
            "status": "error",
            "problem": "enforcement is not reachable",
        }
        assert len(upstreams["enforcement"].requests) == 2  # retried once
        assert figures_of(body, "mediation") == expected_figures("mediation")

    async def test_a_source_failing_once_is_retried_and_the_report_is_whole(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        sleep: FakeSleep,
    ) -> None:
        upstreams["reconsideration"].handler = fail_then(
            [refuse_connection], statistics_handler("reconsideration")
        )
        body, _ = await timed_report(client)
        assert body["partial"] is False
        assert set(status_of(body).values()) == {"ok"}
        assert len(upstreams["reconsideration"].requests) == 2
        assert len(sleep.waits) == 1


class TestOpenBreaker:
    async def test_repeated_failures_open_the_breaker_and_the_source_is_not_asked(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
    ) -> None:
        mediation = upstreams["mediation"]
        mediation.handler = refuse_connection
        for _ in range(3):  # two attempts each: the 5th failure opens it
            body, _ = await timed_report(client)
            assert status_of(body)["mediation"] == "error"
        assert len(mediation.requests) == 5

        clock.advance(1)
        body, elapsed = await timed_report(client)
        assert len(mediation.requests) == 5
        assert elapsed < DEADLINE_S
        assert body["partial"] is True
        source = body["sources"][1]
        assert source["status"] == "error"
        assert source["problem"] == (
            "mediation is unavailable: it failed 5 times in a row and is not asked for 4.0 s"
        )
        assert figures_of(body, "enforcement") == expected_figures("enforcement")

        # Back after the cool-down: the next report probes, succeeds and is whole again.
        mediation.handler = statistics_handler("mediation")
        clock.advance(4)
        body, _ = await timed_report(client)
        assert body["partial"] is False
        assert figures_of(body, "mediation") == expected_figures("mediation")
        state = (await client.get("/upstreams")).json()["upstreams"]
        assert [u["state"] for u in state] == ["closed"] * 3

    async def test_timeouts_at_the_deadline_open_the_breaker_too(
        self,
        settings: Settings,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
        sleep: FakeSleep,
    ) -> None:
        upstreams["mediation"].handler = never_answer
        quick = settings.model_copy(
            update={"report_timeout_s": 0.05, "breaker_failure_threshold": 2}
        )
        async for app in gateway(quick, upstreams, clock=clock, sleep=sleep):
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://gw.test",
                headers=await bearer(app),
            ) as client:
                for _ in range(2):
                    body, _ = await timed_report(client)
                    assert status_of(body)["mediation"] == "timeout"
                body, elapsed = await timed_report(client)
        assert status_of(body)["mediation"] == "error"
        assert "not asked" in body["sources"][1]["problem"]
        assert len(upstreams["mediation"].requests) == 2
        assert elapsed < 0.05 + 0.3
