"""The upstreams' resilience without HTTP in front: the circuit breaker on a fake clock, the
retries of safe calls (tenacity) with a sleep that does not wait, deadlines, and the
environment's proxy settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from gateway.config import Settings
from gateway.reports.exceptions import (
    UpstreamCircuitOpen,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.reports.schemas import UpstreamName
from gateway.upstream import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    MediationClient,
    RetryPolicy,
    open_upstreams,
)
from shared.settings import Environment
from tests.factories import (
    Handler,
    answer,
    never_answer,
    refuse_connection,
    statistics_handler,
)
from tests.resilience import FakeClock, FakeSleep, fail_then, read_timeout


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def breaker(clock: FakeClock, **kwargs: float) -> CircuitBreaker:
    options: dict[str, float] = {
        "failure_threshold": 3,
        "window_s": 10.0,
        "cooldown_s": 5.0,
        **kwargs,
    }
    return CircuitBreaker(
        "mediation",
        failure_threshold=int(options["failure_threshold"]),
        window_s=options["window_s"],
        cooldown_s=options["cooldown_s"],
        clock=clock,
    )


def fail(b: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        b.failed(b.admit())


class TestCircuitBreaker:
    def test_closed_until_the_threshold_of_failures_in_a_row(
        self, clock: FakeClock
    ) -> None:
        b = breaker(clock)
        fail(b, 2)
        assert b.state is CircuitState.closed
        assert b.consecutive_failures == 2
        assert b.opened_at is None
        fail(b)
        assert b.state is CircuitState.open
        assert b.opened_at is not None
        assert b.retry_after_s() == 5.0

    def test_a_success_starts_the_count_again(self, clock: FakeClock) -> None:
        b = breaker(clock)
        fail(b, 2)
        b.succeeded(b.admit())
        fail(b, 2)
        assert b.state is CircuitState.closed
        assert b.consecutive_failures == 2

    def test_failures_spread_wider_than_the_window_do_not_open_it(
        self, clock: FakeClock
    ) -> None:
        b = breaker(clock)
        fail(b, 2)
        clock.advance(10.5)  # the streak's first failure is now out of the window
        fail(b)
        assert b.state is CircuitState.closed
        assert b.consecutive_failures == 1
        fail(b, 2)
        assert b.state is CircuitState.open

    def test_open_fails_fast_until_the_cool_down_is_over(
        self, clock: FakeClock
    ) -> None:
        b = breaker(clock)
        fail(b, 3)
        clock.advance(4)
        with pytest.raises(CircuitOpenError) as refused:
            b.admit()
        assert refused.value.retry_after_s == pytest.approx(1.0)
        assert b.state is CircuitState.open
        clock.advance(1)
        assert b.state is CircuitState.half_open
        assert b.retry_after_s() == 0

    def test_half_open_lets_one_probe_through_and_its_success_closes(
        self, clock: FakeClock
    ) -> None:
        b = breaker(clock)
        fail(b, 3)
        clock.advance(5)
        probe = b.admit()
        assert probe is True
        with pytest.raises(CircuitOpenError):
            b.admit()  # the others still fail fast while the probe is out
        b.succeeded(probe)
        assert b.state is CircuitState.closed
        assert b.consecutive_failures == 0
        assert b.opened_at is None
        assert b.admit() is False

    def test_a_failed_probe_opens_it_for_another_cool_down(
        self, clock: FakeClock
    ) -> None:
        b = breaker(clock)
        fail(b, 3)
        clock.advance(6)
        b.failed(b.admit())
        assert b.state is CircuitState.open
        assert b.retry_after_s() == 5.0
        clock.advance(5)
        assert b.admit() is True

    def test_an_abandoned_probe_frees_the_slot(self, clock: FakeClock) -> None:
        b = breaker(clock)
        fail(b, 3)
        clock.advance(5)
        b.abandoned(b.admit())
        assert b.state is CircuitState.half_open
        assert b.admit() is True

    def test_late_failures_of_calls_admitted_before_it_opened_change_nothing(
        self, clock: FakeClock
    ) -> None:
        b = breaker(clock)
        late = [b.admit() for _ in range(5)]
        for probe in late[:3]:
            b.failed(probe)
        assert b.state is CircuitState.open
        b.failed(late[3])
        assert b.retry_after_s() == 5.0  # not restarted
        clock.advance(5)
        probe = b.admit()
        b.failed(late[4])  # not the probe: the probe's outcome decides
        assert b.state is CircuitState.half_open
        b.succeeded(probe)
        assert b.state is CircuitState.closed

    def test_bad_settings_are_refused(self) -> None:
        with pytest.raises(ValueError, match="threshold"):
            CircuitBreaker("mediation", failure_threshold=0)


# --- the typed clients with breaker and retries ----------------------------------------------


class Recorder:
    """A handler that records the requests it answered."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.handler(request)


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
async def http() -> AsyncIterator[list[httpx.AsyncClient]]:
    opened: list[httpx.AsyncClient] = []
    yield opened
    for client in opened:
        await client.aclose()


@pytest.fixture
def mediation(
    http: list[httpx.AsyncClient], clock: FakeClock, sleep: FakeSleep
) -> tuple[Recorder, MediationClient]:
    """A healthy mediation service behind a client with a breaker (3 failures, 5 s) and one
    retry (backoff 0.1 s); tests replace ``recorder.handler``."""
    recorder = Recorder(statistics_handler("mediation"))
    client = httpx.AsyncClient(
        base_url="http://mediation.test", transport=httpx.MockTransport(recorder)
    )
    http.append(client)
    return (
        recorder,
        MediationClient(
            client,
            breaker=breaker(clock),
            retry=RetryPolicy(retries=1, backoff_s=0.1, sleep=sleep),
        ),
    )


class TestRetries:
    @pytest.mark.parametrize(
        "failure",
        [
            refuse_connection,
            read_timeout,
            answer(503),
            answer(502),
            answer(504),
        ],
        ids=["refused", "read-timeout", "503", "502", "504"],
    )
    async def test_a_get_is_retried_once_after_a_transient_failure(
        self,
        mediation: tuple[Recorder, MediationClient],
        sleep: FakeSleep,
        failure: Handler,
    ) -> None:
        recorder, client = mediation
        recorder.handler = fail_then([failure], statistics_handler("mediation"))
        stats = await client.statistics("421222", 2023)
        assert stats.figures["mediation.cases_mediated"].value == 4561
        assert len(recorder.requests) == 2
        # backoff_s · 2⁰ plus a jitter of up to backoff_s
        assert len(sleep.waits) == 1
        assert 0.1 <= sleep.waits[0] <= 0.2

    async def test_at_most_the_configured_retries(
        self, http: list[httpx.AsyncClient], sleep: FakeSleep
    ) -> None:
        recorder = Recorder(refuse_connection)
        client = httpx.AsyncClient(
            base_url="http://m.test", transport=httpx.MockTransport(recorder)
        )
        http.append(client)
        policy = RetryPolicy(retries=2, backoff_s=0.1, backoff_max_s=1.0, sleep=sleep)
        with pytest.raises(UpstreamUnavailable, match="not reachable"):
            await MediationClient(client, retry=policy).statistics("421222", 2023)
        assert len(recorder.requests) == 3
        # Exponential: 0.1 then 0.2, each plus up to 0.1 of jitter.
        assert 0.1 <= sleep.waits[0] <= 0.2
        assert 0.2 <= sleep.waits[1] <= 0.3

    async def test_the_backoff_is_jittered(self, http: list[httpx.AsyncClient]) -> None:
        waits: set[float] = set()
        for _ in range(5):
            sleep = FakeSleep()
            client = httpx.AsyncClient(
                base_url="http://m.test",
                transport=httpx.MockTransport(refuse_connection),
            )
            http.append(client)
            with pytest.raises(UpstreamUnavailable):
                await MediationClient(
                    client, retry=RetryPolicy(retries=1, sleep=sleep)
                ).get_json("/statistics")
            waits.update(sleep.waits)
        assert len(waits) > 1

    @pytest.mark.parametrize(
        "failure",
        [answer(500), answer(404), answer(401), answer(200, text="<html>")],
        ids=["500", "404", "401", "not-json"],
    )
    async def test_an_answer_that_shows_the_service_is_up_is_not_retried(
        self,
        mediation: tuple[Recorder, MediationClient],
        sleep: FakeSleep,
        failure: Handler,
    ) -> None:
        recorder, client = mediation
        recorder.handler = failure
        with pytest.raises(UpstreamUnavailable):
            await client.statistics("421222", 2023)
        assert len(recorder.requests) == 1
        assert sleep.waits == []
        assert client.breaker is not None
        assert client.breaker.consecutive_failures == 0

    @pytest.mark.parametrize("failure", [refuse_connection, read_timeout, answer(503)])
    async def test_a_post_is_never_retried(
        self,
        mediation: tuple[Recorder, MediationClient],
        sleep: FakeSleep,
        failure: Handler,
    ) -> None:
        recorder, client = mediation
        recorder.handler = fail_then([failure], answer(201))
        request = client.http.build_request("POST", "/api/v1/disputes", json={})
        try:
            response = await client.send(request)  # retry defaults to False
        except (UpstreamUnavailable, UpstreamTimeout):
            pass
        else:
            assert response.status_code == 503
            await response.aclose()
        assert len(recorder.requests) == 1
        assert sleep.waits == []

    async def test_the_readiness_check_is_not_retried(
        self, mediation: tuple[Recorder, MediationClient], sleep: FakeSleep
    ) -> None:
        recorder, client = mediation
        recorder.handler = refuse_connection
        with pytest.raises(UpstreamUnavailable):
            await client.check_ready()
        assert len(recorder.requests) == 1

    async def test_no_retry_whose_backoff_would_end_after_the_deadline(
        self, mediation: tuple[Recorder, MediationClient], sleep: FakeSleep
    ) -> None:
        recorder, client = mediation
        recorder.handler = refuse_connection
        deadline = asyncio.get_running_loop().time() + 0.05  # less than any backoff
        with pytest.raises(UpstreamUnavailable, match="not reachable"):
            await client.statistics("421222", 2023, deadline=deadline)
        assert len(recorder.requests) == 1
        assert sleep.waits == []

    async def test_the_deadline_cuts_a_slow_call_and_counts_as_a_failure(
        self, mediation: tuple[Recorder, MediationClient], sleep: FakeSleep
    ) -> None:
        recorder, client = mediation
        recorder.handler = never_answer
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(UpstreamTimeout, match="did not answer in time"):
            await client.statistics("421222", 2023, deadline=started + 0.2)
        assert loop.time() - started < 1.0
        assert len(recorder.requests) == 1  # no time was left for a retry
        assert client.breaker is not None
        assert client.breaker.consecutive_failures == 1


class TestBreakerInTheClient:
    async def test_open_after_failed_calls_then_not_called_at_all(
        self, mediation: tuple[Recorder, MediationClient], clock: FakeClock
    ) -> None:
        recorder, client = mediation
        recorder.handler = refuse_connection
        # Threshold 3: the first call and its retry, then the next call's first attempt.
        for _ in range(2):
            with pytest.raises(UpstreamUnavailable):
                await client.statistics("421222", 2023)
        assert client.breaker is not None
        assert client.breaker.state is CircuitState.open
        assert len(recorder.requests) == 3
        with pytest.raises(UpstreamCircuitOpen) as refused:
            await client.statistics("421222", 2023)
        assert len(recorder.requests) == 3
        assert refused.value.retry_after_s == 5
        assert refused.value.upstream == "mediation"
        assert "not asked" in str(refused.value.detail)

    async def test_the_probe_after_the_cool_down_closes_it_again(
        self, mediation: tuple[Recorder, MediationClient], clock: FakeClock
    ) -> None:
        recorder, client = mediation
        recorder.handler = refuse_connection
        for _ in range(2):
            with pytest.raises(UpstreamUnavailable):
                await client.statistics("421222", 2023)
        recorder.handler = statistics_handler("mediation")
        clock.advance(5)
        stats = await client.statistics("421222", 2023)
        assert stats.service == "mediation"
        assert client.breaker is not None
        assert client.breaker.state is CircuitState.closed

    async def test_a_cancelled_call_says_nothing_about_the_service(
        self, mediation: tuple[Recorder, MediationClient]
    ) -> None:
        recorder, client = mediation
        recorder.handler = never_answer
        task = asyncio.create_task(client.statistics("421222", 2023))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert client.breaker is not None
        assert client.breaker.consecutive_failures == 0


class TestSettings:
    def test_the_documented_defaults(self) -> None:
        s = Settings(environment=Environment.test)
        assert (
            s.connect_timeout_s,
            s.read_timeout_s,
            s.write_timeout_s,
            s.pool_timeout_s,
        ) == (2.0, 30.0, 30.0, 5.0)
        assert s.report_timeout_s == 1.5
        assert s.route_deadline_s == 30.0
        assert (s.retries, s.retry_backoff_s, s.retry_backoff_max_s) == (1, 0.1, 1.0)
        assert (
            s.breaker_failure_threshold,
            s.breaker_window_s,
            s.breaker_cooldown_s,
        ) == (5, 30.0, 5.0)

    @pytest.mark.parametrize("retries", [-1, 3])
    def test_at_most_two_retries(self, retries: int) -> None:
        with pytest.raises(ValueError, match="retries"):
            Settings(environment=Environment.test, retries=retries)

    async def test_each_upstream_gets_its_own_breaker_and_the_retry_policy(
        self,
    ) -> None:
        upstreams = open_upstreams(
            Settings(
                environment=Environment.test,
                retries=2,
                breaker_failure_threshold=7,
                breaker_cooldown_s=9,
            )
        )
        try:
            breakers = upstreams.breakers
            assert set(breakers) == set(UpstreamName)
            assert len({id(b) for b in breakers.values()}) == 3
            assert breakers[UpstreamName.mediation].failure_threshold == 7
            assert breakers[UpstreamName.mediation].cooldown_s == 9
            client = upstreams.client(UpstreamName.enforcement)
            assert client.breaker is breakers[UpstreamName.enforcement]
            assert client.retry is not None
            assert client.retry.retries == 2
        finally:
            await upstreams.aclose()


class TestProxyEnvironment:
    async def test_proxy_variables_never_redirect_calls_to_the_services(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Real sockets: a 'service' and a 'proxy' on loopback; the proxy variables name the
        proxy, and the call still goes straight to the service."""
        seen: dict[str, list[bytes]] = {"service": [], "proxy": []}

        def server(
            name: str,
        ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
            async def handle(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter
            ) -> None:
                head = await reader.readuntil(b"\r\n\r\n")
                seen[name].append(head)
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b'content-length: 15\r\nconnection: close\r\n\r\n{"status":"ok"}'
                )
                await writer.drain()
                writer.close()

            return handle

        service = await asyncio.start_server(server("service"), "127.0.0.1", 0)
        proxy = await asyncio.start_server(server("proxy"), "127.0.0.1", 0)
        service_port = service.sockets[0].getsockname()[1]
        proxy_url = f"http://127.0.0.1:{proxy.sockets[0].getsockname()[1]}"
        for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy"):
            monkeypatch.setenv(variable, proxy_url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        upstreams = open_upstreams(
            Settings(
                environment=Environment.test,
                mediation_url=f"http://127.0.0.1:{service_port}",
            )
        )
        try:
            async with service, proxy:
                await upstreams.client(UpstreamName.mediation).check_ready()
        finally:
            await upstreams.aclose()
        assert len(seen["service"]) == 1
        assert seen["service"][0].startswith(b"GET /readyz HTTP/1.1")
        assert seen["proxy"] == []
