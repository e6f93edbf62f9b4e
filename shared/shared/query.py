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

from shared.auth import Forbidden, OrgScope
from shared.errors import ProblemError

#: The columns by which a record belongs to an organisation (docs/auth.md), broadest first.
ORG_COLUMNS = ("region_code", "township_code", "committee_id", "agency_id")

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


def in_org(stmt: Select[Any], model: Any, org: OrgScope | None) -> Select[Any]:
    """Restrict ``stmt`` to the records of ``org``: each restricting member of the caller's
    organisation is an equality on the model's column of that name, where it has one."""
    if org is None:
        return stmt
    for name in ORG_COLUMNS:
        value = getattr(org, name)
        if value is not None and hasattr(model, name):
            stmt = stmt.where(getattr(model, name) == value)
    return stmt


def ensure_may_act_for(org: OrgScope, **record: Any) -> None:
    """Raise Forbidden (403) unless a record with these organisation columns
    (``region_code=``, ``township_code=``, ``committee_id=``, ``agency_id=``) lies in ``org``."""
    for name in ORG_COLUMNS:
        wanted = getattr(org, name)
        if wanted is not None and name in record and record[name] != wanted:
            raise Forbidden(f"The record's {name} is outside your organisation")


async def get_or_raise(
    session: AsyncSession,
    model: type[M],
    id_: uuid.UUID,
    error: type[ProblemError],
    *,
    options: Iterable[ExecutableOption] = (),
    org: OrgScope | None = None,
) -> M:
    """The row with primary key ``id_`` within the caller's ``org``, or raise ``error`` (a
    404 problem) naming it: a record outside the caller's organisation is not found."""
    keyed: Any = model
    stmt = in_org(select(keyed).options(*options).where(keyed.id == id_), model, org)
    row = await session.scalar(stmt)
    if row is None:
        raise error(f"No {error.title.lower().removesuffix(' not found')} {id_}")
    return cast(M, row)
