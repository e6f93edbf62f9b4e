from __future__ import annotations

from fastapi import APIRouter, Response, status

from reconsideration.applications import service
from reconsideration.applications.dependencies import (
    ApplicationDep,
    ApplicationFiltersDep,
)
from reconsideration.applications.exceptions import (
    ApplicationNotFound,
    ApplicationTransitionNotAllowed,
)
from reconsideration.applications.schemas import (
    ApplicationCommand,
    ApplicationCreate,
    ApplicationEventRead,
    ApplicationRead,
)
from reconsideration.db import SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.errors import problem_responses
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/applications", tags=["applications"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationRead,
    responses=problem_responses(Forbidden),
)
async def receive_application(
    payload: ApplicationCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> ApplicationRead:
    """Record a reconsideration application (复议申请) received by the office; it starts in `received`.
    `received_on`, the office's receipt, starts the clocks; an application handed in at an agency
    point also keeps `agency_point_received_on`. An application outside the caller's organisation
    answers 403; an agency point outside it is unknown (422, `agency_point_id`)."""
    application = await service.receive_application(
        session, payload=payload, actor=principal
    )
    await session.commit()
    response.headers["Location"] = f"/api/v1/applications/{application.id}"
    return ApplicationRead.model_validate(application)


@router.get("", response_model=Page[ApplicationRead], responses=problem_responses())
async def list_applications(
    session: SessionDep,
    principal: PrincipalDep,
    filters: ApplicationFiltersDep,
    page: PageParamsDep,
) -> Page[ApplicationRead]:
    """Applications of the caller's organisation ordered by creation, filtered by region,
    township, status, matter type, receipt channel, agency point, decision type and year
    received."""
    return await service.list_applications(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{application_id}",
    response_model=ApplicationRead,
    responses=problem_responses(ApplicationNotFound),
)
async def read_application(application: ApplicationDep) -> ApplicationRead:
    """One application."""
    return ApplicationRead.model_validate(application)


@router.post(
    "/{application_id}/events",
    response_model=ApplicationRead,
    responses=problem_responses(ApplicationNotFound, ApplicationTransitionNotAllowed),
)
async def apply_application_command(
    application: ApplicationDep,
    command: ApplicationCommand,
    session: SessionDep,
    principal: PrincipalDep,
) -> ApplicationRead:
    """Apply a lifecycle command dated `occurred_on` (not before the previous step):
    `start_review` (received → under_review), `request_correction` with every missing item
    (under_review → correction_requested), `record_correction` (→ under_review), `deem_abandoned`
    (correction_requested → deemed_abandoned), `accept` with the procedure (under_review → accepted),
    `deem_accepted` (received | under_review → deemed_accepted), `not_accept` with the reason
    (under_review → not_accepted), `copy_to_respondent` (accepted | deemed_accepted → in_progress),
    `suspend` with the ground / `resume` (in_progress ⇄ suspended), `decide` with the decision type
    (accepted | deemed_accepted | in_progress → decided), `terminate` with the ground (… | suspended →
    terminated), `record_mediation_statement` (accepted | deemed_accepted | in_progress → mediated).
    A command the current status does not allow answers 409."""
    application = await service.apply_command(
        session, application, command=command, actor=principal
    )
    await session.commit()
    return ApplicationRead.model_validate(application)


@router.get(
    "/{application_id}/events",
    response_model=Page[ApplicationEventRead],
    responses=problem_responses(ApplicationNotFound),
)
async def list_application_events(
    application: ApplicationDep, session: SessionDep, page: PageParamsDep
) -> Page[ApplicationEventRead]:
    """The application's history, oldest first."""
    return await service.list_events(session, application, page=page)
