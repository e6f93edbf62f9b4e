from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.agencies import service
from enforcement.agencies.dependencies import AgencyDep, AgencyFiltersDep
from enforcement.agencies.exceptions import AgencyNameTaken, AgencyNotFound
from enforcement.agencies.schemas import AgencyCreate, AgencyRead
from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/enforcement-agencies",
    tags=["enforcement agencies"],
    route_class=ServiceRoute,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AgencyRead,
    responses=problem_responses(AgencyNameTaken, Forbidden, *CREATE_PROBLEMS),
)
async def create_agency(
    idempotency: IdempotencyDep,
    payload: AgencyCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Register an enforcement agency (执法主体). A county's agency names are unique (409 otherwise).
    Another county's agency, or any new agency for an agency's own staff, answers 403."""
    agency = await service.create_agency(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="enforcement_agency",
        resource=agency,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: AgencyRead.model_validate(agency),
        record=agency,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/enforcement-agencies/{agency.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[AgencyRead], responses=problem_responses())
async def list_agencies(
    session: SessionDep,
    filters: AgencyFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[AgencyRead]:
    """Agencies ordered by creation, filtered by region and sector (agencies carry no date to filter a year on).
    An agency's own staff see only their agency."""
    return await service.list_agencies(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{agency_id}",
    response_model=AgencyRead,
    responses=problem_responses(AgencyNotFound),
)
async def read_agency(
    response: Response,
    agency: AgencyDep,
) -> AgencyRead:
    """One enforcement agency."""
    response.headers["ETag"] = etag(agency.version)
    return AgencyRead.model_validate(agency)
