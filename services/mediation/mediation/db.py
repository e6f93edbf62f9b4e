"""The mediation service's declarative base and session dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from shared.case_numbers import CaseNumberCounterMixin
from shared.db import naming_metadata, request_session
from shared.idempotency import (
    Idempotency,
    IdempotencyRecordMixin,
    idempotency_dependency,
)


class Base(DeclarativeBase):
    metadata = naming_metadata()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request (read-only for GET); write endpoints commit once, this only closes."""
    async for session in request_session(request):
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    """A stored Idempotency-Key with its request hash and response (shared.idempotency)."""

    __tablename__ = "idempotency_keys"


class CaseNumberCounter(CaseNumberCounterMixin, Base):
    """The last case number given per series and year (shared.case_numbers)."""

    __tablename__ = "case_number_counters"


IdempotencyDep = Annotated[
    Idempotency | None,
    Depends(idempotency_dependency(get_session, IdempotencyRecord)),
]
