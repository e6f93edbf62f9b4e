"""Enforcement agencies (执法主体).

Organisation scope (docs/auth.md): an agency belongs to its county (``region_code``),
and an agency-scoped caller (``org.agency_id``) acts for exactly one agency, matched by
the agency's own ``id`` (:func:`agencies_in_org`). No enforcement record belongs to a
township, so a township restriction does not narrow this service's records.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.exceptions import AgencyNameTaken, AgencyNotFound
from enforcement.agencies.models import EnforcementAgency
from enforcement.agencies.schemas import AgencyCreate, AgencyFilters, AgencyRead
from enforcement.schemas import distinct_ids
from shared.auth import Forbidden, OrgScope
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, in_org


def agencies_in_org(stmt: Select[Any], org: OrgScope) -> Select[Any]:
    """Restrict ``stmt`` (a select of EnforcementAgency) to the agencies of ``org``.

    ``in_org`` filters by the county (``region_code``); an agency has no ``agency_id``
    column, so for an agency-scoped caller this also matches the agency's own ``id``
    with ``org.agency_id``: such a caller sees its own agency and no other.
    """
    stmt = in_org(stmt, EnforcementAgency, org)
    if org.agency_id is not None:
        stmt = stmt.where(EnforcementAgency.id == org.agency_id)
    return stmt


async def create_agency(
    session: AsyncSession, *, payload: AgencyCreate, org: OrgScope
) -> EnforcementAgency:
    """Register an agency in the caller's county.

    Raises Forbidden (403) for another county, and for an agency-scoped caller (a new
    agency is never the caller's own); AgencyNameTaken (409) when the county already
    has an agency of that name.
    """
    ensure_may_act_for(org, region_code=payload.region_code)
    if org.agency_id is not None:
        raise Forbidden("An agency's staff may not register another agency")
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


async def get_agency(
    session: AsyncSession, agency_id: uuid.UUID, *, org: OrgScope
) -> EnforcementAgency:
    """The agency within the caller's ``org`` (:func:`agencies_in_org`).
    Raises AgencyNotFound (404) otherwise."""
    agency = await find_agency(session, agency_id, org=org)
    if agency is None:
        raise AgencyNotFound(f"No enforcement agency {agency_id}")
    return agency


async def find_agency(
    session: AsyncSession, agency_id: uuid.UUID, *, org: OrgScope
) -> EnforcementAgency | None:
    """The agency if it lies within ``org`` (:func:`agencies_in_org`)."""
    stmt = agencies_in_org(
        select(EnforcementAgency).where(EnforcementAgency.id == agency_id), org
    )
    agency: EnforcementAgency | None = await session.scalar(stmt)
    return agency


async def require_agency(
    session: AsyncSession,
    agency_id: uuid.UUID,
    *,
    org: OrgScope,
    field: str = "agency_id",
    region_code: str | None = None,
) -> EnforcementAgency:
    """The agency named by an input field, looked up within the caller's ``org``.

    Raises InvalidInput (``field``): code ``unknown`` when no such agency exists in
    ``org`` (an agency outside it is not revealed), ``not_in_region`` when
    ``region_code`` is given and the agency is in another county.
    """
    agency = await find_agency(session, agency_id, org=org)
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
    org: OrgScope,
    field: str,
    region_code: str,
) -> list[EnforcementAgency]:
    """The agencies named by a list field, in the list's order, looked up within ``org``.

    Raises InvalidInput (``<field>.<index>``): ``duplicate``, ``unknown`` (also for an
    agency outside ``org``) or ``not_in_region``.
    """
    distinct_ids(agency_ids, field=field)
    found = {
        a.id: a
        for a in (
            await session.scalars(
                agencies_in_org(
                    select(EnforcementAgency).where(
                        EnforcementAgency.id.in_(agency_ids)
                    ),
                    org,
                )
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
    session: AsyncSession, *, filters: AgencyFilters, page: PageParams, org: OrgScope
) -> Page[AgencyRead]:
    """The agencies within ``org`` (:func:`agencies_in_org`) matching ``filters``."""
    stmt = agencies_in_org(
        filtered(select(EnforcementAgency), EnforcementAgency, filters), org
    )
    return await paginate(
        session, stmt, page, model=EnforcementAgency, to_item=AgencyRead.model_validate
    )
