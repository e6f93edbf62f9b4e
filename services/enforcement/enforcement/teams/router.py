from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.teams import service
from enforcement.teams.dependencies import TeamDep, TeamFiltersDep
from enforcement.teams.exceptions import TeamNotFound, TeamTransitionNotAllowed
from enforcement.teams.schemas import TeamCommand, TeamCreate, TeamEventRead, TeamRead
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/comprehensive-enforcement-teams",
    tags=["comprehensive enforcement teams"],
    route_class=ServiceRoute,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_team(
    idempotency: IdempotencyDep,
    payload: TeamCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Register a comprehensive enforcement team (综合执法队伍) and its member agencies.
    A team of another county answers 403; member agencies outside the caller's organisation are unknown (422)."""
    team = await service.create_team(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="comprehensive_enforcement_team",
        resource=team,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: TeamRead.model_validate(team),
        record=team,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/comprehensive-enforcement-teams/{team.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[TeamRead], responses=problem_responses())
async def list_teams(
    session: SessionDep,
    filters: TeamFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[TeamRead]:
    """Teams ordered by creation, filtered by region, member agency and a year in which they existed.
    An agency's own staff see the teams their agency is a member of."""
    return await service.list_teams(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{team_id}", response_model=TeamRead, responses=problem_responses(TeamNotFound)
)
async def read_team(
    response: Response,
    team: TeamDep,
) -> TeamRead:
    """One team with its member agencies."""
    response.headers["ETag"] = etag(team.version)
    return TeamRead.model_validate(team)


@router.post(
    "/{team_id}/events",
    response_model=TeamRead,
    responses=problem_responses(
        TeamNotFound, TeamTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_team_command(
    team: TeamDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: TeamCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a lifecycle command: `dissolve` (the team ceases to exist on `occurred_on`).
    A team already dissolved answers 409."""
    if_match.check(team)
    team = await service.apply_command(session, team, command=command, actor=principal)
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="comprehensive_enforcement_team",
        resource=team,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: TeamRead.model_validate(team),
        record=team,
        idempotency=idempotency,
    )


@router.get(
    "/{team_id}/events",
    response_model=Page[TeamEventRead],
    responses=problem_responses(TeamNotFound),
)
async def list_team_events(
    team: TeamDep, session: SessionDep, page: PageParamsDep
) -> Page[TeamEventRead]:
    """The team's history, oldest first."""
    return await service.list_events(session, team, page=page)
