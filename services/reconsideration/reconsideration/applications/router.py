from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications import personal_data, service
from reconsideration.applications.dependencies import (
    ApplicationDep,
    ApplicationFiltersDep,
)
from reconsideration.applications.exceptions import (
    ApplicationNotFound,
    ApplicationTransitionNotAllowed,
)
from reconsideration.applications.models import ReconsiderationApplication
from reconsideration.applications.schemas import (
    ApplicationCommand,
    ApplicationCreate,
    ApplicationEventRead,
    ApplicationRead,
)
from reconsideration.audit.service import (
    audit_change,
    audit_personal_data_read,
    commit_personal_data_reads,
)
from reconsideration.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, Principal, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.personal_data import CipherDep, PersonalDataCipher
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/applications", tags=["applications"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def receive_application(
    idempotency: IdempotencyDep,
    payload: ApplicationCreate,
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    request: Request,
) -> Response:
    """Record a reconsideration application (复议申请) received by the office; it starts in `received`.
    `received_on`, the office's receipt, starts the clocks; an application handed in at an agency
    point also keeps `agency_point_received_on`. An application outside the caller's organisation
    answers 403; an agency point outside it is unknown (422, `agency_point_id`)."""
    application = await service.receive_application(
        session,
        payload=payload,
        actor=principal,
        cipher=cipher,
        abbreviations=request.app.state.settings.case_number_abbreviations,
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="application",
        resource_id=application.id,
        region_code=application.region_code,
        payload=payload,
        status=201,
    )
    read = _shown(session, application, cipher, principal, request, status=201)
    return await commit_response(
        session,
        read,
        record=application,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/applications/{application.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[ApplicationRead], responses=problem_responses())
async def list_applications(
    session: SessionDep,
    principal: PrincipalDep,
    filters: ApplicationFiltersDep,
    page: PageParamsDep,
    cipher: CipherDep,
    request: Request,
) -> Page[ApplicationRead]:
    """Applications of the caller's organisation ordered by creation, filtered by region,
    township, status, matter type, receipt channel, agency point, decision type and year
    received, and the applicant's ID number (any accepted form: full-width, lower-case x and
    spaces find the same person). Personal data is masked unless the caller has
    `reconsideration:pii`; each application shown in full is audited."""
    reads: list[tuple[str, uuid.UUID, str | None, list[str]]] = []

    def to_item(application: ReconsiderationApplication) -> ApplicationRead:
        read, full = personal_data.to_read(application, cipher, principal)
        reads.append(("application", application.id, application.region_code, full))
        return read

    result = await service.list_applications(
        session,
        filters=filters,
        page=page,
        org=principal.org,
        cipher=cipher,
        to_item=to_item,
    )
    await commit_personal_data_reads(request, principal, reads)
    return result


@router.get(
    "/{application_id}",
    response_model=ApplicationRead,
    responses=problem_responses(ApplicationNotFound),
)
async def read_application(
    response: Response,
    application: ApplicationDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    request: Request,
) -> ApplicationRead:
    """One application; personal data masked unless the caller has `reconsideration:pii`
    (a full read is audited)."""
    response.headers["ETag"] = etag(application.version)
    read, full = personal_data.to_read(application, cipher, principal)
    await commit_personal_data_reads(
        request,
        principal,
        [("application", application.id, application.region_code, full)],
    )
    return read


@router.post(
    "/{application_id}/events",
    response_model=ApplicationRead,
    responses=problem_responses(
        ApplicationNotFound, ApplicationTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_application_command(
    application: ApplicationDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: ApplicationCommand,
    session: SessionDep,
    principal: PrincipalDep,
    cipher: CipherDep,
    request: Request,
) -> Response:
    """Apply a lifecycle command dated `occurred_on` (not before the previous step):
    `start_review` (received → under_review), `request_correction` with every missing item
    (under_review → correction_requested), `record_correction` (→ under_review), `deem_abandoned`
    (correction_requested → deemed_abandoned), `accept` with the procedure (under_review → accepted),
    `deem_accepted` (received | under_review → deemed_accepted), `not_accept` with the reason
    (under_review → not_accepted), `copy_to_respondent` (accepted | deemed_accepted → in_progress),
    `suspend` with the ground / `resume` (in_progress ⇄ suspended), `decide` with the decision type
    (accepted | deemed_accepted | in_progress → decided), `terminate` with the ground (… | suspended →
    terminated), `record_mediation_statement` (accepted | deemed_accepted | in_progress → mediated),
    `extend` the decision period by at most 30 days with the approver and the reason (复议法 Art. 62;
    ordinary procedure, once, while accepted or in progress and before the period ends; status
    unchanged), `switch_procedure` from simplified to ordinary with the approver (Art. 55; status
    unchanged). A command the current status does not allow answers 409.

    The application's statutory clocks (`deadlines`) are recomputed in the same transaction; a clock
    whose last day needs a calendar year nobody loaded is stored `calendar_unknown`, never refused."""
    if_match.check(application)
    application = await service.apply_command(
        session, application, command=command, actor=principal
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action=f"command:{command.type}",
        resource_type="application",
        resource_id=application.id,
        region_code=application.region_code,
        payload=command,
        status=200,
    )
    read = _shown(session, application, cipher, principal, request, status=200)
    return await commit_response(
        session,
        read,
        record=application,
        idempotency=idempotency,
    )


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


def _shown(
    session: AsyncSession,
    application: ReconsiderationApplication,
    cipher: PersonalDataCipher,
    principal: Principal,
    request: Request,
    *,
    status: int,
) -> ApplicationRead:
    """The application as the caller may see it; a full read is audited in ``session``
    (it commits with the change)."""
    read, full = personal_data.to_read(application, cipher, principal)
    if full:
        audit_personal_data_read(
            session,
            principal=principal,
            request=request,
            resource_type="application",
            resource_id=application.id,
            region_code=application.region_code,
            fields=full,
            status=status,
        )
    return read
