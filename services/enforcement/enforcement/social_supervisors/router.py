from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import (
    audit_change,
    audit_personal_data_read,
    audit_personal_data_reads,
)
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.social_supervisors import service
from enforcement.social_supervisors.dependencies import (
    SupervisorDep,
    SupervisorFiltersDep,
)
from enforcement.social_supervisors.exceptions import SupervisorNotFound
from enforcement.social_supervisors.schemas import SupervisorCreate, SupervisorRead
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.personal_data import CipherDep
from shared.routing import ServiceRoute

#: The permission that shows supervisors' phones in full (docs/auth.md).
PII_SCOPE = "enforcement:pii"

router = APIRouter(
    prefix="/social-supervisors", tags=["social supervisors"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SupervisorRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def appoint_supervisor(
    idempotency: IdempotencyDep,
    payload: SupervisorCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> Response:
    """Appoint a social supervisor (社会监督员) for a term. Another county, or a caller
    acting for one agency, answers 403. The optional phone is stored encrypted and
    answered masked unless the caller has `enforcement:pii` (a full read is audited)."""
    supervisor = await service.appoint_supervisor(
        session, payload=payload, org=principal.org, cipher=cipher
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="social_supervisor",
        resource=supervisor,
        payload=payload,
        status=201,
    )
    read = service.to_read(supervisor, cipher, full=principal.has(PII_SCOPE))
    if read.phone is not None and principal.has(PII_SCOPE):
        audit_personal_data_read(
            session,
            request=request,
            principal=principal,
            resource_type="social_supervisor",
            resource=read,
            fields=["phone"],
        )
    return await commit_response(
        session,
        read,
        record=supervisor,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/social-supervisors/{supervisor.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[SupervisorRead], responses=problem_responses())
async def list_supervisors(
    session: SessionDep,
    filters: SupervisorFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> Page[SupervisorRead]:
    """Social supervisors ordered by creation, filtered by region, enterprise relation,
    year appointed and phone. Phones are masked unless the caller has `enforcement:pii`;
    each supervisor whose phone is shown in full is an audited read."""
    full = principal.has(PII_SCOPE)
    result = await service.list_supervisors(
        session, filters=filters, page=page, org=principal.org, cipher=cipher, full=full
    )
    if full:
        await audit_personal_data_reads(
            request=request,
            principal=principal,
            resource_type="social_supervisor",
            resources=[read for read in result.items if read.phone is not None],
            fields=["phone"],
        )
    return result


@router.get(
    "/{supervisor_id}",
    response_model=SupervisorRead,
    responses=problem_responses(SupervisorNotFound),
)
async def read_supervisor(
    response: Response,
    supervisor: SupervisorDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> SupervisorRead:
    """One social supervisor (the phone masked unless the caller has `enforcement:pii`;
    a full read is audited)."""
    response.headers["ETag"] = etag(supervisor.version)
    full = principal.has(PII_SCOPE)
    read = service.to_read(supervisor, cipher, full=full)
    if full and read.phone is not None:
        await audit_personal_data_reads(
            request=request,
            principal=principal,
            resource_type="social_supervisor",
            resources=[read],
            fields=["phone"],
        )
    return read
