from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.exceptions import AgencyNameTaken, AgencyNotFound
from enforcement.agencies.models import EnforcementAgency
from enforcement.agencies.schemas import AgencyCreate, AgencyFilters, AgencyRead
from enforcement.schemas import distinct_ids
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered


async def create_agency(
    session: AsyncSession, *, payload: AgencyCreate
) -> EnforcementAgency:
    """Raises AgencyNameTaken (409) when the county already has an agency of that name."""
    taken = await session.scalar(
        select(EnforcementAgency.id).where(
            EnforcementAgency.region_code == payload.region_code,
            EnforcementAgency.name == payload.name,
        )
    )
    if taken is not None:
        raise AgencyNameTaken(
            f"Region {payload.region_code} already has an agency named {payload.name}"
        )
    agency = EnforcementAgency(**payload.model_dump())
    session.add(agency)
    await session.flush()
    return agency


async def get_agency(session: AsyncSession, agency_id: uuid.UUID) -> EnforcementAgency:
    """Raises AgencyNotFound."""
    agency = await session.get(EnforcementAgency, agency_id)
    if agency is None:
        raise AgencyNotFound(f"No enforcement agency {agency_id}")
    return agency


async def find_agency(
    session: AsyncSession, agency_id: uuid.UUID
) -> EnforcementAgency | None:
    return await session.get(EnforcementAgency, agency_id)


async def require_agency(
    session: AsyncSession,
    agency_id: uuid.UUID,
    *,
    field: str = "agency_id",
    region_code: str | None = None,
) -> EnforcementAgency:
    """The agency named by an input field.

    Raises InvalidInput (``field``): code ``unknown`` when no such agency exists,
    ``not_in_region`` when ``region_code`` is given and the agency is in another county.
    """
    agency = await find_agency(session, agency_id)
    if agency is None:
        raise InvalidInput(
            f"{field} names no enforcement agency", field=field, code="unknown"
        )
    if region_code is not None and agency.region_code != region_code:
        raise InvalidInput(
            f"{field} names an agency outside region {region_code}",
            field=field,
            code="not_in_region",
        )
    return agency


async def require_agencies(
    session: AsyncSession,
    agency_ids: Sequence[uuid.UUID],
    *,
    field: str,
    region_code: str,
) -> list[EnforcementAgency]:
    """The agencies named by a list field, in the list's order.

    Raises InvalidInput (``<field>.<index>``): ``duplicate``, ``unknown`` or ``not_in_region``.
    """
    distinct_ids(agency_ids, field=field)
    found = {
        a.id: a
        for a in (
            await session.scalars(
                select(EnforcementAgency).where(EnforcementAgency.id.in_(agency_ids))
            )
        ).all()
    }
    agencies = []
    for index, agency_id in enumerate(agency_ids):
        agency = found.get(agency_id)
        if agency is None:
            raise InvalidInput(
                f"{field} names no enforcement agency {agency_id}",
                field=f"{field}.{index}",
                code="unknown",
            )
        if agency.region_code != region_code:
            raise InvalidInput(
                f"{field} names an agency outside region {region_code}",
                field=f"{field}.{index}",
                code="not_in_region",
            )
        agencies.append(agency)
    return agencies


async def list_agencies(
    session: AsyncSession, *, filters: AgencyFilters, page: PageParams
) -> Page[AgencyRead]:
    stmt = filtered(select(EnforcementAgency), EnforcementAgency, filters)
    return await paginate(
        session, stmt, page, model=EnforcementAgency, to_item=AgencyRead.model_validate
    )
