"""Query helpers every data service uses for its reads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption

from shared.errors import ProblemError

M = TypeVar("M")


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day (both inclusive) of a calendar year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def filtered(
    stmt: Select[Any],
    model: Any,
    filters: BaseModel,
    *,
    year_column: InstrumentedAttribute[Any] | None = None,
) -> Select[Any]:
    """Apply a ``*Filters`` model: every set field is an equality on the column of the
    same name, except ``year``, which bounds ``year_column`` to that calendar year."""
    values = filters.model_dump(exclude_none=True)
    year = values.pop("year", None)
    for name, value in values.items():
        stmt = stmt.where(getattr(model, name) == value)
    if year is not None:
        if year_column is None:
            raise TypeError(
                f"{type(filters).__name__} has a year filter but no year column was given"
            )
        start, end = year_bounds(year)
        stmt = stmt.where(year_column.between(start, end))
    return stmt


async def get_or_raise(
    session: AsyncSession,
    model: type[M],
    id_: uuid.UUID,
    error: type[ProblemError],
    *,
    options: Iterable[ExecutableOption] = (),
) -> M:
    """The row with primary key ``id_``, or raise ``error`` (a 404 problem) naming it."""
    keyed: Any = model
    row = await session.scalar(select(keyed).options(*options).where(keyed.id == id_))
    if row is None:
        raise error(f"No {error.title.lower().removesuffix(' not found')} {id_}")
    return cast(M, row)
