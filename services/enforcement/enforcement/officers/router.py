from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.officers import service
from enforcement.officers.dependencies import OfficerDep, OfficerFiltersDep
from enforcement.officers.exceptions import (
    CertificateNumberTaken,
    OfficerNotFound,
    OfficerTransitionNotAllowed,
)
from enforcement.officers.schemas import (
    OfficerCommand,
    OfficerCreate,
    OfficerEventRead,
    OfficerRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/officers", tags=["officers"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OfficerRead,
    responses=problem_responses(CertificateNumberTaken, Forbidden, *CREATE_PROBLEMS),
)
async def create_officer(
    idempotency: IdempotencyDep,
    payload: OfficerCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Register an enforcement officer (执法人员) of an agency with the certificate (执法证).
    A certificate number held by another officer answers 409; an agency outside the
    caller's organisation is unknown (422)."""
    officer = await service.create_officer(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="officer",
        resource=officer,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: OfficerRead.model_validate(officer),
        record=officer,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/officers/{officer.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[OfficerRead], responses=problem_responses())
async def list_officers(
    session: SessionDep,
    filters: OfficerFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[OfficerRead]:
    """Officers ordered by creation, filtered by region, agency, training and year hired."""
    return await service.list_officers(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{officer_id}",
    response_model=OfficerRead,
    responses=problem_responses(OfficerNotFound),
)
async def read_officer(
    response: Response,
    officer: OfficerDep,
) -> OfficerRead:
    """One officer."""
    response.headers["ETag"] = etag(officer.version)
    return OfficerRead.model_validate(officer)


@router.post(
    "/{officer_id}/events",
    response_model=OfficerRead,
    responses=problem_responses(
        OfficerNotFound, OfficerTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_officer_command(
    officer: OfficerDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: OfficerCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command: `record_training` (the newly hired officer's training is done).
    A training already recorded answers 409."""
    if_match.check(officer)
    officer = await service.apply_command(
        session, officer, command=command, actor=principal
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="officer",
        resource=officer,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: OfficerRead.model_validate(officer),
        record=officer,
        idempotency=idempotency,
    )


@router.get(
    "/{officer_id}/events",
    response_model=Page[OfficerEventRead],
    responses=problem_responses(OfficerNotFound),
)
async def list_officer_events(
    officer: OfficerDep, session: SessionDep, page: PageParamsDep
) -> Page[OfficerEventRead]:
    """The officer's history, oldest first."""
    return await service.list_events(session, officer, page=page)
