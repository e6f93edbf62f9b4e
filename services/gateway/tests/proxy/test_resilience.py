"""Routing when a service fails: GETs retried once, POSTs never, a down service or an open
circuit breaker answers 503 with Retry-After (an open one without calling the service),
the breaker's state at ``GET /upstreams``. Time is a fake clock; retries do not wait."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import ClientDisconnect

from gateway.config import Settings
from gateway.main import create_app
from tests.factories import (
    FakeService,
    Handler,
    answer,
    call_asgi,
    never_answer,
    refuse_connection,
)
from tests.resilience import (
    FakeClock,
    FakeSleep,
    fail_then,
    gateway,
    gateway_client,
    read_timeout,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep(clock: FakeClock) -> FakeSleep:
    return FakeSleep(clock)


@pytest.fixture
async def app(
    settings: Settings,
    upstreams: dict[str, FakeService],
    clock: FakeClock,
    sleep: FakeSleep,
) -> AsyncIterator[FastAPI]:
    async for app in gateway(settings, upstreams, clock=clock, sleep=sleep):
        yield app


async def breakers(client: httpx.AsyncClient) -> dict[str, dict[str, object]]:
    response = await client.get("/upstreams")
    assert response.status_code == 200
    return {u["service"]: u for u in response.json()["upstreams"]}


class TestRetries:
    @pytest.mark.parametrize("method", ["GET", "HEAD"])
    async def test_a_safe_request_is_retried_once_after_a_refused_connection(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        sleep: FakeSleep,
        method: str,
    ) -> None:
        mediation = upstreams["mediation"]
        mediation.handler = fail_then(
            [refuse_connection], answer(200, json={"items": []})
        )
        response = await client.request(method, "/api/v1/mediation/disputes")
        assert response.status_code == 200
        assert [r.method for r in mediation.requests] == [method, method]
        assert len(sleep.waits) == 1

    async def test_a_get_that_keeps_failing_is_503_after_one_retry(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["mediation"].handler = refuse_connection
        response = await client.get("/api/v1/mediation/disputes")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "7"
        assert len(upstreams["mediation"].requests) == 2

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    @pytest.mark.parametrize(
        ("failure", "status"),
        [(refuse_connection, 503), (read_timeout, 504)],
        ids=["refused", "timeout"],
    )
    async def test_other_methods_are_sent_once(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        sleep: FakeSleep,
        method: str,
        failure: Handler,
        status: int,
    ) -> None:
        upstreams["mediation"].handler = fail_then([failure], answer(201))
        response = await client.request(
            method, "/api/v1/mediation/disputes/d-1", json={"note": "x"}
        )
        assert response.status_code == status
        assert len(upstreams["mediation"].requests) == 1
        assert sleep.waits == []

    async def test_a_get_with_a_body_is_sent_once(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["mediation"].handler = refuse_connection
        response = await client.request(
            "GET", "/api/v1/mediation/disputes", content=b'{"q": 1}'
        )
        assert response.status_code == 503
        assert len(upstreams["mediation"].requests) == 1

    async def test_an_upstream_answer_is_relayed_not_retried(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["mediation"].handler = answer(
            503,
            json={"title": "Database away"},
            headers={"Retry-After": "3", "Content-Type": PROBLEM},
        )
        response = await client.get("/api/v1/mediation/disputes")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "3"
        assert response.json() == {"title": "Database away"}
        assert len(upstreams["mediation"].requests) == 1

    async def test_a_service_that_never_answers_is_504_at_the_deadline(
        self,
        settings: Settings,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
        sleep: FakeSleep,
    ) -> None:
        upstreams["enforcement"].handler = never_answer
        quick = settings.model_copy(update={"route_deadline_s": 0.3})
        async with gateway_client(quick, upstreams, clock=clock, sleep=sleep) as client:
            loop = asyncio.get_running_loop()
            started = loop.time()
            response = await client.get("/api/v1/enforcement/agencies")
            elapsed = loop.time() - started
        assert response.status_code == 504
        assert response.json()["upstream"] == "enforcement"
        assert elapsed < 0.3 + 1.0
        assert len(upstreams["enforcement"].requests) == 1  # no time left to retry


class TestCircuitBreaker:
    async def open_mediation(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        """Five refused connections in a row (threshold 5): two GETs with their retries and
        a POST."""
        upstreams["mediation"].handler = refuse_connection
        for _ in range(2):
            assert (await client.get("/api/v1/mediation/disputes")).status_code == 503
        assert (
            await client.post("/api/v1/mediation/disputes", json={})
        ).status_code == 503
        assert len(upstreams["mediation"].requests) == 5

    async def test_an_open_breaker_answers_503_without_calling_the_service(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
    ) -> None:
        await self.open_mediation(client, upstreams)
        clock.advance(1.5)
        for method in ("GET", "POST"):
            response = await client.request(method, "/api/v1/mediation/disputes")
            assert response.status_code == 503
            assert response.headers["content-type"] == PROBLEM
            # the rest of the 5 s cool-down, rounded up
            assert response.headers["retry-after"] == "4"
            problem = response.json()
            assert problem["type"] == "urn:fazhi:problem:upstream-down"
            assert problem["upstream"] == "mediation"
        assert len(upstreams["mediation"].requests) == 5
        # The other services are not affected.
        assert (await client.get("/api/v1/enforcement/agencies")).status_code == 404

    async def test_upstreams_shows_each_breaker(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
    ) -> None:
        state = await breakers(client)
        assert list(state) == ["reconsideration", "mediation", "enforcement"]
        assert state["mediation"] == {
            "service": "mediation",
            "state": "closed",
            "consecutive_failures": 0,
            "opened_at": None,
            "retry_after_s": 0,
        }
        await self.open_mediation(client, upstreams)
        clock.advance(2)
        mediation = (await breakers(client))["mediation"]
        assert mediation["state"] == "open"
        assert mediation["consecutive_failures"] == 5
        assert mediation["retry_after_s"] == 3
        opened_at = dt.datetime.fromisoformat(str(mediation["opened_at"]))
        assert opened_at.utcoffset() == dt.timedelta(0)
        assert (await breakers(client))["enforcement"]["state"] == "closed"
        clock.advance(3)
        assert (await breakers(client))["mediation"]["state"] == "half_open"

    async def test_the_probe_after_the_cool_down_closes_it(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
    ) -> None:
        await self.open_mediation(client, upstreams)
        upstreams["mediation"].handler = answer(200, json={"items": []})
        clock.advance(5)
        response = await client.get("/api/v1/mediation/disputes")
        assert response.status_code == 200
        assert len(upstreams["mediation"].requests) == 6
        assert (await breakers(client))["mediation"]["state"] == "closed"

    async def test_a_failed_probe_opens_it_again(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
    ) -> None:
        await self.open_mediation(client, upstreams)
        clock.advance(5)
        response = await client.post("/api/v1/mediation/disputes", json={})
        assert response.status_code == 503
        assert (
            response.headers["retry-after"] == "7"
        )  # the service could not be reached
        assert len(upstreams["mediation"].requests) == 6
        again = await client.get("/api/v1/mediation/disputes")
        assert again.headers["retry-after"] == "5"  # a new cool-down
        assert len(upstreams["mediation"].requests) == 6

    async def test_readiness_fails_fast_while_open(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        await self.open_mediation(client, upstreams)
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing_checks"] == ["mediation"]
        assert len(upstreams["mediation"].requests) == 5

    async def test_relayed_503_answers_open_it_too(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
    ) -> None:
        upstreams["mediation"].handler = answer(503)
        for _ in range(5):
            assert (await client.get("/api/v1/mediation/disputes")).status_code == 503
        assert (await breakers(client))["mediation"]["state"] == "open"

    async def test_answers_that_show_the_service_is_up_keep_it_closed(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["mediation"].handler = answer(500)
        for _ in range(6):
            assert (await client.get("/api/v1/mediation/disputes")).status_code == 500
        assert (await breakers(client))["mediation"]["state"] == "closed"

    async def test_the_breaker_page_needs_no_token(
        self, client: httpx.AsyncClient
    ) -> None:
        assert "authorization" not in client.headers
        assert (await client.get("/upstreams")).status_code == 200


class UploadingTransport(httpx.MockTransport):
    """Sends a routed body as a network transport does: a body that breaks off on the
    caller's side is a broken upload (``httpx.WriteError``, a transport error, as the
    aiohttp transport reports it)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ClientDisconnect as exc:
            raise httpx.WriteError(
                "the request body broke off", request=request
            ) from exc


async def post_cut_off(
    app: FastAPI, path: str, *, then: str
) -> tuple[int, dict[bytes, bytes], dict[str, object]]:
    """POST ``path`` with a body announced as 1,000 bytes of which the caller sends 6,
    then goes away (``then="disconnect"``) or sends nothing more (``"stall"``); the
    answer's status, headers and JSON body."""
    sent = await call_asgi(
        app,
        "POST",
        path,
        headers=[
            (b"content-type", b"application/json"),
            (b"content-length", b"1000"),
            (b"authorization", b"Bearer caller-token"),
        ],
        body=[b'{"a": '],
        then=then,
    )
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), json.loads(body)


class TestCallerFailures:
    """A caller's broken or late upload is the caller's failure: 408, and the service's
    circuit breaker does not count it (or a few aborted uploads would cut the service
    off for every caller)."""

    async def test_uploads_the_caller_breaks_off_do_not_open_the_breaker(
        self,
        settings: Settings,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
        sleep: FakeSleep,
    ) -> None:
        app = create_app(
            settings,
            transports={n: UploadingTransport(f) for n, f in upstreams.items()},
            clock=clock,
            sleep=sleep,
        )
        async with app.router.lifespan_context(app):
            for _ in range(6):
                status, headers, problem = await post_cut_off(
                    app, "/api/v1/mediation/committees", then="disconnect"
                )
                assert status == 408
                assert problem["type"] == "urn:fazhi:problem:request-body-incomplete"
                assert headers[b"connection"] == b"close"
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gw.test"
            ) as client:
                state = await breakers(client)
                assert state["mediation"]["state"] == "closed"
                assert state["mediation"]["consecutive_failures"] == 0
                upstreams["mediation"].handler = answer(200, json={"ok": True})
                response = await client.get("/api/v1/mediation/committees")
                assert response.status_code == 200

    async def test_a_body_still_arriving_at_the_deadline_is_408_not_the_service(
        self,
        settings: Settings,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
        sleep: FakeSleep,
    ) -> None:
        quick = settings.model_copy(update={"route_deadline_s": 0.2})
        async for app in gateway(quick, upstreams, clock=clock, sleep=sleep):
            for _ in range(6):
                status, headers, problem = await post_cut_off(
                    app, "/api/v1/mediation/committees", then="stall"
                )
                assert status == 408
                assert "did not arrive in time" in str(problem["detail"])
                # The rest of the body may still come: the connection is not reused.
                assert headers[b"connection"] == b"close"
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gw.test"
            ) as client:
                state = await breakers(client)
        assert state["mediation"]["consecutive_failures"] == 0

    async def test_a_service_that_stops_after_the_whole_body_still_counts(
        self,
        settings: Settings,
        upstreams: dict[str, FakeService],
        clock: FakeClock,
        sleep: FakeSleep,
    ) -> None:
        upstreams["mediation"].handler = never_answer
        quick = settings.model_copy(update={"route_deadline_s": 0.2})
        async with gateway_client(quick, upstreams, clock=clock, sleep=sleep) as client:
            response = await client.post(
                "/api/v1/mediation/committees", json={"name": "x"}
            )
            assert response.status_code == 504
            state = await breakers(client)
        assert state["mediation"]["consecutive_failures"] == 1
