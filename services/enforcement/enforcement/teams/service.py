from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from enforcement.agencies.service import require_agencies
from enforcement.schemas import not_before
from enforcement.teams.exceptions import TeamNotFound, TeamTransitionNotAllowed
from enforcement.teams.models import ComprehensiveEnforcementTeam, TeamEvent, TeamMember
from enforcement.teams.schemas import (
    TeamCommand,
    TeamCreate,
    TeamEventRead,
    TeamFilters,
    TeamRead,
)
from shared.auth import Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import year_bounds


async def create_team(
    session: AsyncSession, *, payload: TeamCreate
) -> ComprehensiveEnforcementTeam:
    """Raises InvalidInput (``member_agency_ids.<i>``) for an unknown, repeated or out-of-county agency."""
    await require_agencies(
        session,
        payload.member_agency_ids,
        field="member_agency_ids",
        region_code=payload.region_code,
    )
    team = ComprehensiveEnforcementTeam(
        **payload.model_dump(exclude={"member_agency_ids"}),
        members=[
            TeamMember(agency_id=a, position=i)
            for i, a in enumerate(payload.member_agency_ids)
        ],
    )
    session.add(team)
    await session.flush()
    return team


async def get_team(
    session: AsyncSession, team_id: uuid.UUID
) -> ComprehensiveEnforcementTeam:
    """Raises TeamNotFound."""
    team = await session.scalar(
        select(ComprehensiveEnforcementTeam)
        .options(selectinload(ComprehensiveEnforcementTeam.members))
        .where(ComprehensiveEnforcementTeam.id == team_id)
    )
    if team is None:
        raise TeamNotFound(f"No comprehensive enforcement team {team_id}")
    return team


async def list_teams(
    session: AsyncSession, *, filters: TeamFilters, page: PageParams
) -> Page[TeamRead]:
    stmt = select(ComprehensiveEnforcementTeam).options(
        selectinload(ComprehensiveEnforcementTeam.members)
    )
    if filters.region_code:
        stmt = stmt.where(
            ComprehensiveEnforcementTeam.region_code == filters.region_code
        )
    if filters.agency_id:
        stmt = stmt.where(
            ComprehensiveEnforcementTeam.members.any(
                TeamMember.agency_id == filters.agency_id
            )
        )
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(
            ComprehensiveEnforcementTeam.established_on <= end,
            or_(
                ComprehensiveEnforcementTeam.dissolved_on.is_(None),
                ComprehensiveEnforcementTeam.dissolved_on > start,
            ),
        )
    return await paginate(
        session,
        stmt,
        page,
        model=ComprehensiveEnforcementTeam,
        to_item=TeamRead.model_validate,
    )


async def apply_command(
    session: AsyncSession,
    team: ComprehensiveEnforcementTeam,
    *,
    command: TeamCommand,
    actor: Principal,
) -> ComprehensiveEnforcementTeam:
    """``dissolve``: the team ceases to exist on ``occurred_on``.

    Raises TeamTransitionNotAllowed (409) when it is already dissolved and
    InvalidInput (``occurred_on``) for a date before ``established_on``.
    """
    if team.dissolved_on is not None:
        raise TeamTransitionNotAllowed(
            f"The team was dissolved on {team.dissolved_on}", current_status="dissolved"
        )
    not_before(
        command.occurred_on,
        team.established_on,
        field="occurred_on",
        what="established_on",
    )
    team.dissolved_on = command.occurred_on
    session.add(
        TeamEvent(
            team_id=team.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return team


async def list_events(
    session: AsyncSession, team: ComprehensiveEnforcementTeam, *, page: PageParams
) -> Page[TeamEventRead]:
    stmt = select(TeamEvent).where(TeamEvent.team_id == team.id)
    return await paginate(
        session, stmt, page, model=TeamEvent, to_item=TeamEventRead.model_validate
    )
