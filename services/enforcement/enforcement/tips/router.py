from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.social_supervisors.dependencies import SupervisorDep
from enforcement.social_supervisors.exceptions import SupervisorNotFound
from enforcement.tips import service
from enforcement.tips.dependencies import SupervisorTipFiltersDep, TipDep, TipFiltersDep
from enforcement.tips.exceptions import TipNotFound, TipTransitionNotAllowed
from enforcement.tips.schemas import TipCommand, TipCreate, TipRead
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(tags=["social supervisors"], route_class=ServiceRoute)


@router.post(
    "/tips",
    status_code=status.HTTP_201_CREATED,
    response_model=TipRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def record_tip(
    idempotency: IdempotencyDep,
    payload: TipCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a tip submitted by a social supervisor (社会监督员) on a day of their term,
    optionally naming the agency it concerns. It starts `received`. A supervisor or agency
    outside the caller's organisation is unknown (422); an agency's own staff answer 403."""
    tip = await service.record_tip(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="tip",
        resource=tip,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: TipRead.model_validate(tip),
        record=tip,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/tips/{tip.id}",
        idempotency=idempotency,
    )


@router.get("/tips", response_model=Page[TipRead], responses=problem_responses())
async def list_tips(
    session: SessionDep,
    filters: TipFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[TipRead]:
    """Tips ordered by creation, filtered by region, supervisor, agency, status and year
    received, each with the instrument it opened and that instrument's current status."""
    return await service.list_tips(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/tips/{tip_id}", response_model=TipRead, responses=problem_responses(TipNotFound)
)
async def read_tip(response: Response, tip: TipDep) -> TipRead:
    """One tip and what came of it."""
    response.headers["ETag"] = etag(tip.version)
    return TipRead.model_validate(tip)


@router.post(
    "/tips/{tip_id}/events",
    response_model=TipRead,
    responses=problem_responses(
        TipNotFound, TipTransitionNotAllowed, Forbidden, *COMMAND_PROBLEMS
    ),
)
async def apply_tip_command(
    tip: TipDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: TipCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command to a `received` tip: `open_instrument` issues a supervision
    instrument (to the tip's agency unless another is named; due 30 calendar days after
    `occurred_on` unless `due_on` is given) and links it; `dismiss` records that
    verification found no cause, with the reason. Any other status answers 409."""
    if_match.check(tip)
    settings = request.app.state.settings
    tip = await service.apply_command(
        session,
        tip,
        command=command,
        actor=principal,
        org=principal.org,
        rectification_days=settings.rectification_days,
        abbreviations=settings.case_number_abbreviations,
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="tip",
        resource=tip,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: TipRead.model_validate(tip),
        record=tip,
        idempotency=idempotency,
    )


@router.get(
    "/social-supervisors/{supervisor_id}/tips",
    response_model=Page[TipRead],
    responses=problem_responses(SupervisorNotFound),
)
async def list_supervisor_tips(
    supervisor: SupervisorDep,
    session: SessionDep,
    filters: SupervisorTipFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[TipRead]:
    """The supervisor's tips and what came of each (the feedback 揭阳 and 厦门 rules ask
    for): still being verified, no action with the reason, or the instrument opened and
    where it stands (issued, replied, rectified, overdue, escalated)."""
    return await service.list_tips(
        session,
        filters=filters,
        page=page,
        org=principal.org,
        supervisor_id=supervisor.id,
    )
