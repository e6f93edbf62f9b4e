"""Stand-ins for the three services (statistics payloads and ``httpx.MockTransport``
handlers) and builders of users, clients and tokens.

The payloads are built with ``shared.statistics`` exactly as the services build theirs; the
numbers are 通城县's 2023 figures (domain.md §7), typed in by hand.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Message

from gateway.identity import service as identity
from gateway.identity.keys import KeyStore, SigningKey
from gateway.identity.models import Client, User
from gateway.identity.schemas import ClientCreate, OrgCreate, UserCreate
from shared.auth import Role
from shared.statistics import (
    Figure,
    FigureDefinition,
    Period,
    Statistics,
    count,
    money,
    rate,
)

REGION = "421222"
YEAR = 2023

Handler = Callable[[httpx.Request], Coroutine[Any, Any, httpx.Response]]


class BrokenOff(httpx.AsyncByteStream):
    """An upstream answer's body that breaks off after its first bytes, as a service
    whose connection drops mid-answer."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"items": ['
        raise httpx.ReadError("peer closed connection")


async def call_asgi(
    app: FastAPI,
    method: str,
    path: str,
    *,
    headers: Sequence[tuple[bytes, bytes]] = (),
    body: Sequence[bytes] = (),
    then: str = "stall",
) -> list[Message]:
    """Call ``app`` as a server would (what an ``httpx.ASGITransport`` cannot do: a
    caller that stops half-way), and answer the messages it sent. The caller sends the
    ``body`` chunks (each with more to come), then goes away (``then="disconnect"``) or
    sends nothing more (``"stall"``)."""
    pending: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": True} for chunk in body
    ]

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then == "disconnect":
            return {"type": "http.disconnect"}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"gateway.test"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("gateway.test", 80),
    }
    await app(scope, receive, send)
    return sent


def definition(key: str) -> FigureDefinition:
    return FigureDefinition(formula=f"{key}/v1", text=f"What {key} counts.")


def _c(key: str, value: int) -> tuple[str, Figure]:
    return key, count(value, definition=definition(key))


def _r(
    key: str, numerator: int, denominator: int, precision: int
) -> tuple[str, Figure]:
    return key, rate(
        numerator, denominator, precision=precision, definition=definition(key)
    )


def _m(key: str, value: str) -> tuple[str, Figure]:
    return key, money(Decimal(value), definition=definition(key))


FIGURES: dict[str, dict[str, Figure]] = {
    "reconsideration": dict(
        [
            _c("reconsideration.applications_received", 62),
            _c("reconsideration.not_accepted", 11),
            _c("reconsideration.accepted", 51),
            _c("reconsideration.concluded", 50),
            _c("reconsideration.pending", 1),
            _c("reconsideration.corrected", 8),
            _r("reconsideration.correction_rate", 8, 40, 1),
            _c("reconsideration.mediated_or_settled", 6),
            _r("reconsideration.mediated_or_settled_rate", 6, 50, 1),
            _c("reconsideration.agency_points", 11),
            _c("reconsideration.collective_discussions", 10),
            _c("reconsideration.opinion_letters_issued", 3),
            _c("reconsideration.opinion_letters_replied_on_time", 3),
            _c("litigation.cases", 23),
            _c("litigation.concluded", 17),
            _c("litigation.pending", 6),
            _c("litigation.lost", 2),
            _r("litigation.loss_rate", 2, 17, 1),
            _r("litigation.head_appearance_rate", 20, 20, 0),
        ]
    ),
    "mediation": dict(
        [
            _c("mediation.cases_mediated", 4561),
            _c("mediation.cases_resolved", 4459),
            _r("mediation.resolution_rate", 4459, 4561, 1),
            _c("mediation.remote_video_sessions", 118),
            _m("mediation.remote_video_cost_saved", "553680.00"),
            _c("mediation.trainings", 16),
            _c("mediation.fulltime_mediators_recruited", 12),
            _c("mediation.committees_founded", 2),
        ]
    ),
    "enforcement": dict(
        [
            _c("enforcement.supervision_recommendations_issued", 14),
            _c("enforcement.supervision_recommendations_rectified", 14),
            _c("enforcement.case_files_reviewed", 30),
            _c("enforcement.social_supervisors", 5),
            _c("enforcement.random_inspections", 46),
            _c("enforcement.joint_inspections", 34),
            _r("enforcement.joint_share", 34, 46, 0),
            _r("enforcement.inspection_item_coverage", 120, 120, 0),
            _c("enforcement.lenient_items_exempt", 15),
            _c("enforcement.lenient_items_no_penalty", 3),
            _c("enforcement.lenient_items_lighter_or_reduced", 39),
            _c("enforcement.new_officers_trained", 112),
            _c("enforcement.special_campaign_clues", 5),
            _c("enforcement.special_campaign_clues_rectified", 5),
            _c("enforcement.unperformed_judgments_rectified", 3),
            _c("enforcement.comprehensive_enforcement_teams", 5),
        ]
    ),
}

BREAKDOWNS: dict[str, dict[str, dict[str, int]]] = {
    "reconsideration": {"applications_received.by_month": {"01": 30, "02": 32}},
    "mediation": {"cases_mediated.by_township": {"421222100": 4000, "421222101": 561}},
    "enforcement": {},
}


def statistics_payload(
    service: str, *, region_code: str = REGION, year: int = YEAR
) -> dict[str, Any]:
    """The JSON a service's ``GET /api/v1/statistics`` answers."""
    return Statistics(
        service=service,
        region_code=region_code,
        year=year,
        period=Period.year(year),
        figures=FIGURES[service],
        breakdowns=BREAKDOWNS[service],
    ).model_dump(mode="json")


def statistics_handler(service: str) -> Handler:
    """A healthy service: answers its statistics for the county and year asked, and /readyz."""

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/readyz":
            return httpx.Response(200, json={"status": "ok"})
        if request.url.path == "/api/v1/statistics":
            params = request.url.params
            return httpx.Response(
                200,
                json=statistics_payload(
                    service, region_code=params["region_code"], year=int(params["year"])
                ),
            )
        return httpx.Response(404, json={"title": "Not found"})

    return handler


async def refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


async def never_answer(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(3600)
    raise AssertionError("unreachable")


def answer(status: int, **kwargs: Any) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, **kwargs)

    return handler


class _Bytes(httpx.AsyncByteStream):
    def __init__(self, content: bytes) -> None:
        self.content = content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.content


def answer_raw(status: int, content: bytes, headers: dict[str, str]) -> Handler:
    """An answer whose body is sent as is, even when it does not match its headers."""

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, stream=_Bytes(content))

    return handler


class _NotYetRead(httpx.AsyncByteStream):
    """A body still to be read, as a network transport returns it (``httpx.MockTransport``
    hands back responses whose body it has already read)."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self.inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            yield chunk


class FakeService:
    """One upstream stand-in: records every request (with its body) and answers with
    ``handler``, which a test may replace."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handler: Handler = statistics_handler(name)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(await request.aread())
        self.requests.append(request)
        response = await self.handler(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_NotYetRead(response.stream),
        )

    @property
    def last(self) -> httpx.Request:
        assert self.requests, f"{self.name} received no request"
        return self.requests[-1]


# --- identity ----------------------------------------------------------------------------

PASSWORD = "Correct-Horse-42"
ISSUER = "fazhi-gateway"
AUDIENCE = "fazhi"


async def make_user(
    session: AsyncSession,
    *,
    username: str = "zhang.wei",
    password: str = PASSWORD,
    roles: Sequence[Role] = (Role.county_admin,),
    display_name: str = "张伟",
    region_code: str = REGION,
    **org: Any,
) -> User:
    """A flushed user (the password hashed with argon2, as the command line stores it)."""
    return await identity.create_user(
        session,
        payload=UserCreate(
            username=username,
            display_name=display_name,
            roles=list(roles),
            org=OrgCreate(region_code=region_code, **org),
            password=SecretStr(password),
        ),
    )


async def make_client(
    session: AsyncSession,
    *,
    scopes: Sequence[str] = ("mediation:read", "reports:read"),
    name: str = "12345 热线",
    region_code: str = REGION,
    **org: Any,
) -> tuple[Client, str]:
    """A flushed client and its secret."""
    return await identity.create_client(
        session,
        payload=ClientCreate(
            name=name,
            scopes=list(scopes),
            org=OrgCreate(region_code=region_code, **org),
        ),
    )


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid access-token claims of a county-level reader of reports; ``None`` drops a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid.uuid4()),
        "typ": "user",
        "name": "李娜",
        "iat": now,
        "exp": now + 900,
        "jti": str(uuid.uuid4()),
        "scope": "reports:read",
        "org": {
            "region_code": REGION,
            "township_code": None,
            "committee_id": None,
            "agency_id": None,
        },
        "roles": ["leader"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


async def signing_key(app: FastAPI) -> SigningKey:
    """The key the app signs with now."""
    store: KeyStore = app.state.signing_keys
    return (await store.current()).signing_key


async def bearer(app: FastAPI, **overrides: Any) -> dict[str, str]:
    """An ``Authorization`` header with a token the app itself could have issued."""
    token = (await signing_key(app)).sign(claims(**overrides))
    return {"Authorization": f"Bearer {token}"}
