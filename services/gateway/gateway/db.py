"""The gateway's declarative base and session dependency (its identity database only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from shared.db import naming_metadata, request_session


class Base(DeclarativeBase):
    metadata = naming_metadata()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request (read-only for GET); write endpoints commit once, this only closes."""
    async for session in request_session(request):
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
