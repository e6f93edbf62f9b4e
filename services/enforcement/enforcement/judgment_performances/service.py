"""Judgment performance supervision (生效裁判履行监督).

Organisation scope (docs/auth.md): an item carries ``region_code`` and ``agency_id``
(the agency that has to perform the judgment), so ``in_org`` alone restricts reads
(an agency's staff see their agency's items); the agency is looked up within the
caller's organisation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.campaigns.models import SpecialCampaign
from enforcement.judgment_performances.exceptions import (
    JudgmentPerformanceNotFound,
    JudgmentPerformanceTransitionNotAllowed,
)
from enforcement.judgment_performances.models import (
    JudgmentPerformance,
    JudgmentPerformanceEvent,
)
from enforcement.judgment_performances.schemas import (
    JudgmentPerformanceCommand,
    JudgmentPerformanceCreate,
    JudgmentPerformanceEventRead,
    JudgmentPerformanceFilters,
    JudgmentPerformanceRead,
)
from enforcement.schemas import not_before
from shared.auth import OrgScope, Principal
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, get_or_raise, in_org, year_bounds


async def record_performance(
    session: AsyncSession, *, payload: JudgmentPerformanceCreate, org: OrgScope
) -> JudgmentPerformance:
    """Record an agency's unperformed judgment, optionally found by a special campaign.
    Raises InvalidInput (``agency_id``, also for an agency outside the caller's ``org``;
    ``campaign_id`` unknown within ``org`` or of another county; ``found_on`` before the
    campaign started) and Forbidden (403) for a record outside it."""
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    if payload.campaign_id is not None:
        campaign = await session.scalar(
            in_org(
                select(SpecialCampaign).where(
                    SpecialCampaign.id == payload.campaign_id
                ),
                SpecialCampaign,
                org,
            )
        )
        if campaign is None or campaign.region_code != agency.region_code:
            raise InvalidInput(
                "campaign_id names no special campaign of the agency's county",
                field="campaign_id",
                code="unknown",
            )
        not_before(
            payload.found_on,
            campaign.started_on,
            field="found_on",
            what="the campaign's started_on",
        )
    performance = JudgmentPerformance(
        **payload.model_dump(), region_code=agency.region_code
    )
    session.add(performance)
    await session.flush()
    return performance


async def get_performance(
    session: AsyncSession, performance_id: uuid.UUID, *, org: OrgScope
) -> JudgmentPerformance:
    """The item within the caller's ``org``. Raises JudgmentPerformanceNotFound (404)."""
    return await get_or_raise(
        session,
        JudgmentPerformance,
        performance_id,
        JudgmentPerformanceNotFound,
        org=org,
    )


async def list_performances(
    session: AsyncSession,
    *,
    filters: JudgmentPerformanceFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[JudgmentPerformanceRead]:
    """The items within ``org`` (region and agency) matching ``filters``."""
    stmt = in_org(select(JudgmentPerformance), JudgmentPerformance, org)
    if filters.region_code:
        stmt = stmt.where(JudgmentPerformance.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(JudgmentPerformance.agency_id == filters.agency_id)
    if filters.campaign_id:
        stmt = stmt.where(JudgmentPerformance.campaign_id == filters.campaign_id)
    if filters.rectified is not None:
        rectified = JudgmentPerformance.rectified_on.is_not(None)
        stmt = stmt.where(rectified if filters.rectified else ~rectified)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(JudgmentPerformance.found_on.between(start, end))
    return await paginate(
        session,
        stmt,
        page,
        model=JudgmentPerformance,
        to_item=JudgmentPerformanceRead.model_validate,
    )


async def apply_command(
    session: AsyncSession,
    performance: JudgmentPerformance,
    *,
    command: JudgmentPerformanceCommand,
    actor: Principal,
) -> JudgmentPerformance:
    """``rectify``: the agency performed the judgment on ``occurred_on``.

    Raises JudgmentPerformanceTransitionNotAllowed (409) when already rectified and
    InvalidInput (``occurred_on``) for a date before ``found_on``.
    """
    if performance.rectified_on is not None:
        raise JudgmentPerformanceTransitionNotAllowed(
            f"The judgment was performed on {performance.rectified_on}",
            current_status="rectified",
        )
    not_before(
        command.occurred_on, performance.found_on, field="occurred_on", what="found_on"
    )
    performance.rectified_on = command.occurred_on
    session.add(
        JudgmentPerformanceEvent(
            performance_id=performance.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return performance


async def list_events(
    session: AsyncSession, performance: JudgmentPerformance, *, page: PageParams
) -> Page[JudgmentPerformanceEventRead]:
    stmt = select(JudgmentPerformanceEvent).where(
        JudgmentPerformanceEvent.performance_id == performance.id
    )
    return await paginate(
        session,
        stmt,
        page,
        model=JudgmentPerformanceEvent,
        to_item=JudgmentPerformanceEventRead.model_validate,
    )
