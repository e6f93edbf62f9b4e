"""The typed clients: what they send and how upstream failures are mapped."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from gateway.config import Settings
from gateway.reports.exceptions import UpstreamTimeout, UpstreamUnavailable
from gateway.reports.schemas import UpstreamName
from gateway.upstream import KeptStatistics, MediationClient, open_upstreams
from shared.settings import Environment
from tests.factories import (
    Handler,
    answer,
    answer_raw,
    refuse_connection,
    statistics_handler,
)


def mediation(handler: Handler, **kwargs: object) -> MediationClient:
    http = httpx.AsyncClient(
        base_url="http://mediation.test", transport=httpx.MockTransport(handler)
    )
    return MediationClient(http, **kwargs)  # type: ignore[arg-type]


class TestStatistics:
    async def test_returns_the_gateways_model_of_the_payload(self) -> None:
        stats = await mediation(statistics_handler("mediation")).statistics(
            "421222", 2023
        )
        assert stats.service == "mediation"
        assert stats.figures["mediation.cases_mediated"].value == 4561
        assert stats.figures["mediation.resolution_rate"].definition.formula == (
            "mediation.resolution_rate/v1"
        )

    async def test_unchanged_figures_are_asked_conditionally_and_kept(self) -> None:
        """A kept answer's ETag goes out in If-None-Match; a 304 gives the kept figures;
        a 200 replaces them; a refusal (403) is not answered from what is kept."""
        seen: list[httpx.Request] = []
        answers = iter(["v1", "304", "v2", "403", "v3"])
        healthy = statistics_handler("mediation")

        async def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            what = next(answers)
            if what == "304":
                return httpx.Response(304, headers={"ETag": 'W/"v1"'})
            if what == "403":
                return httpx.Response(403, json={"title": "Not permitted"})
            fresh = await healthy(request)
            payload = fresh.json()
            payload["figures"]["mediation.cases_mediated"]["value"] = int(what[1:])
            return httpx.Response(200, json=payload, headers={"ETag": f'W/"{what}"'})

        kept = KeptStatistics()
        client = mediation(handler, kept=kept)
        first = await client.statistics("421222", 2023)
        assert "if-none-match" not in seen[0].headers
        assert first.figures["mediation.cases_mediated"].value == 1
        assert (await client.statistics("421222", 2023)) is first
        assert seen[1].headers["if-none-match"] == 'W/"v1"'
        second = await client.statistics("421222", 2023)
        assert second.figures["mediation.cases_mediated"].value == 2
        assert seen[2].headers["if-none-match"] == 'W/"v1"'
        with pytest.raises(UpstreamUnavailable, match="answered 403"):
            await client.statistics("421222", 2023)
        assert seen[3].headers["if-none-match"] == 'W/"v2"'
        # Another county is its own entry: asked without a tag.
        other = await client.statistics("421223", 2023)
        assert "if-none-match" not in seen[4].headers
        assert other.region_code == "421223"

    async def test_a_304_unasked_is_unavailable(self) -> None:
        with pytest.raises(UpstreamUnavailable, match="304 unasked"):
            await mediation(answer(304)).statistics("421222", 2023)

    async def test_forwards_the_callers_authorization(self) -> None:
        seen: list[httpx.Request] = []
        healthy = statistics_handler("mediation")

        async def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return await healthy(request)

        await mediation(handler, authorization="Bearer abc").statistics("421222", 2023)
        assert seen[0].headers["authorization"] == "Bearer abc"
        # Outside a request there is no request id to forward.
        assert "x-request-id" not in seen[0].headers

    @pytest.mark.parametrize("status", [500, 503])
    async def test_5xx_is_unavailable_naming_the_upstream(self, status: int) -> None:
        with pytest.raises(UpstreamUnavailable) as caught:
            await mediation(answer(status, text="boom")).statistics("421222", 2023)
        assert caught.value.status == 502
        assert caught.value.upstream == "mediation"
        assert caught.value.extensions == {"upstream": "mediation"}
        assert caught.value.detail == f"mediation answered {status}"

    async def test_a_refused_connection_is_unavailable(self) -> None:
        with pytest.raises(UpstreamUnavailable, match="mediation is not reachable"):
            await mediation(refuse_connection).statistics("421222", 2023)

    async def test_a_connect_timeout_is_unavailable(self) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectTimeout("connect timed out", request=request)

        with pytest.raises(UpstreamUnavailable, match="mediation is not reachable"):
            await mediation(handler).statistics("421222", 2023)

    async def test_a_read_timeout_is_a_timeout_naming_the_upstream(self) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("read timed out", request=request)

        with pytest.raises(UpstreamTimeout) as caught:
            await mediation(handler).statistics("421222", 2023)
        assert caught.value.status == 504
        assert caught.value.upstream == "mediation"

    async def test_a_broken_connection_is_unavailable(self) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.RemoteProtocolError("peer closed connection", request=request)

        with pytest.raises(UpstreamUnavailable, match="broke the connection"):
            await mediation(handler).statistics("421222", 2023)

    async def test_a_body_that_does_not_decode_is_unavailable(self) -> None:
        garbage = answer_raw(200, b"not gzip", {"Content-Encoding": "gzip"})
        with pytest.raises(UpstreamUnavailable, match="sent an unreadable answer"):
            await mediation(garbage).statistics("421222", 2023)

    async def test_invalid_json_is_unavailable(self) -> None:
        with pytest.raises(UpstreamUnavailable, match="invalid JSON"):
            await mediation(answer(200, text="<html>")).statistics("421222", 2023)

    async def test_an_oversized_payload_is_refused(self) -> None:
        big = answer(200, json={"padding": "x" * 5000})
        with pytest.raises(UpstreamUnavailable, match="more than 1024 bytes"):
            await mediation(big, max_payload_bytes=1024).statistics("421222", 2023)


class TestReadiness:
    async def test_ready_when_readyz_answers_200(self) -> None:
        await mediation(statistics_handler("mediation")).check_ready()

    async def test_not_ready_when_readyz_answers_503(self) -> None:
        with pytest.raises(
            UpstreamUnavailable, match=r"mediation is not ready \(503\)"
        ):
            await mediation(answer(503)).check_ready()


class TestOpenUpstreams:
    async def test_one_client_per_upstream_with_explicit_settings(self) -> None:
        settings = Settings(
            environment=Environment.test,
            mediation_url="http://mediation.internal:9000/",
            connect_timeout_s=1.5,
            read_timeout_s=20,
            write_timeout_s=10,
            pool_timeout_s=3,
        )
        upstreams = open_upstreams(settings)
        try:
            assert set(upstreams.http) == {
                "reconsideration",
                "mediation",
                "enforcement",
            }
            http = upstreams.http[UpstreamName.mediation]
            assert str(http.base_url).rstrip("/") == "http://mediation.internal:9000"
            assert http.timeout == httpx.Timeout(connect=1.5, read=20, write=10, pool=3)
            assert http.trust_env is False
            assert http.follow_redirects is False
            enforcement = upstreams.http[UpstreamName.enforcement].base_url
            assert str(enforcement).rstrip("/") == "http://127.0.0.1:8003"
        finally:
            await upstreams.aclose()
        assert all(h.is_closed for h in upstreams.http.values())

    async def test_a_transport_for_an_unknown_upstream_is_refused(self) -> None:
        with pytest.raises(ValueError, match="no upstream called billing"):
            open_upstreams(
                Settings(environment=Environment.test),
                transports={"billing": httpx.MockTransport(refuse_connection)},
            )

    def test_upstream_urls_must_be_http(self) -> None:
        with pytest.raises(ValidationError):
            Settings(environment=Environment.test, mediation_url="mediation:8002")

    async def test_cookies_set_by_an_upstream_are_not_kept(self) -> None:
        seen: list[httpx.Request] = []

        async def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(
                200, json={}, headers={"Set-Cookie": "session=secret; Path=/"}
            )

        upstreams = open_upstreams(
            Settings(environment=Environment.test),
            transports={"mediation": httpx.MockTransport(handler)},
        )
        try:
            client = upstreams.client(UpstreamName.mediation)
            await client.get_json("/anything")
            await client.get_json("/anything")
        finally:
            await upstreams.aclose()
        assert "cookie" not in seen[1].headers
