"""Test helpers for the data services: a migrated database per test session
(SQLite always; PostgreSQL when ``FAZHI_TEST_POSTGRES_URL`` is set) and a
session per test inside an outer transaction that is rolled back.

The endpoint's ``commit()`` only releases a savepoint
(``join_transaction_mode="create_savepoint"``), so every test starts from the
migrated, empty schema.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import (
    AsyncIterator,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
)
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    create_async_engine,
)

from shared.db import create_engine, install_database
from shared.service import DataServiceSettings

POSTGRES_ENV = "FAZHI_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    """The PostgreSQL server tests may create throwaway databases on, if any."""
    return os.environ.get(POSTGRES_ENV) or None


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


def _in_thread(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine in a fresh loop on its own thread (safe inside a running loop)."""
    _in_thread_sync(lambda: asyncio.run(coro_factory()))


@contextmanager
def throwaway_database(service: str, *, backend: str | None = None) -> Iterator[str]:
    """Yield the URL of an empty database that is removed afterwards.

    ``backend`` is ``"sqlite"`` or ``"postgresql"``; by default PostgreSQL when
    ``FAZHI_TEST_POSTGRES_URL`` is set, else SQLite.
    """
    admin = postgres_admin_url()
    backend = backend or ("postgresql" if admin else "sqlite")
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"fazhi-{service}-") as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / f'{service}.sqlite3'}"
        return
    if not admin:
        raise RuntimeError(f"{POSTGRES_ENV} is not set")
    name = f"fazhi_test_{service}_{uuid.uuid4().hex[:10]}"
    _in_thread(lambda: _admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        _in_thread(
            lambda: _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )


def migrate(alembic_ini: Path, url: str, revision: str = "head") -> None:
    """``alembic upgrade <revision>`` against ``url`` (in its own thread and loop)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(alembic_ini))
    config.attributes["database_url"] = url
    _in_thread_sync(lambda: command.upgrade(config, revision))


def downgrade(alembic_ini: Path, url: str, revision: str) -> None:
    """``alembic downgrade <revision>`` against ``url`` (in its own thread and loop)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(alembic_ini))
    config.attributes["database_url"] = url
    _in_thread_sync(lambda: command.downgrade(config, revision))


def _in_thread_sync(fn: Callable[[], object]) -> None:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@asynccontextmanager
async def rolled_back_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(
            bind=conn,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )
        try:
            yield session
        finally:
            await session.close()
            if outer.is_active:
                await outer.rollback()


# --- Fixtures every data service's tests use -------------------------------------------
#
# A service's tests/conftest.py defines a session-scoped ``service_under_test`` fixture
# returning a ServiceUnderTest and imports the fixtures below by name.

#: Every permission there is: the default test caller is a provincial administrator
#: (no ``org`` restriction), so tests of other concerns are not tests of scope.
ALL_SCOPES = frozenset(
    {
        f"{s}:{p}"
        for s in ("reconsideration", "mediation", "enforcement")
        for p in ("read", "write", "pii")
    }
    | {"reports:read", "audit:read", "reconsideration:calendar"}
)


class TokenIssuer:
    """Signs tokens the way the gateway does (Ed25519, a ``kid``), with a key of its own or
    with ``key`` (e.g. a gateway's signing key, so that the gateway accepts them too)."""

    issuer = "fazhi-gateway"
    audience = "fazhi"

    def __init__(
        self, kid: str = "test-key-1", *, key: Ed25519PrivateKey | None = None
    ) -> None:
        self.key = key or Ed25519PrivateKey.generate()
        public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key()))
        self.kid = kid
        self.jwks = {"keys": [{**public, "kid": kid, "alg": "EdDSA", "use": "sig"}]}

    def token(
        self,
        *,
        scopes: Iterable[str] = ALL_SCOPES,
        org: Mapping[str, Any] | None = None,
        subject: str = "test-user",
        name: str = "测试用户",
        ttl_s: int = 900,
        headers: Mapping[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "name": name,
            "typ": "user",
            "iat": now,
            "exp": now + ttl_s,
            "jti": uuid.uuid4().hex,
            "scope": " ".join(sorted(scopes)),
            "org": dict(org or {}),
        }
        body.update(claims)
        return jwt.encode(
            body,
            self.key,
            algorithm="EdDSA",
            headers={"kid": self.kid, **(headers or {})},
        )

    def headers(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}


#: A request extension telling KeepsETags not to add If-Match.
NO_IF_MATCH = "fazhi_no_if_match"


class KeepsETags(httpx.AsyncBaseTransport):
    """What a well-behaved client does about optimistic concurrency (shared.conditional):
    it remembers the ETag of each record from the answers it got (reads, creates through
    their ``Location``, commands) and sends it as ``If-Match`` with a command
    (``POST …/events``) that carries none, reading the record first when it has not seen
    it or when its remembered ETag turns out stale (412).

    Tests of other behaviour use it so that every command need not repeat the dance; the
    tests of If-Match itself send their own header, or ask for none with the request
    extension ``NO_IF_MATCH``."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.etags: dict[str, str] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        record = path.removesuffix("/events")
        automatic = (
            request.method == "POST"
            and record != path
            and "if-match" not in request.headers
            and not request.extensions.get(NO_IF_MATCH)
        )
        if automatic:
            tag = self.etags.get(record) or await self._read_etag(request, record)
            if tag is not None:
                request.headers["If-Match"] = tag
        response = await self.inner.handle_async_request(request)
        if automatic and response.status_code == 412:
            await response.aread()
            tag = await self._read_etag(request, record)
            if tag is not None:
                request.headers["If-Match"] = tag
                response = await self.inner.handle_async_request(request)
        self._remember(request, response)
        return response

    async def _read_etag(self, request: httpx.Request, record: str) -> str | None:
        probe = httpx.Request(
            "GET",
            request.url.copy_with(path=record, query=None),
            headers={
                k: v for k, v in request.headers.items() if k.lower() == "authorization"
            },
        )
        response = await self.inner.handle_async_request(probe)
        await response.aread()
        self._remember(probe, response)
        tag: str | None = response.headers.get("etag")
        return tag

    def _remember(self, request: httpx.Request, response: httpx.Response) -> None:
        tag = response.headers.get("etag")
        if tag is None or response.status_code >= 300:
            return
        path = request.url.path
        if response.status_code == 201 and "location" in response.headers:
            self.etags[httpx.URL(response.headers["location"]).path] = tag
        elif request.method == "POST" and path.endswith("/events"):
            self.etags[path.removesuffix("/events")] = tag
        elif request.method == "GET":
            self.etags[path] = tag

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    alembic_ini: Path
    create_app: Callable[..., FastAPI]
    settings: Callable[..., DataServiceSettings]
    get_session: Callable[..., AsyncIterator[AsyncSession]]
    issuer: TokenIssuer = field(default_factory=TokenIssuer)

    def app(self, database_url: str, **overrides: Any) -> FastAPI:
        settings = self.settings(
            environment="test",
            database_url=database_url,
            jwks=json.dumps(self.issuer.jwks),
            **overrides,
        )
        return self.create_app(settings)

    def client(
        self,
        app: FastAPI,
        *,
        raise_app_exceptions: bool = True,
        keep_etags: bool = True,
    ) -> httpx.AsyncClient:
        """A client of ``app`` that sends the all-permissions token and, unless
        ``keep_etags`` is false, If-Match with commands (see :class:`KeepsETags`)."""
        transport: httpx.AsyncBaseTransport = httpx.ASGITransport(
            app=app, raise_app_exceptions=raise_app_exceptions
        )
        if keep_etags:
            transport = KeepsETags(transport)
        return httpx.AsyncClient(
            transport=transport, base_url=self.base_url, headers=self.issuer.headers()
        )

    @property
    def base_url(self) -> str:
        return f"http://{self.name}.test"


@pytest.fixture(scope="session")
def token_issuer(service_under_test: ServiceUnderTest) -> TokenIssuer:
    """The key the service under test trusts: ``token_issuer.headers(scopes=..., org=...)``."""
    return service_under_test.issuer


@pytest.fixture(scope="session")
def database_url(service_under_test: ServiceUnderTest) -> Iterator[str]:
    """A database migrated once for the whole test session (PostgreSQL when
    FAZHI_TEST_POSTGRES_URL is set, else SQLite)."""
    with throwaway_database(service_under_test.name) as url:
        migrate(service_under_test.alembic_ini, url)
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with rolled_back_session(engine) as session:
        yield session


class _SharedSession:
    """Stands in for a sessionmaker: every "new" session is the test's session, left open."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def __call__(self) -> _SharedSession:
        return self

    async def __aenter__(self) -> AsyncSession:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        return None


@pytest.fixture
def client_with(
    service_under_test: ServiceUnderTest,
    database_url: str,
    engine: AsyncEngine,
    session: AsyncSession,
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with client_with(setting=value) as client``: the real app built with those
    settings; its requests share the test's rolled-back session."""

    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = service_under_test.app(database_url, **overrides)
        install_database(app.state, engine)
        # What the app opens on its own (the denied-attempt audit records) joins the test's
        # rolled-back session too: a real session would wait on the test's write lock
        # (SQLite) and commit rows no test rolls back.
        app.state.sessionmaker = app.state.read_sessionmaker = _SharedSession(session)

        async def test_session() -> AsyncIterator[AsyncSession]:
            # Like a real request's transaction, what a failed request wrote is rolled
            # back (a savepoint per request; what the test itself added stays).
            savepoint = await session.begin_nested()
            try:
                yield session
            except BaseException:
                if savepoint.is_active:
                    await savepoint.rollback()
                raise
            if savepoint.is_active:
                await savepoint.commit()

        app.dependency_overrides[service_under_test.get_session] = test_session
        async with service_under_test.client(app) as c:
            yield c

    return make


@pytest.fixture
async def client(
    client_with: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app; its requests share the test's rolled-back session and carry a token
    with every permission and no organisation restriction."""
    async with client_with() as c:
        yield c


@pytest.fixture
async def committing_client(
    service_under_test: ServiceUnderTest, database_url: str, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with its own sessions: requests really commit or roll back.

    Tests using it must leave no rows behind (use it for requests that fail).
    """
    app = service_under_test.app(database_url)
    install_database(app.state, engine)
    async with service_under_test.client(app, raise_app_exceptions=False) as c:
        yield c


@pytest.fixture
async def isolated_client(
    service_under_test: ServiceUnderTest,
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app, lifespan and all, on a database of its own: requests commit for real
    and may run concurrently. Slower; for whole-sample and concurrency tests."""
    with throwaway_database(service_under_test.name) as url:
        migrate(service_under_test.alembic_ini, url)
        app = service_under_test.app(url)
        async with (
            app.router.lifespan_context(app),
            service_under_test.client(app) as c,
        ):
            yield c


def api_operations(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the app's /api/v1 operations, path parameters filled with
    a random UUID."""
    out: list[tuple[str, str]] = []
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        concrete = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)
        out.extend((method.upper(), concrete) for method in operations)
    return sorted(out)


def bad_tokens(issuer: TokenIssuer) -> dict[str, str]:
    """Tokens a service must refuse with 401, by what is wrong with them."""
    stranger = TokenIssuer(kid=issuer.kid)  # same kid, another key: a forged signature
    valid = issuer.token()
    header, payload, signature = valid.split(".")
    tampered_payload = base64.urlsafe_b64encode(
        json.dumps(
            {**jwt.decode(valid, options={"verify_signature": False}), "scope": "x"}
        ).encode()
    ).rstrip(b"=")
    unsigned_header = base64.urlsafe_b64encode(
        b'{"alg":"none","typ":"JWT","kid":"test-key-1"}'
    ).rstrip(b"=")
    return {
        "garbage": "not-a-token",
        "expired": issuer.token(ttl_s=-3600),
        "wrong_audience": issuer.token(aud="another-system"),
        "wrong_issuer": issuer.token(iss="someone-else"),
        "forged_signature": stranger.token(),
        "tampered_claims": f"{header}.{tampered_payload.decode()}.{signature}",
        "alg_none": f"{unsigned_header.decode()}.{payload}.",
        "unknown_key": issuer.token(headers={"kid": "no-such-key"}),
        # Signed by the right key, but its organisation is no organisation.
        "malformed_org": issuer.token(org={"committee_id": "not-a-uuid"}),
    }


class AuthContract:
    """Tests every data service inherits (docs/auth.md): subclass it in the service's tests
    as ``class TestAuth(AuthContract)`` and name a ``collection`` path of the service."""

    collection: str = ""
    other_service: str = "enforcement"

    @pytest.fixture
    async def anonymous(
        self, service_under_test: ServiceUnderTest, database_url: str
    ) -> httpx.AsyncClient:
        app = service_under_test.app(database_url)
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=service_under_test.base_url
        )

    async def test_without_a_token_every_operation_is_401(
        self,
        service_under_test: ServiceUnderTest,
        database_url: str,
        anonymous: httpx.AsyncClient,
    ) -> None:
        operations = api_operations(service_under_test.app(database_url))
        assert len(operations) >= 10
        for method, path in operations:
            response = await anonymous.request(
                method, path, json={} if method == "POST" else None
            )
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_every_kind_of_bad_token_is_401(
        self,
        service_under_test: ServiceUnderTest,
        database_url: str,
        anonymous: httpx.AsyncClient,
    ) -> None:
        operations = api_operations(service_under_test.app(database_url))
        for kind, token in bad_tokens(service_under_test.issuer).items():
            for method, path in operations:
                response = await anonymous.request(
                    method,
                    path,
                    headers={"Authorization": f"Bearer {token}"},
                    json={} if method == "POST" else None,
                )
                assert response.status_code == 401, (kind, method, path, response.text)
                assert response.json()["type"] == "urn:fazhi:problem:unauthorized"

    async def test_health_stays_open(self, anonymous: httpx.AsyncClient) -> None:
        assert (await anonymous.get("/livez")).status_code == 200

    async def test_read_permission_does_not_allow_writing(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        reader = service_under_test.issuer.headers(
            scopes={f"{service_under_test.name}:read"}
        )
        assert (await client.get(self.collection, headers=reader)).status_code == 200
        response = await client.post(self.collection, headers=reader, json={})
        assert response.status_code == 403
        assert f"{service_under_test.name}:write" in response.json()["detail"]

    async def test_another_services_permission_is_not_enough(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        other = service_under_test.issuer.headers(
            scopes={f"{self.other_service}:read", f"{self.other_service}:write"}
        )
        assert (await client.get(self.collection, headers=other)).status_code == 403

    @pytest.mark.parametrize(
        ("scopes", "org", "status"),
        [
            ({"reports:read"}, {"region_code": "421222"}, 200),
            ({"{service}:read"}, {}, 200),
            ({"reports:read"}, {"region_code": "421223"}, 403),
            (
                {"{service}:read"},
                {"region_code": "421222", "township_code": "421222100"},
                403,
            ),
            ({"audit:read"}, {}, 403),
        ],
    )
    async def test_statistics_need_a_county_level_reader(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        scopes: set[str],
        org: dict[str, str],
        status: int,
    ) -> None:
        granted = {s.format(service=service_under_test.name) for s in scopes}
        headers = service_under_test.issuer.headers(scopes=granted, org=org)
        params: dict[str, str | int] = {"region_code": "421222", "year": 2023}
        response = await client.get(
            "/api/v1/statistics", params=params, headers=headers
        )
        assert response.status_code == status, response.text


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The SQL every engine runs while in the block, in order, with ``"COMMIT"`` where a
    transaction commits."""
    statements: list[str] = []

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def committed(conn: Any) -> None:
        statements.append("COMMIT")

    event.listen(Engine, "before_cursor_execute", executed)
    event.listen(Engine, "commit", committed)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", executed)
        event.remove(Engine, "commit", committed)


@asynccontextmanager
async def _beside_another_connection(
    service_under_test: ServiceUnderTest,
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncConnection]]:
    """The app on a database of its own, its lock waits cut off after 0.3 s
    (``idempotency_wait_seconds``), and another connection to that database, which a
    test uses to hold what the app's requests will wait for."""
    with throwaway_database(service_under_test.name) as url:
        migrate(service_under_test.alembic_ini, url)
        app = service_under_test.app(url, idempotency_wait_seconds=0.3)
        engine = create_engine(url)
        try:
            async with (
                app.router.lifespan_context(app),
                service_under_test.client(app) as client,
                engine.connect() as other,
            ):
                yield client, other
        finally:
            await engine.dispose()


class WriteContract:
    """Tests of safe writes every data service inherits (api-conventions.md rules 9 and
    10; shared.conditional, shared.idempotency, shared.case_numbers): subclass it as
    ``class TestWrites(WriteContract)`` for the service's numbered record and implement
    :meth:`new_body`, :meth:`vary` and :meth:`commands`.

    The concurrency tests use ``isolated_client`` (a database of their own, real commits):
    they run on SQLite, and on PostgreSQL when ``FAZHI_TEST_POSTGRES_URL`` is set.
    """

    #: The collection a POST creates in, e.g. ``/api/v1/disputes``.
    collection: str
    #: The case numbers of records created by :meth:`new_body` in its year, with ``{n}``
    #: for the number, e.g. ``通人调〔2023〕{n}号``.
    case_number_pattern: str

    async def new_body(self, client: httpx.AsyncClient) -> dict[str, Any]:
        """A valid create body; may create what it refers to through ``client``."""
        raise NotImplementedError

    def vary(self, body: dict[str, Any]) -> dict[str, Any]:
        """Another valid create body (one field changed)."""
        raise NotImplementedError

    def commands(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Two different commands that are each allowed on a new record."""
        raise NotImplementedError

    #: The row every write of the service shares, written as the transaction's last
    #: statement so that its lock lasts one round trip: ``change_stamps``
    #: (shared.snapshots) or ``statistics_rollups`` (shared.rollups).
    shared_table: str = "change_stamps"

    async def test_the_shared_rows_are_written_last_and_once(
        self, isolated_client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(isolated_client)
        with recorded_statements() as statements:
            created = await self._create(isolated_client, body, str(uuid.uuid4()))
        assert created.status_code == 201, created.text
        commit = statements.index("COMMIT")
        writes = [
            i
            for i, sql in enumerate(statements[:commit])
            if re.match(rf"\s*(INSERT INTO|UPDATE) {self.shared_table}\b", sql)
        ]
        assert len(writes) == 1, statements[:commit]
        assert writes[0] == commit - 1, statements[: commit + 1]

    async def _count(self, client: httpx.AsyncClient) -> list[dict[str, Any]]:
        response = await client.get(self.collection, params={"page_size": 200})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def _create(
        self, client: httpx.AsyncClient, body: dict[str, Any], key: str | None = None
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        return await client.post(self.collection, json=body, headers=headers)

    async def test_concurrent_creates_get_distinct_case_numbers(
        self, isolated_client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(isolated_client)
        responses = await asyncio.gather(
            *(self._create(isolated_client, body, str(uuid.uuid4())) for _ in range(50))
        )
        assert [r.status_code for r in responses] == [201] * 50, [
            r.text for r in responses if r.status_code != 201
        ]
        created = [r.json() for r in responses]
        assert len({c["id"] for c in created}) == 50
        assert sorted(c["case_number"] for c in created) == sorted(
            self.case_number_pattern.format(n=n) for n in range(1, 51)
        )
        stored = await self._count(isolated_client)
        assert sorted(s["case_number"] for s in stored) == sorted(
            c["case_number"] for c in created
        )

    async def test_concurrent_retries_with_one_key_create_one_record(
        self, isolated_client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(isolated_client)
        key = str(uuid.uuid4())
        responses = await asyncio.gather(
            *(self._create(isolated_client, body, key) for _ in range(20))
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.content for r in responses}) == 1
        assert len({r.headers["location"] for r in responses}) == 1
        assert len({r.headers["etag"] for r in responses}) == 1
        replayed = [r for r in responses if "idempotent-replayed" in r.headers]
        assert len(replayed) == 19
        stored = await self._count(isolated_client)
        assert [s["id"] for s in stored] == [responses[0].json()["id"]]

    async def test_a_retry_answers_the_first_response(
        self, client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(client)
        first = await self._create(client, body, "retry-1")
        again = await self._create(client, body, "retry-1")
        assert first.status_code == again.status_code == 201
        assert again.content == first.content
        assert again.headers["location"] == first.headers["location"]
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        # Key order and white space do not make another request.
        reordered = await client.post(
            self.collection,
            content=json.dumps(dict(reversed(list(body.items()))), indent=2),
            headers={"Idempotency-Key": "retry-1", "Content-Type": "application/json"},
        )
        assert reordered.content == first.content
        assert len(await self._count(client)) == 1

    async def test_the_same_key_with_another_body_is_422(
        self, client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(client)
        first = await self._create(client, body, "reused")
        assert first.status_code == 201, first.text
        response = await self._create(client, self.vary(body), "reused")
        assert response.status_code == 422
        assert response.json()["type"] == "urn:fazhi:problem:idempotency-key-reused"
        assert len(await self._count(client)) == 1

    async def test_keys_are_per_caller(
        self,
        client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
    ) -> None:
        body = await self.new_body(client)
        first = await self._create(client, body, "shared-key")
        other_caller = service_under_test.issuer.headers(subject="someone-else")
        second = await client.post(
            self.collection,
            json=body,
            headers={**other_caller, "Idempotency-Key": "shared-key"},
        )
        assert first.status_code == second.status_code == 201, second.text
        assert first.json()["id"] != second.json()["id"]

    async def test_a_failed_create_stores_no_key(
        self, client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(client)
        bad = await self._create(client, {**body, "unknown_field": 1}, "after-failure")
        assert bad.status_code == 422
        good = await self._create(client, body, "after-failure")
        assert good.status_code == 201, good.text
        assert "idempotent-replayed" not in good.headers

    async def test_malformed_keys_are_422(self, client: httpx.AsyncClient) -> None:
        body = await self.new_body(client)
        for key in (b"x" * 256, "有中文".encode(), b"a b"):
            response = await client.post(
                self.collection, json=body, headers={b"Idempotency-Key": key}
            )
            assert response.status_code == 422, key
            assert response.json()["errors"][0]["field"] == "Idempotency-Key"
        assert await self._count(client) == []

    async def _new_record(self, client: httpx.AsyncClient) -> httpx.Response:
        response = await self._create(client, await self.new_body(client))
        assert response.status_code == 201, response.text
        return response

    async def test_reads_and_writes_answer_the_etag_of_the_version(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await self._new_record(client)
        assert created.headers["etag"] == f'"{created.json()["version"]}"'
        read = await client.get(created.headers["location"])
        assert read.headers["etag"] == created.headers["etag"]
        command = await client.post(
            f"{created.headers['location']}/events",
            json=self.commands()[0],
            headers={"If-Match": created.headers["etag"]},
        )
        assert command.status_code == 200, command.text
        version = command.json()["version"]
        assert version == created.json()["version"] + 1
        assert command.headers["etag"] == f'"{version}"'
        assert (await client.get(created.headers["location"])).headers[
            "etag"
        ] == command.headers["etag"]

    async def test_a_command_without_if_match_is_428(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await self._new_record(client)
        response = await client.post(
            f"{created.headers['location']}/events",
            json=self.commands()[0],
            headers={"If-Match": ""},
        )
        # An empty header is malformed (400); a missing one is 428.
        assert response.status_code == 400
        response = await client.post(
            f"{created.headers['location']}/events",
            json=self.commands()[0],
            extensions={NO_IF_MATCH: True},
        )
        assert response.status_code == 428
        assert response.json()["type"] == "urn:fazhi:problem:precondition-required"
        unchanged = await client.get(created.headers["location"])
        assert unchanged.json() == created.json()

    async def test_if_match_lines_make_one_list(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await self._new_record(client)
        response = await client.post(
            f"{created.headers['location']}/events",
            json=self.commands()[0],
            headers=[("If-Match", '"99"'), ("If-Match", created.headers["etag"])],
        )
        assert response.status_code == 200, response.text

    async def test_a_repeated_idempotency_key_is_400(
        self, client: httpx.AsyncClient
    ) -> None:
        body = await self.new_body(client)
        response = await client.post(
            self.collection,
            json=body,
            headers=[("Idempotency-Key", "k1"), ("Idempotency-Key", "k2")],
        )
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"
        assert await self._count(client) == []

    async def test_a_stale_etag_is_412_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await self._new_record(client)
        location = created.headers["location"]
        first = await client.post(
            f"{location}/events",
            json=self.commands()[0],
            headers={"If-Match": created.headers["etag"]},
        )
        assert first.status_code == 200, first.text
        stale = await client.post(
            f"{location}/events",
            json=self.commands()[1],
            headers={"If-Match": created.headers["etag"]},
        )
        assert stale.status_code == 412
        assert stale.json()["type"] == "urn:fazhi:problem:precondition-failed"
        assert stale.headers["etag"] == first.headers["etag"]
        assert (await client.get(location)).json() == first.json()

    async def test_two_commands_with_one_etag_one_wins(
        self, isolated_client: httpx.AsyncClient
    ) -> None:
        created = await self._new_record(isolated_client)
        location = created.headers["location"]
        tag = created.headers["etag"]
        responses = await asyncio.gather(
            *(
                isolated_client.post(
                    f"{location}/events", json=command, headers={"If-Match": tag}
                )
                for command in self.commands()
            )
        )
        assert sorted(r.status_code for r in responses) == [200, 412], [
            r.text for r in responses
        ]
        winner = next(r for r in responses if r.status_code == 200)
        stored = await isolated_client.get(location)
        assert stored.json() == winner.json()
        assert stored.headers["etag"] == winner.headers["etag"]
        history = await isolated_client.get(f"{location}/events")
        assert len(history.json()["items"]) == 2  # the creation and the winner

    async def test_a_retry_while_the_first_is_in_flight_is_409(
        self, service_under_test: ServiceUnderTest
    ) -> None:
        if postgres_admin_url() is None:
            pytest.skip(
                "SQLite serialises write transactions: a retry waits for the first "
                "(busy timeout) and never sees it in flight"
            )
        async with _beside_another_connection(service_under_test) as (client, first):
            body = await self.new_body(client)
            # The "first request": its transaction holds the key and has not ended.
            await first.begin()
            await first.exec_driver_sql(
                "INSERT INTO idempotency_keys (actor, key, method, path, "
                "request_hash, created_at) VALUES ('test-user', 'in-flight', 'POST', "
                f"'{self.collection}', 'x', now())"
            )
            retry = await self._create(client, body, "in-flight")
            assert retry.status_code == 409, retry.text
            assert retry.json()["type"] == "urn:fazhi:problem:idempotency-key-in-use"
            assert retry.headers["retry-after"] == "1"
            await first.rollback()  # the first failed: the key is free again
            again = await self._create(client, body, "in-flight")
            assert again.status_code == 201, again.text

    async def test_a_create_waiting_too_long_for_a_row_lock_is_503(
        self, service_under_test: ServiceUnderTest
    ) -> None:
        """Every write waits at most ``idempotency_wait_seconds`` for a row lock (the
        connections' lock_timeout, shared.db.create_engine), then answers 503 with
        Retry-After, having written nothing."""
        if postgres_admin_url() is None:
            pytest.skip("SQLite serialises write transactions (busy timeout)")
        async with _beside_another_connection(service_under_test) as (client, other):
            body = await self.new_body(client)
            first = await self._create(client, body)
            assert first.status_code == 201, first.text
            # Another transaction holds the county's case-number counter.
            await other.begin()
            await other.exec_driver_sql("SELECT * FROM case_number_counters FOR UPDATE")
            waited = await self._create(client, body)
            assert waited.status_code == 503, waited.text
            assert waited.headers["retry-after"] == "1"
            assert len(await self._count(client)) == 1
            await other.rollback()
            again = await self._create(client, body)
            assert again.status_code == 201, again.text

    async def test_a_command_retried_with_its_key_is_answered_once(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await self._new_record(client)
        location = created.headers["location"]
        headers = {"If-Match": created.headers["etag"], "Idempotency-Key": "cmd-1"}
        first = await client.post(
            f"{location}/events", json=self.commands()[0], headers=headers
        )
        again = await client.post(
            f"{location}/events", json=self.commands()[0], headers=headers
        )
        assert first.status_code == again.status_code == 200, first.text
        assert again.content == first.content
        assert again.headers["idempotent-replayed"] == "true"
        history = await client.get(f"{location}/events")
        assert len(history.json()["items"]) == 2
