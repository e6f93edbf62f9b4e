from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.officers import service
from enforcement.officers.dependencies import (
    ActingFiltersDep,
    ExpiringFiltersDep,
    OfficerDep,
    OfficerFiltersDep,
)
from enforcement.officers.exceptions import (
    CertificateNumberTaken,
    OfficerNotFound,
    OfficerTransitionNotAllowed,
)
from enforcement.officers.schemas import (
    ExpiringCertificateRead,
    OfficerCommand,
    OfficerCreate,
    OfficerEventRead,
    OfficerRead,
    UncertifiedOfficerRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(prefix="/officers", tags=["officers"], route_class=ServiceRoute)


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
    "/certificates-expiring",
    response_model=Page[ExpiringCertificateRead],
    responses=problem_responses(),
)
async def list_expiring_certificates(
    session: SessionDep,
    filters: ExpiringFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[ExpiringCertificateRead]:
    """Officers whose enforcement certificate (执法证) is valid on `as_of` (default today,
    Beijing time) and whose last valid day is within `within_days` calendar days (default 30)
    of it, with `days_left`; within the caller's organisation, ordered by creation."""
    return await service.list_expiring(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/acting-without-certificate",
    response_model=Page[UncertifiedOfficerRead],
    responses=problem_responses(),
)
async def list_acting_without_certificate(
    session: SessionDep,
    filters: ActingFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[UncertifiedOfficerRead]:
    """Officers who acted in `year` after their certificate's last valid day, each with those
    acts: inspecting in a random inspection (on its `inspected_on`) or handling a case whose
    file was reviewed (on its `case_decided_on`). Within the caller's organisation, ordered
    by officer creation."""
    return await service.list_acting_without_certificate(
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
