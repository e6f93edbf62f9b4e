"""What the three data services share in their shape: settings with a database URL,
the app factory with its lifespan, and the Alembic environment.

Each service's ``config.py``, ``main.py`` and ``migrations/env.py`` name their own
settings, router and metadata and call into this module (``shared[db]`` extra).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar

from fastapi import APIRouter, FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.telemetry import TelemetryConfig
from pydantic import BaseModel, Field, SecretStr, field_validator
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from shared.audit import DeniedAttemptMiddleware
from shared.auth import (
    BEARER_DESCRIPTION,
    BEARER_SCHEME,
    Forbidden,
    OrgScope,
    PrincipalDep,
    Unauthorized,
    token_verifier_from,
)
from shared.case_numbers import DEFAULT_ABBREVIATIONS
from shared.db import (
    create_engine,
    database_check,
    install_db_problem_handlers,
    is_sqlite,
    open_database,
    sqlite_url,
)
from shared.defaults import install_service_defaults
from shared.errors import ProblemError, problem_responses
from shared.guard import (
    ContentTooLarge,
    UnknownQueryParameter,
    UnsupportedMediaType,
)
from shared.idempotency import install_idempotency_handlers
from shared.routing import ServiceRoute
from shared.settings import ServiceSettings


class DataServiceSettings(ServiceSettings):
    """Settings of a service that owns a database.

    Attributes:
        database_url: SQLAlchemy async URL (``postgresql+asyncpg://...`` in production);
            default the SQLite file ``<data_dir>/<service_name>.sqlite3``.
        max_body_bytes: largest request body accepted (bytes, default 1 MiB); larger
            answers 413.
        token_issuer, token_audience: the ``iss`` and ``aud`` every token must carry.
        jwks_url: where the gateway publishes its signing keys; ``jwks`` (a JWKS JSON
            document) replaces it, for tests and air-gapped setups.
        personal_data_key: base64 of the 32-byte key that encrypts and hashes personal
            data (shared.personal_data); when unset, the key file
            ``<data_dir>/<service_name>-personal-data.key``, created on first use.
        idempotency_wait_seconds: how long a retry waits for the first request with the
            same Idempotency-Key before answering 409, and any write for a row lock
            before answering 503 with ``Retry-After`` (PostgreSQL ``lock_timeout`` of
            the service's connections; default 5 s).
        case_number_abbreviations: region code → the county's abbreviation in case
            numbers (JSON in the environment; default ``{"421222": "通"}``).
    """

    service_name: ClassVar[str]

    database_url: str | None = None
    max_body_bytes: int = 1024 * 1024
    token_issuer: str = "fazhi-gateway"
    token_audience: str = "fazhi"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwks: str | None = None
    personal_data_key: SecretStr | None = None
    idempotency_wait_seconds: float = Field(default=5.0, gt=0, le=60)
    case_number_abbreviations: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_ABBREVIATIONS)
    )

    @field_validator("personal_data_key")
    @classmethod
    def _key_is_32_bytes(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                key = base64.b64decode(value.get_secret_value(), validate=True)
            except binascii.Error:
                key = b""
            if len(key) != 32:
                raise ValueError("personal_data_key must be base64 of 32 bytes")
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir, self.service_name)


class DatabaseUnavailable(ProblemError):
    """The database is busy or unreachable, with ``Retry-After`` (answered by the handler
    of shared.db.install_db_problem_handlers; this class documents it)."""

    status = 503
    type_slug = "database-unavailable"
    title = "Database unavailable"


#: FastAPI's own OpenTelemetry hooks, off: Fazhi configures no OpenTelemetry provider, and
#: with them on every request looks the providers up (environment reads included).
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def conventions_text(max_body_bytes: int) -> str:
    """The limits and conventions every data service states in its OpenAPI description
    (api-conventions.md rule 18)."""
    return f"""

**Limits.** A request body is JSON of at most {max_body_bytes} bytes ({max_body_bytes / 1048576:g} MiB;
larger: 413, also when streamed without Content-Length). Lists are paginated: `page_size`
defaults to 50 and is cut to 200; `next_page_token` is opaque, bound to the query's filters,
and expires. Query parameters an operation does not declare, or repeat, answer 400.

**Concurrency.** Every record read, create and command answers an `ETag` (the row version).
Commands (`POST …/{{id}}/events`) require `If-Match` with the current ETag: 428 without it,
412 when it is not current (the answer carries the current ETag).

**Retries.** Creates and commands accept `Idempotency-Key` (a random UUID, per caller): a
retry answers the first response with `Idempotent-Replayed: true`; the same key with another
request answers 422; while the first is still running a retry waits (a few seconds), then
answers 409 with `Retry-After`. A busy database, or records other writes hold for longer
than that, answers 503 with `Retry-After`; nothing was written.

**Errors** are `application/problem+json` (RFC 9457) with a stable `type`
(`urn:fazhi:problem:<slug>`), the `request_id`, and `errors[]` naming each bad field."""


class CallerRead(BaseModel):
    """The caller as the service sees its token: who, with which scopes, for which
    organisation (``null`` members do not restrict)."""

    subject: str
    name: str
    kind: str = Field(description="`user` or `client` (an integrating system).")
    scopes: list[str] = Field(description="Sorted.")
    org: OrgScope


caller_router = APIRouter(prefix="/api/v1", tags=["caller"], route_class=ServiceRoute)


@caller_router.get("/me", response_model=CallerRead)
async def read_caller(principal: PrincipalDep) -> CallerRead:
    """The caller's identity, scopes and organisation as this service reads the token: a
    way for an integrating system to check what its token allows, without touching
    records (nothing is read from the database; not audited)."""
    return CallerRead(
        subject=principal.subject,
        name=principal.name,
        kind=principal.kind,
        scopes=sorted(principal.scopes),
        org=principal.org,
    )


def create_data_service_app(
    settings: DataServiceSettings,
    *,
    title: str,
    description: str,
    api_router: APIRouter,
    alembic_ini: Path,
    audit_model: type[Any] | None = None,
) -> FastAPI:
    """A data service's app: the lifespan owns the engine; the defaults, a readiness check
    (database answers, schema at the migrations' head) and the v1 router are installed."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_database(
            app.state,
            settings.effective_database_url,
            lock_timeout_s=settings.idempotency_wait_seconds,
        ):
            yield

    app = FastAPI(
        title=title,
        version="1.0.0",
        lifespan=lifespan,
        telemetry=NO_TELEMETRY,
        description=description + conventions_text(settings.max_body_bytes),
    )
    app.state.settings = settings
    app.state.cursor_secret = settings.cursor_secret.get_secret_value().encode()
    app.state.token_verifier = token_verifier_from(settings)
    if audit_model is not None:
        # Added before the defaults, so it runs inside the request-id middleware.
        app.add_middleware(DeniedAttemptMiddleware, model=audit_model, state=app.state)
    install_service_defaults(
        app,
        settings,
        service=settings.service_name,
        checks={"database": database_check(alembic_ini)},
        max_body_bytes=settings.max_body_bytes,
    )
    install_db_problem_handlers(app)
    install_idempotency_handlers(app)
    for router in (caller_router, api_router):
        app.include_router(
            router,
            # What ServiceRoute's checks and the database answer, on every operation
            # (its own entries take precedence).
            responses=problem_responses(
                UnknownQueryParameter, Unauthorized, Forbidden, DatabaseUnavailable
            ),
        )
    _require_service_routes(app)
    _document_operations(app)
    return app


def _require_service_routes(app: FastAPI) -> None:
    """Raise RuntimeError when an operation under ``/api/v1`` is not a
    :class:`~shared.routing.ServiceRoute`: it would run without the token check."""
    unchecked = [
        f"{sorted(context.methods or ())} {context.path}"
        for context in iter_route_contexts(app.routes)
        if (context.path or "").startswith("/api/v1/")
        and not isinstance(context.original_route, ServiceRoute)
    ]
    if unchecked:
        raise RuntimeError(
            "These operations would run without the token check; declare their"
            f" router with route_class=ServiceRoute: {', '.join(unchecked)}"
        )


def _document_operations(app: FastAPI) -> None:
    """Declare the bearer token on every operation under ``/api/v1`` (ServiceRoute checks
    it), and add the answers to a body (413 over ``max_body_bytes``, 415 when it is not
    JSON) to the OpenAPI responses of every operation that takes one."""
    body_problems = {
        str(status): {k: v for k, v in response.items() if k != "model"}
        for status, response in problem_responses(
            ContentTooLarge, UnsupportedMediaType, validation=False
        ).items()
    }
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemes = document.setdefault("components", {}).setdefault(
                "securitySchemes", {}
            )
            schemes.setdefault(
                BEARER_SCHEME,
                {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": BEARER_DESCRIPTION,
                },
            )
            for path, path_item in document.get("paths", {}).items():
                for operation in path_item.values():
                    if isinstance(operation, dict) and path.startswith("/api/v1/"):
                        operation.setdefault("security", [{BEARER_SCHEME: []}])
                    if isinstance(operation, dict) and "requestBody" in operation:
                        responses = operation.setdefault("responses", {})
                        for status, response in body_problems.items():
                            responses.setdefault(status, response)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render the project's column types as their plain SQL type: revisions never import app code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations(metadata: MetaData, *, default_url: Callable[[], str]) -> None:
    """The body of every service's ``migrations/env.py``.

    The URL is, in order: ``config.attributes["database_url"]`` (tests), ``-x
    database_url=...``, then ``default_url()`` (the service's settings). SQLite gets
    batch mode so that ALTERs recreate tables with their named constraints.
    """
    from alembic import context

    config = context.config
    url = str(
        config.attributes.get("database_url")
        or context.get_x_argument(as_dictionary=True).get("database_url")
        or default_url()
    )
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "compare_type": True,
        "render_item": _render_item,
        "render_as_batch": is_sqlite(url),
    }

    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run_sync(connection: Connection) -> None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    async def run_online() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run_sync)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_online())
