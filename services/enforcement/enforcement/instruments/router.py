from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import IdempotencyDep, SessionDep
from enforcement.instruments import service
from enforcement.instruments.dependencies import (
    InstrumentDep,
    InstrumentDueFiltersDep,
    InstrumentFiltersDep,
)
from enforcement.instruments.exceptions import (
    InstrumentNotFound,
    InstrumentTransitionNotAllowed,
)
from enforcement.instruments.schemas import (
    InstrumentCommand,
    InstrumentCreate,
    InstrumentDueRead,
    InstrumentEventRead,
    InstrumentRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/supervision-instruments",
    tags=["supervision instruments"],
    route_class=ServiceRoute,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=InstrumentRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def issue_instrument(
    idempotency: IdempotencyDep,
    payload: InstrumentCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Issue a supervision recommendation, opinion or decision (监督检查建议书/意见书/决定书) to an agency.
    It starts in `issued`; without `due_on` the rectification is due 30 calendar days after
    `issued_on` (configurable). An agency or `follow_up_of` outside the caller's organisation
    is unknown (422)."""
    instrument = await service.issue_instrument(
        session,
        payload=payload,
        actor=principal,
        rectification_days=request.app.state.settings.rectification_days,
        org=principal.org,
        abbreviations=request.app.state.settings.case_number_abbreviations,
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="supervision_instrument",
        resource=instrument,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: InstrumentRead.model_validate(instrument),
        record=instrument,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/supervision-instruments/{instrument.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[InstrumentRead], responses=problem_responses())
async def list_instruments(
    session: SessionDep,
    filters: InstrumentFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[InstrumentRead]:
    """Instruments ordered by creation, filtered by region, agency, kind, status, follow-up and year issued."""
    return await service.list_instruments(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/due", response_model=Page[InstrumentDueRead], responses=problem_responses()
)
async def list_due_instruments(
    session: SessionDep,
    filters: InstrumentDueFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[InstrumentDueRead]:
    """What is due or overdue: instruments whose rectification report is awaited from the
    agency (`issued` or `overdue`) and due on or before `due_before` (inclusive; default 7
    calendar days after `as_of`, which defaults to today, Beijing time), within the caller's
    organisation, ordered by creation. Each item says whether it is `overdue` on `as_of`
    (`as_of` after `due_on`) and its `days_left` in calendar days (negative once overdue).
    Replied instruments await the bureau's verification, not the agency, and are not listed."""
    return await service.list_due(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{instrument_id}",
    response_model=InstrumentRead,
    responses=problem_responses(InstrumentNotFound),
)
async def read_instrument(
    response: Response,
    instrument: InstrumentDep,
) -> InstrumentRead:
    """One supervision instrument."""
    response.headers["ETag"] = etag(instrument.version)
    return InstrumentRead.model_validate(instrument)


@router.post(
    "/{instrument_id}/events",
    response_model=InstrumentRead,
    responses=problem_responses(
        InstrumentNotFound, InstrumentTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_instrument_command(
    instrument: InstrumentDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: InstrumentCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a lifecycle command: `record_reply` (issued | overdue → replied), `verify_rectification`
    (replied → rectified), `mark_overdue` (issued → overdue, only after `due_on`), `escalate` with a
    measure (issued | overdue → escalated) or `refuse_rectification` (replied → issued).
    A command the current status does not allow answers 409."""
    if_match.check(instrument)
    instrument = await service.apply_command(
        session, instrument, command=command, actor=principal
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action=f"command:{command.type}",
        resource_type="supervision_instrument",
        resource=instrument,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: InstrumentRead.model_validate(instrument),
        record=instrument,
        idempotency=idempotency,
    )


@router.get(
    "/{instrument_id}/events",
    response_model=Page[InstrumentEventRead],
    responses=problem_responses(InstrumentNotFound),
)
async def list_instrument_events(
    instrument: InstrumentDep, session: SessionDep, page: PageParamsDep
) -> Page[InstrumentEventRead]:
    """The instrument's history, oldest first."""
    return await service.list_events(session, instrument, page=page)
