from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.campaigns.exceptions import (
    CampaignNotFound,
    ProblemClueNotFound,
    ProblemClueTransitionNotAllowed,
)
from enforcement.campaigns.models import ProblemClue, ProblemClueEvent, SpecialCampaign
from enforcement.campaigns.schemas import (
    CampaignCreate,
    CampaignFilters,
    CampaignRead,
    ProblemClueCommand,
    ProblemClueCreate,
    ProblemClueEventRead,
    ProblemClueFilters,
    ProblemClueRead,
)
from enforcement.schemas import not_before
from shared.auth import Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered, year_bounds


async def start_campaign(
    session: AsyncSession, *, payload: CampaignCreate
) -> SpecialCampaign:
    campaign = SpecialCampaign(**payload.model_dump())
    session.add(campaign)
    await session.flush()
    return campaign


async def get_campaign(
    session: AsyncSession, campaign_id: uuid.UUID
) -> SpecialCampaign:
    """Raises CampaignNotFound."""
    campaign = await session.get(SpecialCampaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound(f"No special campaign {campaign_id}")
    return campaign


async def list_campaigns(
    session: AsyncSession, *, filters: CampaignFilters, page: PageParams
) -> Page[CampaignRead]:
    stmt = filtered(
        select(SpecialCampaign),
        SpecialCampaign,
        filters,
        year_column=SpecialCampaign.started_on,
    )
    return await paginate(
        session, stmt, page, model=SpecialCampaign, to_item=CampaignRead.model_validate
    )


async def record_clue(
    session: AsyncSession, campaign: SpecialCampaign, *, payload: ProblemClueCreate
) -> ProblemClue:
    """Record a clue found in ``campaign``.

    Raises InvalidInput: ``agency_id`` (unknown or in another county), ``found_on``
    (before the campaign started).
    """
    await require_agency(session, payload.agency_id, region_code=campaign.region_code)
    not_before(
        payload.found_on,
        campaign.started_on,
        field="found_on",
        what="the campaign's start",
    )
    clue = ProblemClue(
        **payload.model_dump(),
        campaign_id=campaign.id,
        region_code=campaign.region_code,
    )
    session.add(clue)
    await session.flush()
    return clue


async def get_clue(session: AsyncSession, clue_id: uuid.UUID) -> ProblemClue:
    """Raises ProblemClueNotFound."""
    clue = await session.get(ProblemClue, clue_id)
    if clue is None:
        raise ProblemClueNotFound(f"No problem clue {clue_id}")
    return clue


async def list_clues(
    session: AsyncSession, *, filters: ProblemClueFilters, page: PageParams
) -> Page[ProblemClueRead]:
    stmt = select(ProblemClue)
    if filters.region_code:
        stmt = stmt.where(ProblemClue.region_code == filters.region_code)
    if filters.campaign_id:
        stmt = stmt.where(ProblemClue.campaign_id == filters.campaign_id)
    if filters.agency_id:
        stmt = stmt.where(ProblemClue.agency_id == filters.agency_id)
    if filters.rectified is not None:
        rectified = ProblemClue.rectified_on.is_not(None)
        stmt = stmt.where(rectified if filters.rectified else ~rectified)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(ProblemClue.found_on.between(start, end))
    return await paginate(
        session, stmt, page, model=ProblemClue, to_item=ProblemClueRead.model_validate
    )


async def apply_clue_command(
    session: AsyncSession,
    clue: ProblemClue,
    *,
    command: ProblemClueCommand,
    actor: Principal,
) -> ProblemClue:
    """``rectify``: the problem was rectified on ``occurred_on``.

    Raises ProblemClueTransitionNotAllowed (409) when it already is and InvalidInput
    (``occurred_on``) for a date before ``found_on``.
    """
    if clue.rectified_on is not None:
        raise ProblemClueTransitionNotAllowed(
            f"The clue was rectified on {clue.rectified_on}", current_status="rectified"
        )
    not_before(command.occurred_on, clue.found_on, field="occurred_on", what="found_on")
    clue.rectified_on = command.occurred_on
    session.add(
        ProblemClueEvent(
            clue_id=clue.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return clue


async def list_clue_events(
    session: AsyncSession, clue: ProblemClue, *, page: PageParams
) -> Page[ProblemClueEventRead]:
    stmt = select(ProblemClueEvent).where(ProblemClueEvent.clue_id == clue.id)
    return await paginate(
        session,
        stmt,
        page,
        model=ProblemClueEvent,
        to_item=ProblemClueEventRead.model_validate,
    )
