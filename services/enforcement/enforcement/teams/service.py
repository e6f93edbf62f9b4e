"""Comprehensive enforcement teams (综合执法队伍).

Organisation scope (docs/auth.md): a team belongs to its county (``region_code``) and,
for an agency-scoped caller, through its member agencies (:func:`teams_in_org`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, or_, select
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
from shared.auth import Forbidden, OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, in_org, year_bounds


def teams_in_org(stmt: Select[Any], org: OrgScope) -> Select[Any]:
    """Restrict ``stmt`` (a select of ComprehensiveEnforcementTeam) to the teams of ``org``.

    ``in_org`` filters by the county (``region_code``). A team has no ``agency_id``
    column: it belongs to each of its member agencies, so an agency-scoped caller sees
    the teams its agency is a member of (a ``TeamMember`` with ``org.agency_id``).
    """
    stmt = in_org(stmt, ComprehensiveEnforcementTeam, org)
    if org.agency_id is not None:
        stmt = stmt.where(
            ComprehensiveEnforcementTeam.members.any(
                TeamMember.agency_id == org.agency_id
            )
        )
    return stmt


async def create_team(
    session: AsyncSession, *, payload: TeamCreate, org: OrgScope
) -> ComprehensiveEnforcementTeam:
    """Register a team of the caller's county.

    Raises Forbidden (403) for another county, or for an agency-scoped caller whose
    agency is not a member; InvalidInput (``member_agency_ids.<i>``) for an unknown,
    repeated or out-of-county agency. Member agencies are looked up within ``org``, so
    an agency outside it is ``unknown`` (an agency's staff can name only their own).
    """
    ensure_may_act_for(org, region_code=payload.region_code)
    await require_agencies(
        session,
        payload.member_agency_ids,
        org=org,
        field="member_agency_ids",
        region_code=payload.region_code,
    )
    if org.agency_id is not None and org.agency_id not in payload.member_agency_ids:
        raise Forbidden("The team's member agencies do not include yours")
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
    session: AsyncSession, team_id: uuid.UUID, *, org: OrgScope
) -> ComprehensiveEnforcementTeam:
    """The team within the caller's ``org`` (:func:`teams_in_org`). Raises TeamNotFound (404)."""
    team: ComprehensiveEnforcementTeam | None = await session.scalar(
        teams_in_org(
            select(ComprehensiveEnforcementTeam)
            .options(selectinload(ComprehensiveEnforcementTeam.members))
            .where(ComprehensiveEnforcementTeam.id == team_id),
            org,
        )
    )
    if team is None:
        raise TeamNotFound(f"No comprehensive enforcement team {team_id}")
    return team


async def list_teams(
    session: AsyncSession, *, filters: TeamFilters, page: PageParams, org: OrgScope
) -> Page[TeamRead]:
    """The teams within ``org`` (:func:`teams_in_org`) matching ``filters``."""
    stmt = teams_in_org(
        select(ComprehensiveEnforcementTeam).options(
            selectinload(ComprehensiveEnforcementTeam.members)
        ),
        org,
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
