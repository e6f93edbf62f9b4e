from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.campaigns import service
from enforcement.campaigns.dependencies import (
    CampaignDep,
    CampaignFiltersDep,
    ProblemClueDep,
    ProblemClueFiltersDep,
)
from enforcement.campaigns.exceptions import (
    CampaignNotFound,
    ProblemClueNotFound,
    ProblemClueTransitionNotAllowed,
)
from enforcement.campaigns.schemas import (
    CampaignCreate,
    CampaignRead,
    ProblemClueCommand,
    ProblemClueCreate,
    ProblemClueEventRead,
    ProblemClueFilters,
    ProblemClueRead,
)
from enforcement.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(tags=["special campaigns"], route_class=ServiceRoute)


@router.post(
    "/special-campaigns",
    status_code=status.HTTP_201_CREATED,
    response_model=CampaignRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def start_campaign(
    idempotency: IdempotencyDep,
    payload: CampaignCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Start a special campaign (专项整治 / 专项督察). Another county, or a caller acting for
    one agency, answers 403."""
    campaign = await service.start_campaign(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="special_campaign",
        resource=campaign,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: CampaignRead.model_validate(campaign),
        record=campaign,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/special-campaigns/{campaign.id}",
        idempotency=idempotency,
    )


@router.get(
    "/special-campaigns",
    response_model=Page[CampaignRead],
    responses=problem_responses(),
)
async def list_campaigns(
    session: SessionDep,
    filters: CampaignFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[CampaignRead]:
    """Campaigns ordered by creation, filtered by region and year started."""
    return await service.list_campaigns(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/special-campaigns/{campaign_id}",
    response_model=CampaignRead,
    responses=problem_responses(CampaignNotFound),
)
async def read_campaign(
    response: Response,
    campaign: CampaignDep,
) -> CampaignRead:
    """One special campaign."""
    response.headers["ETag"] = etag(campaign.version)
    return CampaignRead.model_validate(campaign)


@router.post(
    "/special-campaigns/{campaign_id}/problem-clues",
    status_code=status.HTTP_201_CREATED,
    response_model=ProblemClueRead,
    responses=problem_responses(CampaignNotFound, Forbidden, *CREATE_PROBLEMS),
)
async def record_clue(
    idempotency: IdempotencyDep,
    campaign: CampaignDep,
    payload: ProblemClueCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a problem clue (问题线索) found in the campaign. An agency outside the
    caller's organisation is unknown (422)."""
    clue = await service.record_clue(
        session, campaign, payload=payload, org=principal.org
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="problem_clue",
        resource=clue,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: ProblemClueRead.model_validate(clue),
        record=clue,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/problem-clues/{clue.id}",
        idempotency=idempotency,
    )


@router.get(
    "/special-campaigns/{campaign_id}/problem-clues",
    response_model=Page[ProblemClueRead],
    responses=problem_responses(CampaignNotFound),
)
async def list_campaign_clues(
    campaign: CampaignDep,
    session: SessionDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[ProblemClueRead]:
    """The campaign's clues ordered by creation (an agency's own staff see their agency's)."""
    return await service.list_clues(
        session,
        filters=ProblemClueFilters(campaign_id=campaign.id),
        page=page,
        org=principal.org,
    )


@router.get(
    "/problem-clues",
    response_model=Page[ProblemClueRead],
    responses=problem_responses(),
)
async def list_clues(
    session: SessionDep,
    filters: ProblemClueFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[ProblemClueRead]:
    """Clues ordered by creation, filtered by region, campaign, agency, rectification and year found.
    An agency's own staff see their agency's clues."""
    return await service.list_clues(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/problem-clues/{clue_id}",
    response_model=ProblemClueRead,
    responses=problem_responses(ProblemClueNotFound),
)
async def read_clue(
    response: Response,
    clue: ProblemClueDep,
) -> ProblemClueRead:
    """One problem clue."""
    response.headers["ETag"] = etag(clue.version)
    return ProblemClueRead.model_validate(clue)


@router.post(
    "/problem-clues/{clue_id}/events",
    response_model=ProblemClueRead,
    responses=problem_responses(
        ProblemClueNotFound, ProblemClueTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_clue_command(
    clue: ProblemClueDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: ProblemClueCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command: `rectify` (整改到位 on `occurred_on`). A clue already rectified answers 409."""
    if_match.check(clue)
    clue = await service.apply_clue_command(
        session, clue, command=command, actor=principal
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="problem_clue",
        resource=clue,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: ProblemClueRead.model_validate(clue),
        record=clue,
        idempotency=idempotency,
    )


@router.get(
    "/problem-clues/{clue_id}/events",
    response_model=Page[ProblemClueEventRead],
    responses=problem_responses(ProblemClueNotFound),
)
async def list_clue_events(
    clue: ProblemClueDep, session: SessionDep, page: PageParamsDep
) -> Page[ProblemClueEventRead]:
    """The clue's history, oldest first."""
    return await service.list_clue_events(session, clue, page=page)
