"""Special campaigns (专项整治 / 专项督察) and the problem clues (问题线索) they find.

Organisation scope (docs/auth.md): a campaign is the bureau's, for the whole county,
and carries only ``region_code``. Reads follow that column: every caller of the county
sees its campaigns, an agency's staff included. Starting one is an act for the county,
which an agency-scoped caller may not do (403, :func:`start_campaign`). A problem clue
carries ``region_code`` and ``agency_id`` (the agency it concerns), so ``in_org``
restricts clues: an agency's staff see only their agency's clues, in every listing
(``/problem-clues`` and a campaign's ``/problem-clues`` alike).
"""

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
from shared.auth import OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import (
    ensure_may_act_for,
    filtered,
    get_or_raise,
    in_org,
    year_bounds,
)


async def start_campaign(
    session: AsyncSession, *, payload: CampaignCreate, org: OrgScope
) -> SpecialCampaign:
    """Start a campaign of the caller's county.

    Raises Forbidden (403) for another county and for an agency-scoped caller: the
    campaign belongs to no agency (``agency_id=None`` is checked against ``org``).
    """
    ensure_may_act_for(org, region_code=payload.region_code, agency_id=None)
    campaign = SpecialCampaign(**payload.model_dump())
    session.add(campaign)
    await session.flush()
    return campaign


async def get_campaign(
    session: AsyncSession, campaign_id: uuid.UUID, *, org: OrgScope
) -> SpecialCampaign:
    """The campaign within the caller's ``org`` (by county). Raises CampaignNotFound (404)."""
    return await get_or_raise(
        session, SpecialCampaign, campaign_id, CampaignNotFound, org=org
    )


async def list_campaigns(
    session: AsyncSession, *, filters: CampaignFilters, page: PageParams, org: OrgScope
) -> Page[CampaignRead]:
    """The campaigns of the caller's county (``in_org``) matching ``filters``."""
    stmt = filtered(
        in_org(select(SpecialCampaign), SpecialCampaign, org),
        SpecialCampaign,
        filters,
        year_column=SpecialCampaign.started_on,
    )
    return await paginate(
        session, stmt, page, model=SpecialCampaign, to_item=CampaignRead.model_validate
    )


async def record_clue(
    session: AsyncSession,
    campaign: SpecialCampaign,
    *,
    payload: ProblemClueCreate,
    org: OrgScope,
) -> ProblemClue:
    """Record a clue found in ``campaign`` (already loaded within the caller's ``org``).

    Raises InvalidInput: ``agency_id`` (unknown, also outside the caller's ``org``, or
    in another county), ``found_on`` (before the campaign started); Forbidden (403) for
    a clue outside ``org``.
    """
    agency = await require_agency(
        session, payload.agency_id, org=org, region_code=campaign.region_code
    )
    ensure_may_act_for(org, region_code=campaign.region_code, agency_id=agency.id)
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


async def get_clue(
    session: AsyncSession, clue_id: uuid.UUID, *, org: OrgScope
) -> ProblemClue:
    """The clue within the caller's ``org`` (region and agency). Raises ProblemClueNotFound (404)."""
    return await get_or_raise(
        session, ProblemClue, clue_id, ProblemClueNotFound, org=org
    )


async def list_clues(
    session: AsyncSession,
    *,
    filters: ProblemClueFilters,
    page: PageParams,
    org: OrgScope,
) -> Page[ProblemClueRead]:
    """The clues within ``org`` (region and agency) matching ``filters``."""
    stmt = in_org(select(ProblemClue), ProblemClue, org)
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
