from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.db import SessionDep
from enforcement.instruments import service
from enforcement.instruments.dependencies import InstrumentDep, InstrumentFiltersDep
from enforcement.instruments.exceptions import (
    InstrumentNotFound,
    InstrumentTransitionNotAllowed,
)
from enforcement.instruments.schemas import (
    InstrumentCommand,
    InstrumentCreate,
    InstrumentEventRead,
    InstrumentRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.errors import problem_responses
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/supervision-instruments", tags=["supervision instruments"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=InstrumentRead,
    responses=problem_responses(Forbidden),
)
async def issue_instrument(
    payload: InstrumentCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> InstrumentRead:
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
    await session.commit()
    response.headers["Location"] = f"/api/v1/supervision-instruments/{instrument.id}"
    return InstrumentRead.model_validate(instrument)


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
    "/{instrument_id}",
    response_model=InstrumentRead,
    responses=problem_responses(InstrumentNotFound),
)
async def read_instrument(instrument: InstrumentDep) -> InstrumentRead:
    """One supervision instrument."""
    return InstrumentRead.model_validate(instrument)


@router.post(
    "/{instrument_id}/events",
    response_model=InstrumentRead,
    responses=problem_responses(InstrumentNotFound, InstrumentTransitionNotAllowed),
)
async def apply_instrument_command(
    instrument: InstrumentDep,
    command: InstrumentCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> InstrumentRead:
    """Apply a lifecycle command: `record_reply` (issued | overdue → replied), `verify_rectification`
    (replied → rectified), `mark_overdue` (issued → overdue, only after `due_on`), `escalate` with a
    measure (issued | overdue → escalated) or `refuse_rectification` (replied → issued).
    A command the current status does not allow answers 409."""
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
    await session.commit()
    return InstrumentRead.model_validate(instrument)


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
