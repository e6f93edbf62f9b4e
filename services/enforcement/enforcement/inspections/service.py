"""Random inspections (双随机、一公开) and the inspection items (抽查事项) they cover.

Organisation scope (docs/auth.md): an inspection item carries ``region_code`` and
``agency_id``, so ``in_org`` alone restricts it. A random inspection carries only
``region_code``; it belongs to its lead agency and to each participating agency, so an
agency-scoped caller sees the inspections its agency leads or takes part in
(:func:`inspections_in_org`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, or_, select
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
    RandomInspectionOfficer,
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
from enforcement.officers.models import Officer
from enforcement.schemas import distinct_ids, not_before
from enforcement.working_days import add_working_days
from shared.auth import Forbidden, OrgScope, Principal
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, get_or_raise, in_org, year_bounds

# --- inspection items (抽查事项) ---------------------------------------------------------


async def put_item_on_list(
    session: AsyncSession, *, payload: InspectionItemCreate, org: OrgScope
) -> InspectionItem:
    """Put an item on an agency's list. Raises InvalidInput (``agency_id``, also for an
    agency outside the caller's ``org``) and Forbidden (403) for a record outside it."""
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    item = InspectionItem(**payload.model_dump(), region_code=agency.region_code)
    session.add(item)
    await session.flush()
    return item


async def get_item(
    session: AsyncSession, item_id: uuid.UUID, *, org: OrgScope
) -> InspectionItem:
    """The item within the caller's ``org`` (region and agency). Raises InspectionItemNotFound (404)."""
    return await get_or_raise(
        session, InspectionItem, item_id, InspectionItemNotFound, org=org
    )


async def list_items(
    session: AsyncSession,
    *,
    filters: InspectionItemFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[InspectionItemRead]:
    """The items within ``org`` (region and agency) matching ``filters``."""
    stmt = in_org(select(InspectionItem), InspectionItem, org)
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


def inspections_in_org(stmt: Select[Any], org: OrgScope) -> Select[Any]:
    """Restrict ``stmt`` (a select of RandomInspection) to the inspections of ``org``.

    ``in_org`` filters by the county (``region_code``). An inspection has no
    ``agency_id`` column: it belongs to its lead agency and to each participating
    agency, so an agency-scoped caller sees those with ``lead_agency_id`` or a
    participant equal to ``org.agency_id``.
    """
    stmt = in_org(stmt, RandomInspection, org)
    if org.agency_id is not None:
        stmt = stmt.where(
            or_(
                RandomInspection.lead_agency_id == org.agency_id,
                RandomInspection.participants.any(
                    RandomInspectionAgency.agency_id == org.agency_id
                ),
            )
        )
    return stmt


async def _require_inspectors(
    session: AsyncSession,
    payload: RandomInspectionCreate,
    *,
    departments: set[uuid.UUID],
    org: OrgScope,
) -> None:
    """Raises InvalidInput (``inspector_officer_ids.<i>``): ``duplicate``; ``unknown`` for
    no officer within ``org``; ``not_participating`` for an officer of an agency that took
    no part. A certificate expired on ``inspected_on`` is not refused: it is reported by
    ``GET /officers/acting-without-certificate`` (the record states what happened)."""
    distinct_ids(payload.inspector_officer_ids, field="inspector_officer_ids")
    officers = {
        o.id: o
        for o in (
            await session.scalars(
                in_org(
                    select(Officer).where(
                        Officer.id.in_(payload.inspector_officer_ids)
                    ),
                    Officer,
                    org,
                )
            )
        ).all()
    }
    for index, officer_id in enumerate(payload.inspector_officer_ids):
        field = f"inspector_officer_ids.{index}"
        officer = officers.get(officer_id)
        if officer is None:
            raise InvalidInput(f"{field} names no officer", field=field, code="unknown")
        if officer.agency_id not in departments:
            raise InvalidInput(
                "the officer is of an agency that took no part",
                field=field,
                code="not_participating",
            )


async def record_inspection(
    session: AsyncSession, *, payload: RandomInspectionCreate, org: OrgScope
) -> RandomInspection:
    """Record an inspection task; it is joint when more than one department took part.

    The agencies and items are looked up within the caller's ``org``: one outside it is
    ``unknown`` (an agency's staff can name only their own agency and its items).
    Raises InvalidInput: ``lead_agency_id`` (unknown); ``participating_agency_ids.<i>``
    (unknown, repeated, the lead again, or in another county); ``inspection_item_ids.<i>``
    (unknown, repeated, ``not_participating`` when no department of the task lists
    it, ``not_listed`` when it is not on the list on ``inspected_on``). Raises
    Forbidden (403) for a task outside ``org`` (another county, or none of the
    caller's agency).
    """
    lead = await require_agency(
        session, payload.lead_agency_id, org=org, field="lead_agency_id"
    )
    ensure_may_act_for(org, region_code=lead.region_code)
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
        org=org,
        field="participating_agency_ids",
        region_code=lead.region_code,
    )
    departments = {lead.id, *payload.participating_agency_ids}
    if org.agency_id is not None and org.agency_id not in departments:
        raise Forbidden("Your agency is neither the lead nor a participant")
    distinct_ids(payload.inspection_item_ids, field="inspection_item_ids")
    items = {
        i.id: i
        for i in (
            await session.scalars(
                in_org(
                    select(InspectionItem).where(
                        InspectionItem.id.in_(payload.inspection_item_ids)
                    ),
                    InspectionItem,
                    org,
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
    await _require_inspectors(session, payload, departments=departments, org=org)
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
        inspectors=[
            RandomInspectionOfficer(officer_id=o, position=i)
            for i, o in enumerate(payload.inspector_officer_ids)
        ],
    )
    session.add(inspection)
    await session.flush()
    return inspection


async def get_inspection(
    session: AsyncSession, inspection_id: uuid.UUID, *, org: OrgScope
) -> RandomInspection:
    """The inspection within the caller's ``org`` (:func:`inspections_in_org`).
    Raises RandomInspectionNotFound (404)."""
    inspection: RandomInspection | None = await session.scalar(
        inspections_in_org(
            select(RandomInspection)
            .options(
                selectinload(RandomInspection.participants),
                selectinload(RandomInspection.items),
                selectinload(RandomInspection.inspectors),
            )
            .where(RandomInspection.id == inspection_id),
            org,
        )
    )
    if inspection is None:
        raise RandomInspectionNotFound(f"No random inspection {inspection_id}")
    return inspection


def to_read(
    inspection: RandomInspection, *, publication_working_days: int
) -> RandomInspectionRead:
    """The inspection with the date its results are due to be public and whether they
    were published late: ``publication_working_days`` working days (configurable, default
    20; the Hebei rule of mission-notes §3.7, results public within 20 working days of
    finishing) counted from the day after ``inspected_on`` (working_days). Both are None
    when the holiday calendar does not cover the days counted; lateness is None while the
    results are unpublished."""
    read = RandomInspectionRead.model_validate(inspection)
    due = add_working_days(inspection.inspected_on, publication_working_days)
    published = inspection.results_published_on
    return read.model_copy(
        update={
            "results_due_on": due,
            "results_published_late": None
            if due is None or published is None
            else published > due,
        }
    )


async def list_inspections(
    session: AsyncSession,
    *,
    filters: RandomInspectionFilters,
    page: PageParams,
    org: OrgScope,
    publication_working_days: int,
) -> Page[RandomInspectionRead]:
    """The inspections within ``org`` (:func:`inspections_in_org`) matching ``filters``,
    as :func:`to_read` shows them."""
    stmt = inspections_in_org(
        select(RandomInspection).options(
            selectinload(RandomInspection.participants),
            selectinload(RandomInspection.items),
            selectinload(RandomInspection.inspectors),
        ),
        org,
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
        to_item=lambda inspection: to_read(
            inspection, publication_working_days=publication_working_days
        ),
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
