"""Cursor pagination (AIP-158) for every collection.

``page_size`` has a default of 50 and is coerced down to 200; ``page_token`` is
opaque (encrypted, expires after 3 days) and bound to the query's filters, so a
token cannot be replayed with other filters. An empty ``next_page_token`` is the
only end-of-list signal. Lists are ordered by ``(created_at, id)``, a unique key,
so pages never skip or repeat rows. A token never confers authorisation: the
caller's filters are applied again on every page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, Protocol, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import InvalidInput

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
TOKEN_TTL_SECONDS = 3 * 24 * 3600

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_page_token: str = Field(
        default="", description="Opaque token of the next page; empty on the last page."
    )


class PageParams(BaseModel):
    page_size: int
    page_token: str | None
    filters_fingerprint: str
    secret: bytes

    def fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(self.secret).digest()))


async def _page_params(
    request: Request,
    page_size: Annotated[
        int,
        Query(
            ge=1,
            description=f"Items per page; default {DEFAULT_PAGE_SIZE}, larger values are cut to {MAX_PAGE_SIZE}.",
        ),
    ] = DEFAULT_PAGE_SIZE,
    page_token: Annotated[
        str | None,
        Query(max_length=2048, description="`next_page_token` of the previous page."),
    ] = None,
) -> PageParams:
    filters = sorted(
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ("page_size", "page_token")
    )
    fingerprint = hashlib.sha256(
        json.dumps([request.url.path, filters]).encode()
    ).hexdigest()[:16]
    secret = request.app.state.cursor_secret
    return PageParams(
        page_size=min(page_size, MAX_PAGE_SIZE),
        page_token=page_token or None,
        filters_fingerprint=fingerprint,
        secret=secret,
    )


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


class _Keyed(Protocol):
    created_at: InstrumentedAttribute[dt.datetime]
    id: InstrumentedAttribute[uuid.UUID]


def _decode(params: PageParams) -> tuple[dt.datetime, uuid.UUID] | None:
    if params.page_token is None:
        return None
    try:
        raw = params.fernet().decrypt(params.page_token.encode(), ttl=TOKEN_TTL_SECONDS)
        state = json.loads(raw)
        if state["f"] != params.filters_fingerprint:
            raise ValueError("filters changed")
        return dt.datetime.fromisoformat(state["c"]), uuid.UUID(state["i"])
    except (InvalidToken, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(
            "page_token is invalid, expired, or was issued for other filters",
            field="page_token",
            location="query",
        ) from exc


def _encode(params: PageParams, created_at: dt.datetime, id_: uuid.UUID) -> str:
    state = {
        "c": created_at.isoformat(),
        "i": str(id_),
        "f": params.filters_fingerprint,
    }
    return params.fernet().encrypt(json.dumps(state).encode()).decode()


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    params: PageParams,
    *,
    model: Any,
    to_item: Callable[[Any], T],
) -> Page[T]:
    """Run ``stmt`` (already filtered) for one page ordered by ``(created_at, id)``."""
    keyed: _Keyed = model
    after = _decode(params)
    if after is not None:
        created_at, id_ = after
        stmt = stmt.where(
            or_(
                keyed.created_at > created_at,
                and_(keyed.created_at == created_at, keyed.id > id_),
            )
        )
    stmt = stmt.order_by(keyed.created_at, keyed.id).limit(params.page_size + 1)
    rows: Sequence[Any] = (await session.scalars(stmt)).all()
    more = len(rows) > params.page_size
    rows = rows[: params.page_size]
    token = _encode(params, rows[-1].created_at, rows[-1].id) if more else ""
    return Page(items=[to_item(r) for r in rows], next_page_token=token)
