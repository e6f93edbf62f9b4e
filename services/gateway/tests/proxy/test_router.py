from __future__ import annotations

import asyncio
import gzip
import json

import httpx
import pytest
import structlog
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from gateway.config import Settings
from gateway.main import create_app
from gateway.proxy.router import METHODS, RelayMiddleware
from tests.factories import (
    BrokenOff,
    FakeService,
    answer,
    call_asgi,
    refuse_connection,
)

PROBLEM = "application/problem+json"


def created(location: str) -> httpx.Response:
    return httpx.Response(
        201,
        json={"id": "d-1", "status": "registered"},
        headers={"Location": location, "X-Upstream": "mediation", "ETag": '"1"'},
    )


class TestRouting:
    async def test_forwards_method_path_query_body_token_and_request_id(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return created("/api/v1/disputes/d-1")

        upstreams["mediation"].handler = handler
        body = {"region_code": "421222", "note": "邻里纠纷"}
        response = await client.post(
            "/api/v1/mediation/disputes?region_code=421222&q=a%20b&q=c",
            content=json.dumps(body, ensure_ascii=False).encode(),
            headers={
                "Authorization": "Bearer caller-token",
                "X-Request-ID": "req-proxy-0001",
                "Content-Type": "application/json",
                "Idempotency-Key": "6f1d0c3e-6b0e-4f55-9a51-1b8b3c1f2e11",
                "X-Forwarded-For": "10.9.8.7",
            },
        )
        sent = upstreams["mediation"].last
        # The services record the address the gateway saw; a caller cannot choose it.
        assert sent.headers.get_list("x-forwarded-for") == ["127.0.0.1"]
        assert sent.method == "POST"
        assert sent.url.host == "127.0.0.1"
        assert sent.url.port == 8002
        assert sent.url.raw_path == b"/api/v1/disputes?region_code=421222&q=a%20b&q=c"
        assert json.loads(upstreams["mediation"].bodies[-1]) == body
        assert sent.headers["authorization"] == "Bearer caller-token"
        assert sent.headers["x-request-id"] == "req-proxy-0001"
        assert sent.headers["content-type"] == "application/json"
        assert sent.headers["idempotency-key"] == "6f1d0c3e-6b0e-4f55-9a51-1b8b3c1f2e11"
        assert sent.headers["host"] == "127.0.0.1:8002"

        assert response.status_code == 201
        assert response.json() == {"id": "d-1", "status": "registered"}
        assert response.headers["location"] == "/api/v1/mediation/disputes/d-1"
        assert response.headers["x-upstream"] == "mediation"
        assert response.headers["etag"] == '"1"'
        assert response.headers["x-request-id"] == "req-proxy-0001"
        assert response.headers.get_list("x-request-id") == ["req-proxy-0001"]

    @pytest.mark.parametrize(
        ("service", "port"),
        [("reconsideration", 8001), ("mediation", 8002), ("enforcement", 8003)],
    )
    async def test_each_service_is_routed_to_its_own_upstream(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        service: str,
        port: int,
    ) -> None:
        response = await client.get(f"/api/v1/{service}/things/42")
        assert response.status_code == 404  # the stand-in's answer, relayed
        assert (
            upstreams[service].last.url == f"http://127.0.0.1:{port}/api/v1/things/42"
        )
        others = [fake for name, fake in upstreams.items() if name != service]
        assert all(not fake.requests for fake in others)

    async def test_a_request_without_a_body_is_sent_without_one(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        await client.get("/api/v1/mediation/disputes")
        sent = upstreams["mediation"].last
        assert "content-length" not in sent.headers
        assert "transfer-encoding" not in sent.headers
        assert upstreams["mediation"].bodies[-1] == b""

    async def test_a_generated_request_id_is_forwarded_and_echoed(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.get("/api/v1/enforcement/agencies")
        request_id = response.headers["x-request-id"]
        assert upstreams["enforcement"].last.headers["x-request-id"] == request_id

    async def test_upstream_status_body_and_headers_come_back_unchanged(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        problem = {
            "type": "urn:fazhi:problem:dispute-transition-not-allowed",
            "status": 409,
        }
        raw = json.dumps(problem).encode()

        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                409,
                content=raw,
                headers=[
                    ("Content-Type", PROBLEM),
                    ("Link", "</a>; rel=a"),
                    ("Link", "</b>; rel=b"),
                    ("Cache-Control", "no-store"),
                ],
            )

        upstreams["mediation"].handler = handler
        response = await client.post(
            "/api/v1/mediation/disputes/d-1/events", json={"type": "fail"}
        )
        assert response.status_code == 409
        assert response.content == raw
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["content-length"] == str(len(raw))
        assert response.headers.get_list("link") == ["</a>; rel=a", "</b>; rel=b"]
        assert response.headers["cache-control"] == "no-store"

    @pytest.mark.parametrize("size", [10, 64 * 1024, 64 * 1024 + 1, 300_000])
    async def test_short_answers_are_sent_whole_and_long_ones_streamed_alike(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService], size: int
    ) -> None:
        """Up to 64 KiB (Content-Length) an answer is read whole, beyond it streamed:
        either way the caller gets the same status, headers and bytes."""
        body = bytes(i % 251 for i in range(size))
        upstreams["mediation"].handler = answer(
            200, content=body, headers={"Content-Type": "application/octet-stream"}
        )
        response = await client.get("/api/v1/mediation/exports/e-1")
        assert response.status_code == 200
        assert response.content == body
        assert response.headers["content-length"] == str(size)
        assert response.headers["content-type"] == "application/octet-stream"

    async def test_a_streamed_answer_broken_off_is_left_unfinished(
        self, app: FastAPI, upstreams: dict[str, FakeService]
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, stream=BrokenOff())  # no length: streamed

        upstreams["mediation"].handler = handler
        with structlog.testing.capture_logs() as logs:
            sent = await call_asgi(app, "GET", "/api/v1/mediation/disputes")
        assert [m["type"] for m in sent] == [
            "http.response.start",
            "http.response.body",
        ]
        assert sent[0]["status"] == 200
        # The end of the answer is never sent: the server closes the connection.
        assert sent[1]["body"] == b'{"items": ['
        assert sent[1]["more_body"] is True
        events = {e["event"]: e for e in logs}
        assert events["relay_broken"]["upstream"] == "mediation"
        assert events["relay_broken"]["error"] == "ReadError"
        assert "unhandled_error" not in events

    async def test_a_short_answer_broken_off_is_503_with_retry_after(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200, headers={"Content-Length": "100"}, stream=BrokenOff()
            )

        upstreams["mediation"].handler = handler
        response = await client.get("/api/v1/mediation/disputes")
        assert response.status_code == 503
        assert response.headers["retry-after"]
        problem = response.json()
        assert problem["type"] == "urn:fazhi:problem:upstream-down"
        assert problem["upstream"] == "mediation"

    async def test_a_compressed_answer_is_relayed_as_is(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        compressed = gzip.compress(b'{"items": []}')

        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200,
                content=compressed,
                headers={
                    "Content-Encoding": "gzip",
                    "Content-Type": "application/json",
                },
            )

        upstreams["mediation"].handler = handler
        response = await client.get(
            "/api/v1/mediation/disputes", headers={"Accept-Encoding": "gzip"}
        )
        assert upstreams["mediation"].last.headers["accept-encoding"] == "gzip"
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["content-length"] == str(len(compressed))
        assert response.json() == {"items": []}

    async def test_no_compression_is_asked_for_a_caller_that_did_not(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        request = client.build_request("GET", "/api/v1/mediation/disputes")
        del request.headers["accept-encoding"]
        await client.send(request)
        assert "accept-encoding" not in upstreams["mediation"].last.headers

    async def test_hop_by_hop_headers_stay_on_their_hop(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200,
                json={},
                headers={
                    "Connection": "X-Upstream-Hop",
                    "X-Upstream-Hop": "1",
                    "Keep-Alive": "timeout=5",
                    "Server": "uvicorn",
                    "X-Kept": "yes",
                },
            )

        upstreams["mediation"].handler = handler
        response = await client.get(
            "/api/v1/mediation/disputes",
            headers={
                "Connection": "X-Caller-Hop",
                "X-Caller-Hop": "1",
                "Proxy-Authorization": "Basic c2VjcmV0",
                "TE": "trailers",
                "X-Kept": "yes",
            },
        )
        sent = upstreams["mediation"].last.headers
        for name in ("x-caller-hop", "proxy-authorization", "te"):
            assert name not in sent
        assert sent["x-kept"] == "yes"
        for name in ("x-upstream-hop", "keep-alive", "server"):
            assert name not in response.headers
        assert response.headers["x-kept"] == "yes"

    @pytest.mark.parametrize(
        ("location", "rewritten"),
        [
            ("/api/v1/disputes/d-1", "/api/v1/mediation/disputes/d-1"),
            (
                "http://127.0.0.1:8002/api/v1/disputes/d-1",
                "/api/v1/mediation/disputes/d-1",
            ),
            ("https://example.org/elsewhere", "https://example.org/elsewhere"),
        ],
    )
    async def test_location_of_a_created_record_points_through_the_gateway(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        location: str,
        rewritten: str,
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return created(location)

        upstreams["mediation"].handler = handler
        response = await client.post("/api/v1/mediation/disputes", json={})
        assert response.headers["location"] == rewritten

    @pytest.mark.parametrize(
        "path", ["/api/v1/mediation/%2E%2E/readyz", "/api/v1/mediation/disputes/%2e/x"]
    )
    async def test_dot_segments_are_not_routed(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService], path: str
    ) -> None:
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert not upstreams["mediation"].requests

    async def test_an_encoded_slash_stays_encoded(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        await client.get("/api/v1/mediation/committees/a%2Fb")
        assert upstreams["mediation"].last.url.raw_path == b"/api/v1/committees/a%2Fb"


class TestUpstreamDown:
    async def test_a_service_that_cannot_be_reached_answers_503_with_retry_after(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        upstreams["enforcement"].handler = refuse_connection
        response = await client.post(
            "/api/v1/enforcement/instruments", json={"kind": "x"}
        )
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["retry-after"] == "7"
        problem = response.json()
        assert problem["type"] == "urn:fazhi:problem:upstream-down"
        assert problem["upstream"] == "enforcement"
        assert "enforcement" in problem["detail"]
        assert problem["request_id"] == response.headers["x-request-id"]

    async def test_a_service_too_slow_to_answer_is_504_naming_it(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("timed out", request=request)

        upstreams["reconsideration"].handler = handler
        response = await client.get("/api/v1/reconsideration/applications")
        assert response.status_code == 504
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["upstream"] == "reconsideration"


class TestRelay:
    """Routed calls are served by RelayMiddleware, before FastAPI's router; the routes of
    the proxy router describe them in the OpenAPI document and answer alike without it."""

    @pytest.fixture
    def handled(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        """Paths FastAPI's router handed to an APIRoute."""
        paths: list[str] = []
        handle = APIRoute.handle

        async def spy(
            self: APIRoute, scope: Scope, receive: Receive, send: Send
        ) -> None:
            paths.append(scope["path"])
            await handle(self, scope, receive, send)

        monkeypatch.setattr(APIRoute, "handle", spy)
        return paths

    @pytest.mark.parametrize("method", METHODS)
    async def test_every_routed_method_is_served_before_the_router(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, FakeService],
        handled: list[str],
        method: str,
    ) -> None:
        for name in ("reconsideration", "mediation", "enforcement"):
            upstreams[name].handler = answer(200, json={"service": name})
            response = await client.request(method, f"/api/v1/{name}/x/1?a=b")
            assert response.status_code == 200
            assert upstreams[name].last.method == method
            assert upstreams[name].last.url.raw_path == b"/api/v1/x/1?a=b"
        assert handled == []
        # The gateway's own operations still go through the router.
        assert (await client.get("/upstreams")).status_code == 200
        assert handled == ["/upstreams"]

    async def test_a_method_no_route_has_is_405_and_not_routed(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService]
    ) -> None:
        response = await client.request("TRACE", "/api/v1/mediation/disputes")
        assert response.status_code == 405
        assert response.headers["content-type"] == PROBLEM
        assert not upstreams["mediation"].requests

    @pytest.mark.parametrize("path", ["/api/v1/mediation", "/api/v1/mediations/x"])
    async def test_a_path_beside_a_mount_is_not_routed(
        self, client: httpx.AsyncClient, upstreams: dict[str, FakeService], path: str
    ) -> None:
        response = await client.get(path)
        assert response.status_code in (307, 404)
        assert not upstreams["mediation"].requests

    async def test_the_routes_answer_alike_without_the_relay(
        self, app: FastAPI, upstreams: dict[str, FakeService], handled: list[str]
    ) -> None:
        async def handler(request: httpx.Request) -> httpx.Response:
            return created("/api/v1/disputes/d-1")

        upstreams["mediation"].handler = handler

        async def call() -> tuple[int, dict[str, str], bytes, bytes]:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
            ) as c:
                response = await c.post(
                    "/api/v1/mediation/disputes?q=1",
                    content=b'{"a": 1}',
                    headers={
                        "Content-Type": "application/json",
                        "X-Request-ID": "req-relay-0001",
                    },
                )
            sent = upstreams["mediation"].last
            headers = {k: v for k, v in response.headers.items() if k not in ("date",)}
            return response.status_code, headers, response.content, sent.url.raw_path

        relayed = await call()
        assert handled == []
        app.user_middleware = [
            m for m in app.user_middleware if m.cls is not RelayMiddleware
        ]
        app.middleware_stack = app.build_middleware_stack()
        routed = await call()
        assert handled == ["/api/v1/mediation/disputes"]  # served by the route
        assert relayed[0] == 201
        assert relayed == routed


class TestOverTheNetwork:
    """The real transport (aiohttp) to a socket that records the request it receives."""

    async def test_the_service_gets_the_callers_headers_and_none_of_aiohttps(
        self, settings: Settings
    ) -> None:
        heads: list[bytes] = []

        async def serve(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            heads.append(head)
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            await reader.readexactly(length)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 2\r\n\r\n{}"
            )
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        app = create_app(
            settings.model_copy(update={"mediation_url": f"http://127.0.0.1:{port}"})
        )
        try:
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app),
                    base_url="http://gateway.test",
                ) as client,
            ):
                client.headers.pop("accept-encoding")
                response = await client.post(
                    "/api/v1/mediation/notes", content=b"plain bytes"
                )
        finally:
            server.close()
            await server.wait_closed()
        assert response.status_code == 200
        lines = heads[0].decode("latin-1").split("\r\n")
        names = {line.split(":", 1)[0].lower() for line in lines[1:] if line}
        assert lines[0] == "POST /api/v1/notes HTTP/1.1"
        assert "content-length" in names
        assert "accept-encoding" not in names
        assert "content-type" not in names
