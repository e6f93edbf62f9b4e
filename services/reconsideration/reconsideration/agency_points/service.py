from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.agency_points.exceptions import (
    AgencyPointNotFound,
    AgencyPointTransitionNotAllowed,
)
from reconsideration.agency_points.models import (
    AgencyPoint,
    AgencyPointEvent,
    AgencyPointEventType,
    AgencyPointStatus,
)
from reconsideration.agency_points.schemas import (
    AgencyPointCommand,
    AgencyPointCreate,
    AgencyPointEventRead,
    AgencyPointFilters,
    AgencyPointRead,
)
from reconsideration.schemas import not_before
from reconsideration.scope import get_in_scope, in_scope, record_org
from shared.auth import OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered


async def create_agency_point(
    session: AsyncSession, *, payload: AgencyPointCreate, actor: Principal
) -> AgencyPoint:
    """Register a point ``active``. Raises Forbidden (403) when its county and township
    are outside the actor's organisation."""
    ensure_may_act_for(
        actor.org, **record_org(payload.region_code, payload.township_code)
    )
    point = AgencyPoint(**payload.model_dump(), status=AgencyPointStatus.active)
    session.add(point)
    await session.flush()
    session.add(
        AgencyPointEvent(
            agency_point_id=point.id,
            type=AgencyPointEventType.establish,
            occurred_on=payload.established_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return point


async def get_agency_point(
    session: AsyncSession, agency_point_id: uuid.UUID, *, org: OrgScope | None
) -> AgencyPoint:
    """Raises AgencyPointNotFound, also for a point outside ``org`` (its county and township)."""
    return await get_in_scope(
        session, AgencyPoint, agency_point_id, AgencyPointNotFound, org=org
    )


async def find_agency_point(
    session: AsyncSession, agency_point_id: uuid.UUID, *, org: OrgScope | None
) -> AgencyPoint | None:
    """The point, or None when there is none within ``org``."""
    stmt = in_scope(
        select(AgencyPoint).where(AgencyPoint.id == agency_point_id), AgencyPoint, org
    )
    point: AgencyPoint | None = await session.scalar(stmt)
    return point


def is_open_on(point: AgencyPoint, day: dt.date) -> bool:
    """Whether the point received applications on ``day`` (open from ``established_on`` up to the day
    before ``closed_on``)."""
    return point.established_on <= day and (
        point.closed_on is None or day < point.closed_on
    )


async def list_agency_points(
    session: AsyncSession,
    *,
    filters: AgencyPointFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[AgencyPointRead]:
    """The points of ``org`` (its county and township) matching ``filters``, on every page."""
    stmt = filtered(
        in_scope(select(AgencyPoint), AgencyPoint, org),
        AgencyPoint,
        filters,
        year_column=AgencyPoint.established_on,
    )
    return await paginate(
        session, stmt, page, model=AgencyPoint, to_item=AgencyPointRead.model_validate
    )


async def apply_command(
    session: AsyncSession,
    point: AgencyPoint,
    *,
    command: AgencyPointCommand,
    actor: Principal,
) -> AgencyPoint:
    """``close``: active → closed on ``occurred_on`` (the point no longer counts as active from that day).

    Raises AgencyPointTransitionNotAllowed (409) when already closed and InvalidInput
    (``occurred_on``) for a date before ``established_on``.
    """
    if point.status is not AgencyPointStatus.active:
        raise AgencyPointTransitionNotAllowed(
            f"{command.type} needs status active; the agency point is {point.status}",
            current_status=str(point.status),
        )
    not_before(
        command.occurred_on,
        point.established_on,
        field="occurred_on",
        what="the establishment date",
    )
    point.status = AgencyPointStatus.closed
    point.closed_on = command.occurred_on
    session.add(
        AgencyPointEvent(
            agency_point_id=point.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return point


async def list_events(
    session: AsyncSession, point: AgencyPoint, *, page: PageParams
) -> Page[AgencyPointEventRead]:
    stmt = select(AgencyPointEvent).where(AgencyPointEvent.agency_point_id == point.id)
    return await paginate(
        session,
        stmt,
        page,
        model=AgencyPointEvent,
        to_item=AgencyPointEventRead.model_validate,
    )
