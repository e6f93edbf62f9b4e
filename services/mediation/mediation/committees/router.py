from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from mediation.audit.service import audit_change
from mediation.committees import service
from mediation.committees.dependencies import CommitteeDep, CommitteeFiltersDep
from mediation.committees.exceptions import CommitteeNotFound
from mediation.committees.schemas import (
    CommitteeComposition,
    CommitteeCreate,
    CommitteeRead,
)
from mediation.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import (
    IfMatchDep,
    PreconditionFailed,
    PreconditionRequired,
    etag,
)
from shared.errors import BadRequest, problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(prefix="/committees", tags=["committees"], route_class=ServiceRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommitteeRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_committee(
    idempotency: IdempotencyDep,
    payload: CommitteeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Register a people's mediation committee (人民调解委员会), optionally with its members
    and term. A committee outside the caller's organisation answers 403. A village or
    residents' committee that breaks the law's rules on its composition (3 to 9 members,
    one chair, a woman among them, a 3-year term; 人民调解法 Art. 8–9) is registered and
    shows `warnings`."""
    committee = await service.create_committee(
        session, payload=payload, org=principal.org
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="committee",
        resource_id=committee.id,
        region_code=committee.region_code,
        changes=payload.model_dump(mode="json", exclude_none=True),
        status=status.HTTP_201_CREATED,
    )
    return await commit_response(
        session,
        lambda: service.committee_read(committee),
        record=committee,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/committees/{committee.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[CommitteeRead], responses=problem_responses())
async def list_committees(
    session: SessionDep,
    principal: PrincipalDep,
    filters: CommitteeFiltersDep,
    page: PageParamsDep,
) -> Page[CommitteeRead]:
    """Committees ordered by creation, filtered by region, township, kind and founding year
    (within the caller's organisation)."""
    return await service.list_committees(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{committee_id}",
    response_model=CommitteeRead,
    responses=problem_responses(CommitteeNotFound),
)
async def read_committee(
    response: Response,
    committee: CommitteeDep,
) -> CommitteeRead:
    """One committee with its members, term and `warnings` (rules of the law its
    composition breaks, as of today)."""
    response.headers["ETag"] = etag(committee.version)
    return service.committee_read(committee)


@router.put(
    "/{committee_id}/members",
    response_model=CommitteeRead,
    responses=problem_responses(
        CommitteeNotFound, BadRequest, PreconditionFailed, PreconditionRequired
    ),
)
async def replace_committee_members(
    committee: CommitteeDep,
    if_match: IfMatchDep,
    payload: CommitteeComposition,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record the committee's members and term (after an election or a change), replacing
    the previous ones. `If-Match` with the committee's ETag is required. A composition
    that breaks the law's rules is recorded and shows `warnings`."""
    if_match.check(committee)
    committee = await service.replace_composition(session, committee, payload=payload)
    audit_change(
        session,
        principal=principal,
        request=request,
        action="replace_members",
        resource_type="committee",
        resource_id=committee.id,
        region_code=committee.region_code,
        changes=payload.model_dump(mode="json"),
        status=status.HTTP_200_OK,
    )
    return await commit_response(
        session, lambda: service.committee_read(committee), record=committee
    )
