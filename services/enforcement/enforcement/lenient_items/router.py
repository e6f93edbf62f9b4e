from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.lenient_items import service
from enforcement.lenient_items.dependencies import LenientItemDep, LenientItemFiltersDep
from enforcement.lenient_items.exceptions import LenientItemNotFound
from enforcement.lenient_items.schemas import LenientItemCreate, LenientItemRead
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/lenient-enforcement-list-items",
    tags=["lenient enforcement lists"],
    route_class=ServiceRoute,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=LenientItemRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def add_item(
    idempotency: IdempotencyDep,
    payload: LenientItemCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Add an item to an agency's lenient enforcement list (免罚清单): no_penalty (不予处罚),
    exempt (免予处罚), lighter (从轻) or reduced (减轻). An agency outside the caller's
    organisation is unknown (422)."""
    item = await service.add_item(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="lenient_enforcement_list_item",
        resource=item,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: LenientItemRead.model_validate(item),
        record=item,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/lenient-enforcement-list-items/{item.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[LenientItemRead], responses=problem_responses())
async def list_items(
    session: SessionDep,
    filters: LenientItemFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[LenientItemRead]:
    """List items ordered by creation, filtered by region, agency, measure and year effective."""
    return await service.list_items(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{item_id}",
    response_model=LenientItemRead,
    responses=problem_responses(LenientItemNotFound),
)
async def read_item(
    response: Response,
    item: LenientItemDep,
) -> LenientItemRead:
    """One list item."""
    response.headers["ETag"] = etag(item.version)
    return LenientItemRead.model_validate(item)
