"""The audit log every data service keeps (architecture.md §9, domain.md §8).

Each service declares ``class AuditEvent(AuditEventMixin, Base)`` in its ``audit``
package. Changes are recorded by :func:`record` in the same transaction as the change;
denied attempts (401, 403 and 404 answers under ``/api/v1``) by
:class:`DeniedAttemptMiddleware` in a transaction of their own. Nobody can change the log
through the API; auditors read it with ``audit:read``.

An event holds who (subject, kind, name), when, from where (the client address the
gateway saw), which request (the request id), what (action, resource type and id, the HTTP
status) and the changed field names with masked values; never a raw personal value.
"""

# No ``from __future__ import annotations`` here: audit_router's endpoint is defined in a
# function, and FastAPI must see its annotations as objects, not strings.
import datetime as dt
import uuid
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import Principal, PrincipalDep, authenticate, client_address
from shared.db import UTCDateTime, utcnow
from shared.errors import ProblemError, problem_responses
from shared.logging import current_request_id
from shared.pagination import Page, PageParamsDep, paginate
from shared.query import filtered
from shared.routing import ServiceRoute

logger = structlog.get_logger(__name__)

#: Statuses that are denied attempts when a caller meets them under /api/v1.
DENIED_STATUSES = frozenset({401, 403, 404})


class AuditEventMixin:
    """Columns of an audit event (the service's ``Base`` and ``RecordMixin`` add the id)."""

    occurred_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    client_address: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[int] = mapped_column(Integer)
    resource_type: Mapped[str | None] = mapped_column(String(64), index=True)
    resource_id: Mapped[str | None] = mapped_column(String(64), index=True)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(
    session: Any,
    model: type[Any],
    *,
    principal: Principal,
    request: Request,
    action: str,
    resource_type: str,
    resource_id: object,
    region_code: str | None,
    changes: dict[str, Any] | None = None,
    status: int = 200,
) -> None:
    """Add one audit event to ``session``: it commits or rolls back with the change.

    ``changes`` maps field names to values that are already masked."""
    session.add(
        model(
            actor=principal.subject,
            actor_kind=principal.kind,
            actor_name=principal.name,
            client_address=principal.client_address or client_address(request),
            request_id=current_request_id(),
            action=action,
            method=request.method,
            path=request.url.path[:500],
            status=status,
            resource_type=resource_type,
            resource_id=str(resource_id),
            region_code=region_code,
            changes=changes or {},
        )
    )


class DeniedAttemptMiddleware:
    """Record every 401, 403 and 404 under ``/api/v1`` as an audit event of its own
    transaction (the refused request changed nothing to commit with)."""

    def __init__(self, app: ASGIApp, *, model: type[Any], state: Any) -> None:
        self.app = app
        self.model = model
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/v1/"):
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status in DENIED_STATUSES:
            await self._record(Request(scope), status)

    async def _record(self, request: Request, status: int) -> None:
        principal: Principal | None = scope_principal(request)
        if principal is None and status != 401:
            # No operation checked the token (a path that matches none): the record
            # still names a caller whose token is valid, and their county.
            try:
                principal = await authenticate(request)
            except ProblemError:
                principal = None
        try:
            async with self.state.sessionmaker() as session:
                session.add(
                    self.model(
                        actor=principal.subject if principal else "anonymous",
                        actor_kind=principal.kind if principal else "anonymous",
                        actor_name=principal.name if principal else "",
                        client_address=client_address(request),
                        request_id=current_request_id(),
                        action="denied",
                        method=request.method,
                        path=request.url.path[:500],
                        status=status,
                        resource_type=None,
                        resource_id=None,
                        region_code=principal.org.region_code if principal else None,
                        changes={},
                    )
                )
                await session.commit()
        except Exception:
            # The answer has gone out; a lost denial record must not turn into a 500.
            logger.exception("audit_denied_attempt_not_recorded", status=status)


def scope_principal(request: Request) -> Principal | None:
    principal = request.scope.get("state", {}).get("principal")
    return principal if isinstance(principal, Principal) else None


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: dt.datetime
    actor: str
    actor_kind: str
    actor_name: str
    client_address: str | None
    request_id: str | None
    action: str = Field(
        description="`create`, `command:<type>`, `read_personal_data`, or `denied` (a 401, 403 or 404 answer)."
    )
    method: str
    path: str
    status: int
    resource_type: str | None
    resource_id: str | None
    region_code: str | None
    changes: dict[str, Any] = Field(description="Changed fields with masked values.")


class AuditEventFilters(BaseModel):
    actor: str | None = Field(default=None, max_length=200)
    action: str | None = Field(default=None, max_length=64)
    resource_type: str | None = Field(default=None, max_length=64)
    resource_id: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=128)


def audit_router(model: type[Any], session_dependency: Any) -> APIRouter:
    """``GET /audit-events``: the service's audit log, oldest first, for callers with
    ``audit:read`` (routes tagged ``audit``; :func:`shared.auth.authorize` checks it),
    restricted to the caller's county. There is no route that changes the log."""
    router = APIRouter(prefix="/audit-events", tags=["audit"], route_class=ServiceRoute)
    SessionDep = Annotated[AsyncSession, Depends(session_dependency)]

    @router.get("", response_model=Page[AuditEventRead], responses=problem_responses())
    async def list_audit_events(
        session: SessionDep,
        principal: PrincipalDep,
        filters: Annotated[AuditEventFilters, Query()],
        page: PageParamsDep,
    ) -> Page[AuditEventRead]:
        """Who did what, when, from where, on which record; and every denied attempt."""
        stmt = filtered(select(model), model, filters)
        if principal.org.region_code is not None:
            stmt = stmt.where(model.region_code == principal.org.region_code)
        return await paginate(
            session, stmt, page, model=model, to_item=AuditEventRead.model_validate
        )

    return router
