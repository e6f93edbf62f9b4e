from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from enforcement.agencies.service import require_agencies, require_agency
from enforcement.inspections.exceptions import (
    InspectionItemNotFound,
    InspectionItemTransitionNotAllowed,
    RandomInspectionNotFound,
    RandomInspectionTransitionNotAllowed,
)
from enforcement.inspections.models import (
    InspectionItem,
    InspectionItemEvent,
    RandomInspection,
    RandomInspectionAgency,
    RandomInspectionEvent,
    RandomInspectionItem,
)
from enforcement.inspections.schemas import (
    InspectionItemCommand,
    InspectionItemCreate,
    InspectionItemEventRead,
    InspectionItemFilters,
    InspectionItemRead,
    RandomInspectionCommand,
    RandomInspectionCreate,
    RandomInspectionEventRead,
    RandomInspectionFilters,
    RandomInspectionRead,
)
from enforcement.schemas import distinct_ids, not_before
from shared.auth import Principal
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import year_bounds

# --- inspection items (抽查事项) ---------------------------------------------------------


async def put_item_on_list(
    session: AsyncSession, *, payload: InspectionItemCreate
) -> InspectionItem:
    """Put an item on an agency's list. Raises InvalidInput (``agency_id``)."""
    agency = await require_agency(session, payload.agency_id)
    item = InspectionItem(**payload.model_dump(), region_code=agency.region_code)
    session.add(item)
    await session.flush()
    return item


async def get_item(session: AsyncSession, item_id: uuid.UUID) -> InspectionItem:
    """Raises InspectionItemNotFound."""
    item = await session.get(InspectionItem, item_id)
    if item is None:
        raise InspectionItemNotFound(f"No inspection item {item_id}")
    return item


async def list_items(
    session: AsyncSession, *, filters: InspectionItemFilters, page: PageParams
) -> Page[InspectionItemRead]:
    stmt = select(InspectionItem)
    if filters.region_code:
        stmt = stmt.where(InspectionItem.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(InspectionItem.agency_id == filters.agency_id)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(
            InspectionItem.listed_on <= end,
            or_(
                InspectionItem.delisted_on.is_(None), InspectionItem.delisted_on > start
            ),
        )
    return await paginate(
        session,
        stmt,
        page,
        model=InspectionItem,
        to_item=InspectionItemRead.model_validate,
    )


async def apply_item_command(
    session: AsyncSession,
    item: InspectionItem,
    *,
    command: InspectionItemCommand,
    actor: Principal,
) -> InspectionItem:
    """``delist``: the item is off the list from ``occurred_on``.

    Raises InspectionItemTransitionNotAllowed (409) when it is already delisted, and
    InvalidInput (``occurred_on``) for a date before ``listed_on`` or on or before a
    random inspection that covered the item.
    """
    if item.delisted_on is not None:
        raise InspectionItemTransitionNotAllowed(
            f"The item was delisted on {item.delisted_on}", current_status="delisted"
        )
    not_before(
        command.occurred_on, item.listed_on, field="occurred_on", what="listed_on"
    )
    inspected_later = await session.scalar(
        select(RandomInspection.id)
        .join(
            RandomInspectionItem,
            RandomInspectionItem.inspection_id == RandomInspection.id,
        )
        .where(
            RandomInspectionItem.item_id == item.id,
            RandomInspection.inspected_on >= command.occurred_on,
        )
        .limit(1)
    )
    if inspected_later is not None:
        raise InvalidInput(
            "a random inspection covered the item on or after occurred_on",
            field="occurred_on",
            code="inspected_later",
        )
    item.delisted_on = command.occurred_on
    session.add(
        InspectionItemEvent(
            item_id=item.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return item


async def list_item_events(
    session: AsyncSession, item: InspectionItem, *, page: PageParams
) -> Page[InspectionItemEventRead]:
    stmt = select(InspectionItemEvent).where(InspectionItemEvent.item_id == item.id)
    return await paginate(
        session,
        stmt,
        page,
        model=InspectionItemEvent,
        to_item=InspectionItemEventRead.model_validate,
    )


# --- random inspections (双随机、一公开) --------------------------------------------------


async def record_inspection(
    session: AsyncSession, *, payload: RandomInspectionCreate
) -> RandomInspection:
    """Record an inspection task; it is joint when more than one department took part.

    Raises InvalidInput: ``lead_agency_id`` (unknown); ``participating_agency_ids.<i>``
    (unknown, repeated, the lead again, or in another county); ``inspection_item_ids.<i>``
    (unknown, repeated, ``not_participating`` when no department of the task lists
    it, ``not_listed`` when it is not on the list on ``inspected_on``).
    """
    lead = await require_agency(session, payload.lead_agency_id, field="lead_agency_id")
    for index, agency_id in enumerate(payload.participating_agency_ids):
        if agency_id == lead.id:
            raise InvalidInput(
                "the lead agency is not also a participating agency",
                field=f"participating_agency_ids.{index}",
                code="lead_repeated",
            )
    await require_agencies(
        session,
        payload.participating_agency_ids,
        field="participating_agency_ids",
        region_code=lead.region_code,
    )
    departments = {lead.id, *payload.participating_agency_ids}
    distinct_ids(payload.inspection_item_ids, field="inspection_item_ids")
    items = {
        i.id: i
        for i in (
            await session.scalars(
                select(InspectionItem).where(
                    InspectionItem.id.in_(payload.inspection_item_ids)
                )
            )
        ).all()
    }
    for index, item_id in enumerate(payload.inspection_item_ids):
        field = f"inspection_item_ids.{index}"
        item = items.get(item_id)
        if item is None:
            raise InvalidInput(
                f"inspection_item_ids names no inspection item {item_id}",
                field=field,
                code="unknown",
            )
        if item.agency_id not in departments:
            raise InvalidInput(
                "the item is on the list of an agency that took no part",
                field=field,
                code="not_participating",
            )
        if not item.on_list(payload.inspected_on):
            raise InvalidInput(
                f"the item is not on the list on {payload.inspected_on}",
                field=field,
                code="not_listed",
            )
    inspection = RandomInspection(
        region_code=lead.region_code,
        inspected_on=payload.inspected_on,
        lead_agency_id=lead.id,
        department_count=len(departments),
        entities_inspected=payload.entities_inspected,
        results_published_on=payload.results_published_on,
        participants=[
            RandomInspectionAgency(agency_id=a, position=i)
            for i, a in enumerate(payload.participating_agency_ids)
        ],
        items=[
            RandomInspectionItem(item_id=t, position=i)
            for i, t in enumerate(payload.inspection_item_ids)
        ],
    )
    session.add(inspection)
    await session.flush()
    return inspection


async def get_inspection(
    session: AsyncSession, inspection_id: uuid.UUID
) -> RandomInspection:
    """Raises RandomInspectionNotFound."""
    inspection = await session.scalar(
        select(RandomInspection)
        .options(
            selectinload(RandomInspection.participants),
            selectinload(RandomInspection.items),
        )
        .where(RandomInspection.id == inspection_id)
    )
    if inspection is None:
        raise RandomInspectionNotFound(f"No random inspection {inspection_id}")
    return inspection


async def list_inspections(
    session: AsyncSession, *, filters: RandomInspectionFilters, page: PageParams
) -> Page[RandomInspectionRead]:
    stmt = select(RandomInspection).options(
        selectinload(RandomInspection.participants),
        selectinload(RandomInspection.items),
    )
    if filters.region_code:
        stmt = stmt.where(RandomInspection.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(
            or_(
                RandomInspection.lead_agency_id == filters.agency_id,
                RandomInspection.participants.any(
                    RandomInspectionAgency.agency_id == filters.agency_id
                ),
            )
        )
    if filters.joint is not None:
        stmt = stmt.where(
            RandomInspection.department_count > 1
            if filters.joint
            else RandomInspection.department_count == 1
        )
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(RandomInspection.inspected_on.between(start, end))
    return await paginate(
        session,
        stmt,
        page,
        model=RandomInspection,
        to_item=RandomInspectionRead.model_validate,
    )


async def apply_inspection_command(
    session: AsyncSession,
    inspection: RandomInspection,
    *,
    command: RandomInspectionCommand,
    actor: Principal,
) -> RandomInspection:
    """``publish_results``: the results were made public on ``occurred_on``.

    Raises RandomInspectionTransitionNotAllowed (409) when they already were and
    InvalidInput (``occurred_on``) for a date before ``inspected_on``.
    """
    if inspection.results_published_on is not None:
        raise RandomInspectionTransitionNotAllowed(
            f"The results were published on {inspection.results_published_on}",
            current_status="published",
        )
    not_before(
        command.occurred_on,
        inspection.inspected_on,
        field="occurred_on",
        what="inspected_on",
    )
    inspection.results_published_on = command.occurred_on
    session.add(
        RandomInspectionEvent(
            inspection_id=inspection.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return inspection


async def list_inspection_events(
    session: AsyncSession, inspection: RandomInspection, *, page: PageParams
) -> Page[RandomInspectionEventRead]:
    stmt = select(RandomInspectionEvent).where(
        RandomInspectionEvent.inspection_id == inspection.id
    )
    return await paginate(
        session,
        stmt,
        page,
        model=RandomInspectionEvent,
        to_item=RandomInspectionEventRead.model_validate,
    )
