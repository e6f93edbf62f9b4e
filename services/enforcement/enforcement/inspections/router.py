from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.inspections import service
from enforcement.inspections.dependencies import (
    InspectionItemDep,
    InspectionItemFiltersDep,
    RandomInspectionDep,
    RandomInspectionFiltersDep,
)
from enforcement.inspections.exceptions import (
    InspectionItemNotFound,
    InspectionItemTransitionNotAllowed,
    RandomInspectionNotFound,
    RandomInspectionTransitionNotAllowed,
)
from enforcement.inspections.schemas import (
    InspectionItemCommand,
    InspectionItemCreate,
    InspectionItemEventRead,
    InspectionItemRead,
    RandomInspectionCommand,
    RandomInspectionCreate,
    RandomInspectionEventRead,
    RandomInspectionRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(tags=["random inspections"], route_class=ServiceRoute)


def _publication_days(request: Request) -> int:
    days: int = request.app.state.settings.results_publication_working_days
    return days


@router.post(
    "/inspection-items",
    status_code=status.HTTP_201_CREATED,
    response_model=InspectionItemRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def put_item_on_list(
    idempotency: IdempotencyDep,
    payload: InspectionItemCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Put an item (抽查事项) on an agency's random-inspection list. An agency outside the
    caller's organisation is unknown (422)."""
    item = await service.put_item_on_list(session, payload=payload, org=principal.org)
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="inspection_item",
        resource=item,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: InspectionItemRead.model_validate(item),
        record=item,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/inspection-items/{item.id}",
        idempotency=idempotency,
    )


@router.get(
    "/inspection-items",
    response_model=Page[InspectionItemRead],
    responses=problem_responses(),
)
async def list_items(
    session: SessionDep,
    filters: InspectionItemFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[InspectionItemRead]:
    """Inspection items ordered by creation, filtered by region, agency and a year they were on the list."""
    return await service.list_items(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/inspection-items/{item_id}",
    response_model=InspectionItemRead,
    responses=problem_responses(InspectionItemNotFound),
)
async def read_item(
    response: Response,
    item: InspectionItemDep,
) -> InspectionItemRead:
    """One inspection item."""
    response.headers["ETag"] = etag(item.version)
    return InspectionItemRead.model_validate(item)


@router.post(
    "/inspection-items/{item_id}/events",
    response_model=InspectionItemRead,
    responses=problem_responses(
        InspectionItemNotFound, InspectionItemTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_item_command(
    item: InspectionItemDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: InspectionItemCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command: `delist` (off the list from `occurred_on`). An item already delisted answers 409."""
    if_match.check(item)
    item = await service.apply_item_command(
        session, item, command=command, actor=principal
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="inspection_item",
        resource=item,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: InspectionItemRead.model_validate(item),
        record=item,
        idempotency=idempotency,
    )


@router.get(
    "/inspection-items/{item_id}/events",
    response_model=Page[InspectionItemEventRead],
    responses=problem_responses(InspectionItemNotFound),
)
async def list_item_events(
    item: InspectionItemDep, session: SessionDep, page: PageParamsDep
) -> Page[InspectionItemEventRead]:
    """The item's history, oldest first."""
    return await service.list_item_events(session, item, page=page)


@router.post(
    "/random-inspections",
    status_code=status.HTTP_201_CREATED,
    response_model=RandomInspectionRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def record_inspection(
    idempotency: IdempotencyDep,
    payload: RandomInspectionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a "双随机、一公开" inspection task, its departments and the list items it covered.
    Agencies and items outside the caller's organisation are unknown (422)."""
    inspection = await service.record_inspection(
        session, payload=payload, org=principal.org
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="random_inspection",
        resource=inspection,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: service.to_read(
            inspection, publication_working_days=_publication_days(request)
        ),
        record=inspection,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/random-inspections/{inspection.id}",
        idempotency=idempotency,
    )


@router.get(
    "/random-inspections",
    response_model=Page[RandomInspectionRead],
    responses=problem_responses(),
)
async def list_inspections(
    session: SessionDep,
    filters: RandomInspectionFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
    request: Request,
) -> Page[RandomInspectionRead]:
    """Inspection tasks ordered by creation, filtered by region, agency, joint and year inspected,
    each with `results_due_on` (20 working days after `inspected_on`, configurable) and
    `results_published_late`. An agency's own staff see the tasks their agency leads or takes
    part in."""
    return await service.list_inspections(
        session,
        filters=filters,
        page=page,
        org=principal.org,
        publication_working_days=_publication_days(request),
    )


@router.get(
    "/random-inspections/{inspection_id}",
    response_model=RandomInspectionRead,
    responses=problem_responses(RandomInspectionNotFound),
)
async def read_inspection(
    response: Response,
    inspection: RandomInspectionDep,
    request: Request,
) -> RandomInspectionRead:
    """One inspection task, with `results_due_on` (the 20th working day after
    `inspected_on`, configurable; holidays and weekends excluded) and whether the results
    were published late."""
    response.headers["ETag"] = etag(inspection.version)
    return service.to_read(
        inspection, publication_working_days=_publication_days(request)
    )


@router.post(
    "/random-inspections/{inspection_id}/events",
    response_model=RandomInspectionRead,
    responses=problem_responses(
        RandomInspectionNotFound,
        RandomInspectionTransitionNotAllowed,
        *COMMAND_PROBLEMS,
    ),
)
async def apply_inspection_command(
    inspection: RandomInspectionDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: RandomInspectionCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a command: `publish_results` (一公开). Results already published answer 409."""
    if_match.check(inspection)
    inspection = await service.apply_inspection_command(
        session, inspection, command=command, actor=principal
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="random_inspection",
        resource=inspection,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: service.to_read(
            inspection, publication_working_days=_publication_days(request)
        ),
        record=inspection,
        idempotency=idempotency,
    )


@router.get(
    "/random-inspections/{inspection_id}/events",
    response_model=Page[RandomInspectionEventRead],
    responses=problem_responses(RandomInspectionNotFound),
)
async def list_inspection_events(
    inspection: RandomInspectionDep, session: SessionDep, page: PageParamsDep
) -> Page[RandomInspectionEventRead]:
    """The inspection's history, oldest first."""
    return await service.list_inspection_events(session, inspection, page=page)
