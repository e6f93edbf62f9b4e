from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from reconsideration.audit.service import audit_change
from reconsideration.db import IdempotencyDep, SessionDep
from reconsideration.litigation import service
from reconsideration.litigation.dependencies import (
    LitigationCaseDep,
    LitigationCaseFiltersDep,
)
from reconsideration.litigation.exceptions import (
    HearingNotFound,
    LitigationCaseNotFound,
    LitigationCaseNumberTaken,
    LitigationTransitionNotAllowed,
)
from reconsideration.litigation.schemas import (
    HearingCreate,
    HearingRead,
    LitigationCaseCreate,
    LitigationCaseRead,
    LitigationCommand,
    LitigationEventRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/litigation-cases", tags=["litigation"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=LitigationCaseRead,
    responses=problem_responses(Forbidden, LitigationCaseNumberTaken, *CREATE_PROBLEMS),
)
async def file_litigation_case(
    idempotency: IdempotencyDep,
    payload: LitigationCaseCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record an administrative lawsuit (行政应诉) once the complaint is received; it starts `pending`.
    A case number already recorded in the region answers 409. A case is a county-level record:
    outside the caller's county, or for a township-scoped caller, 403."""
    case = await service.file_case(session, payload=payload, actor=principal)
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="litigation_case",
        resource_id=case.id,
        region_code=case.region_code,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: LitigationCaseRead.model_validate(case),
        record=case,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/litigation-cases/{case.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[LitigationCaseRead], responses=problem_responses())
async def list_litigation_cases(
    session: SessionDep,
    principal: PrincipalDep,
    filters: LitigationCaseFiltersDep,
    page: PageParamsDep,
) -> Page[LitigationCaseRead]:
    """Cases of the caller's county ordered by creation, filtered by region, status, stage,
    outcome, county-government party and year filed. Cases are county-level records: a
    township-scoped caller sees none."""
    return await service.list_cases(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{case_id}",
    response_model=LitigationCaseRead,
    responses=problem_responses(LitigationCaseNotFound),
)
async def read_litigation_case(
    response: Response,
    case: LitigationCaseDep,
) -> LitigationCaseRead:
    """One case with its hearings."""
    response.headers["ETag"] = etag(case.version)
    return LitigationCaseRead.model_validate(case)


@router.post(
    "/{case_id}/hearings",
    status_code=status.HTTP_201_CREATED,
    response_model=HearingRead,
    responses=problem_responses(LitigationCaseNotFound, *CREATE_PROBLEMS),
)
async def record_hearing(
    idempotency: IdempotencyDep,
    case: LitigationCaseDep,
    payload: HearingCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a hearing of the case and whether a qualifying head of the defendant agency appeared
    (负责人出庭应诉), with that person's name and post."""
    hearing = await service.record_hearing(
        session, case, payload=payload, actor=principal
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="hearing",
        resource_id=hearing.id,
        region_code=case.region_code,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: HearingRead.model_validate(hearing),
        record=hearing,
        status_code=status.HTTP_201_CREATED,
        location=(f"/api/v1/litigation-cases/{case.id}/hearings/{hearing.id}"),
        idempotency=idempotency,
    )


@router.get(
    "/{case_id}/hearings",
    response_model=Page[HearingRead],
    responses=problem_responses(LitigationCaseNotFound),
)
async def list_hearings(
    case: LitigationCaseDep, session: SessionDep, page: PageParamsDep
) -> Page[HearingRead]:
    """The case's hearings in the order they were recorded (the case itself lists them by date)."""
    return await service.list_hearings(session, case, page=page)


@router.get(
    "/{case_id}/hearings/{hearing_id}",
    response_model=HearingRead,
    responses=problem_responses(LitigationCaseNotFound, HearingNotFound),
)
async def read_hearing(
    case: LitigationCaseDep, hearing_id: uuid.UUID, response: Response
) -> HearingRead:
    """One hearing of the case."""
    hearing = service.get_hearing(case, hearing_id)
    response.headers["ETag"] = etag(hearing.version)
    return HearingRead.model_validate(hearing)


@router.post(
    "/{case_id}/events",
    response_model=LitigationCaseRead,
    responses=problem_responses(
        LitigationCaseNotFound, LitigationTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_litigation_command(
    case: LitigationCaseDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: LitigationCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command on `occurred_on`: `conclude` with the outcome (pending → concluded;
    at the first instance with the judgment or ruling and its service, which opens the
    appeal window, 行政诉讼法 第85条), `submit_answer` (once, while pending; due 15 days
    after the complaint, 第67条), `decide_appeal` (once, after a first-instance judgment or
    ruling; an appeal after the window closed is refused). A command the case does not
    allow answers 409."""
    if_match.check(case)
    case = await service.apply_command(session, case, command=command, actor=principal)
    audit_change(
        session,
        principal=principal,
        request=request,
        action=f"command:{command.type}",
        resource_type="litigation_case",
        resource_id=case.id,
        region_code=case.region_code,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: LitigationCaseRead.model_validate(case),
        record=case,
        idempotency=idempotency,
    )


@router.get(
    "/{case_id}/events",
    response_model=Page[LitigationEventRead],
    responses=problem_responses(LitigationCaseNotFound),
)
async def list_litigation_events(
    case: LitigationCaseDep, session: SessionDep, page: PageParamsDep
) -> Page[LitigationEventRead]:
    """The case's history, oldest first."""
    return await service.list_events(session, case, page=page)
