from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.case_file_rubrics import service
from enforcement.case_file_rubrics.dependencies import RubricDep, RubricFiltersDep
from enforcement.case_file_rubrics.exceptions import RubricNotFound
from enforcement.case_file_rubrics.schemas import RubricCreate, RubricRead
from enforcement.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/case-file-rubrics", tags=["case-file reviews"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RubricRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_rubric(
    idempotency: IdempotencyDep,
    payload: RubricCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Create a case-file review rubric (案卷评查标准) for a county: scored items whose
    `max_points` add up to exactly 100 (422 naming `items` otherwise) and veto items
    (一票否决) that fail a file whatever its score. Rubrics are immutable; a new standard is a
    new rubric. Another county, or a caller acting for one agency, answers 403."""
    rubric = await service.create_rubric(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="case_file_rubric",
        resource=rubric,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: RubricRead.model_validate(rubric),
        record=rubric,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/case-file-rubrics/{rubric.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[RubricRead], responses=problem_responses())
async def list_rubrics(
    session: SessionDep,
    filters: RubricFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[RubricRead]:
    """Rubrics of the caller's county, ordered by creation, filtered by region."""
    return await service.list_rubrics(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{rubric_id}",
    response_model=RubricRead,
    responses=problem_responses(RubricNotFound),
)
async def read_rubric(response: Response, rubric: RubricDep) -> RubricRead:
    """One rubric with its items in order."""
    response.headers["ETag"] = etag(rubric.version)
    return RubricRead.model_validate(rubric)
