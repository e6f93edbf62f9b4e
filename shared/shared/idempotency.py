"""Idempotent writes (api-conventions.md rule 10; Stripe, Zalando #230, IETF
draft-ietf-httpapi-idempotency-key-header) and the one way a write endpoint answers.

A client may send ``Idempotency-Key`` (1–255 visible ASCII characters; a random UUID is
best) with any POST that creates a record or applies a command. Keys are scoped per
caller (the token's subject). The key, a SHA-256 hash of the request (method, path and
canonical JSON body) and the response (status, headers, body bytes) are stored in the
**same transaction** as the record, so either both exist or neither does:

- a retry with the same key and the same request answers the stored response, byte for
  byte, with ``Idempotent-Replayed: true``; the endpoint does not run again;
- the same key with another request answers 422 ``idempotency-key-reused``;
- a retry while the first request is still in flight waits for it (its transaction holds
  the key) and then answers the stored response; if the first does not finish within
  ``idempotency_wait_seconds`` (PostgreSQL; on SQLite write transactions are serialised
  and the wait is the busy timeout) the retry answers 409 ``idempotency-key-in-use`` with
  ``Retry-After``;
- a request that failed (4xx/5xx) changed nothing and stored nothing: its retry runs
  afresh.

Stored keys are kept (at least 24 hours, as the conventions ask; there is no purge yet).

Each data service declares ``class IdempotencyRecord(IdempotencyRecordMixin, Base)`` and
``IdempotencyDep = idempotency_dependency(get_session, IdempotencyRecord)`` in its
``db.py``; write endpoints finish with :func:`commit_response`.
"""

# No ``from __future__ import annotations``: the dependency below is defined in a
# function, and FastAPI must see its annotations as objects.
import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import JSON, Integer, String, Text, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.auth import PrincipalDep
from shared.conditional import (
    PreconditionFailed,
    PreconditionRequired,
    Versioned,
    etag,
)
from shared.db import (
    LOCK_NOT_AVAILABLE,
    UTCDateTime,
    cached_statement,
    sqlstate,
    utcnow,
)
from shared.errors import BadRequest, FieldProblem, ProblemError

REPLAYED_HEADER = "Idempotent-Replayed"
#: Response headers a replay repeats.
STORED_HEADERS = ("location", "etag")
KEY_PATTERN = r"^[!-~]{1,255}$"


class IdempotencyKeyReused(ProblemError):
    """The key was used before with another request."""

    status = 422
    type_slug = "idempotency-key-reused"
    title = "Idempotency key reused"


class IdempotencyKeyInUse(ProblemError):
    """A request with the same key is still being processed."""

    status = 409
    type_slug = "idempotency-key-in-use"
    title = "Idempotency key in use"


class IdempotencyRecordMixin:
    """Columns of a stored idempotency key (table ``idempotency_keys``)."""

    actor: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Replay(Exception):
    """Raised by the dependency to answer a stored response instead of running again."""

    def __init__(self, row: IdempotencyRecordMixin) -> None:
        super().__init__("idempotent replay")
        # Plain values: the session (and the row with it) is rolled back before the
        # answer is rendered.
        self.status = row.status or 200
        self.headers = dict(row.response_headers or {})
        self.body = (row.response_body or "").encode()


class Idempotency:
    """The key of the current request, claimed in its transaction (the row exists, with
    no response yet)."""

    def __init__(
        self, model: type[IdempotencyRecordMixin], *, actor: str, key: str
    ) -> None:
        self.model = model
        self.actor = actor
        self.key = key

    async def store(
        self, session: AsyncSession, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        """Store the response under the key, in the request's transaction (one UPDATE)."""
        table = self.model.__table__  # type: ignore[attr-defined]

        def build() -> Any:
            return (
                update(table)
                .where(
                    table.c.actor == bindparam("b_actor"),
                    table.c.key == bindparam("b_key"),
                )
                .values(
                    status=bindparam("status"),
                    response_headers=bindparam("response_headers"),
                    response_body=bindparam("response_body"),
                )
            )

        await session.execute(
            cached_statement(("idempotency.store", table), build),
            {
                "b_actor": self.actor,
                "b_key": self.key,
                "status": status,
                "response_headers": {
                    k: v for k, v in headers.items() if k.lower() in STORED_HEADERS
                },
                "response_body": body.decode(),
            },
        )


def request_hash(method: str, path: str, body: bytes) -> str:
    """SHA-256 over the method, the path and the body as canonical JSON (key order and
    white space do not matter; a body that is not JSON is hashed as sent)."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def idempotency_dependency(
    get_session: Callable[..., Any], model: type[IdempotencyRecordMixin]
) -> Callable[..., Awaitable[Idempotency | None]]:
    """A service's dependency (``Annotated[Idempotency | None, Depends(it)]``): None
    without a key.

    It raises Replay (answered as the stored response), IdempotencyKeyReused (422) and
    IdempotencyKeyInUse (409)."""

    async def dependency(
        request: Request,
        principal: PrincipalDep,
        session: Annotated[AsyncSession, Depends(get_session)],
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                pattern=KEY_PATTERN,
                description=(
                    "Optional; a random UUID is best. A retry with the same key and body "
                    "answers the first response (with `Idempotent-Replayed: true`); the "
                    "same key with another body answers 422; a retry while the first is "
                    "still running waits for it, or answers 409 after "
                    "`idempotency_wait_seconds`."
                ),
            ),
        ] = None,
    ) -> Idempotency | None:
        if idempotency_key is None:
            return None
        if len(request.headers.getlist("idempotency-key")) > 1:
            repeated = BadRequest(
                "Send one Idempotency-Key header: with several, a retry could be taken "
                "for another request."
            )
            repeated.errors = [
                FieldProblem(
                    field="Idempotency-Key",
                    location="header",
                    message="given more than once",
                    code="repeated",
                )
            ]
            raise repeated
        hashed = request_hash(request.method, request.url.path, await request.body())
        actor = principal.subject
        try:
            claimed = await _claim(
                session,
                model,
                actor=actor,
                key=idempotency_key,
                method=request.method,
                path=request.url.path,
                request_hash=hashed,
            )
        except DBAPIError as exc:
            # PostgreSQL: the first request's transaction still holds the key after the
            # engine's lock_timeout (idempotency_wait_seconds, shared.db.create_engine).
            if sqlstate(exc) != LOCK_NOT_AVAILABLE:
                raise
            error = IdempotencyKeyInUse(
                "A request with this Idempotency-Key is still being processed; "
                "retry shortly."
            )
            error.headers["Retry-After"] = "1"
            raise error from exc
        if claimed:
            return Idempotency(model, actor=actor, key=idempotency_key)
        # The key was stored before (or by a first request that committed while this one
        # waited for it): answer what it answered.
        row = await _find(session, model, actor, idempotency_key)
        if row is None:  # pragma: no cover - the conflicting row is committed
            raise RuntimeError("an Idempotency-Key conflicted but is not stored")
        if row.request_hash != hashed:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with another request (method, path or "
                "body); use a new key for a new request."
            )
        raise Replay(row)

    return dependency


async def _claim(
    session: AsyncSession, model: type[IdempotencyRecordMixin], **values: str
) -> bool:
    """Insert the key's row unless it exists: one ``INSERT … ON CONFLICT DO NOTHING …
    RETURNING``. While another transaction holds the same key, PostgreSQL waits for it
    (bounded by the connection's ``lock_timeout``) and then inserts (the other rolled
    back) or does nothing (it committed). Returns whether this request holds the key."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name

    def build() -> Any:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        return (
            insert(table)
            .on_conflict_do_nothing(index_elements=[table.c.actor, table.c.key])
            .returning(table.c.key)
        )

    stmt = cached_statement(("idempotency.claim", dialect, table), build)
    result = await session.execute(stmt, {**values, "created_at": utcnow()})
    return result.first() is not None


async def _find(
    session: AsyncSession, model: type[IdempotencyRecordMixin], actor: str, key: str
) -> IdempotencyRecordMixin | None:
    stmt = select(model).where(model.actor == actor, model.key == key)
    result: IdempotencyRecordMixin | None = (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()
    return result


async def commit_response(
    session: AsyncSession,
    body: BaseModel | Callable[[], BaseModel],
    *,
    record: Versioned | None = None,
    status_code: int = 200,
    location: str | None = None,
    idempotency: Idempotency | None = None,
) -> Response:
    """Finish a write: flush, render ``body`` as JSON, store it under the request's
    Idempotency-Key (if any) in the same transaction, commit, and answer it with
    ``Location`` (creates) and the record's new ``ETag``. ``body`` may be a function
    building it, called after the flush (so that it sees the new version)."""
    await session.flush()
    model = body if isinstance(body, BaseModel) else body()
    content = model.model_dump_json().encode()
    headers: dict[str, str] = {}
    if location is not None:
        headers["Location"] = location
    if record is not None:
        headers["ETag"] = etag(record.version)
    if idempotency is not None:
        await idempotency.store(session, status_code, headers, content)
    await session.commit()
    return Response(
        content, status_code=status_code, media_type="application/json", headers=headers
    )


def install_idempotency_handlers(app: FastAPI) -> None:
    """Answer a Replay with the stored response."""

    async def replay(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Replay)
        return Response(
            exc.body,
            status_code=exc.status,
            media_type="application/json",
            headers={**exc.headers, REPLAYED_HEADER: "true"},
        )

    app.add_exception_handler(Replay, replay)


#: The problems a create can answer besides its own (for ``problem_responses``).
CREATE_PROBLEMS: tuple[type[ProblemError], ...] = (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
)
#: The problems a lifecycle command can answer besides its own.
COMMAND_PROBLEMS: tuple[type[ProblemError], ...] = (
    BadRequest,
    PreconditionFailed,
    PreconditionRequired,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
)
