from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from mediation.db import SessionDep
from mediation.disputes import service
from mediation.disputes.dependencies import DisputeDep, DisputeFiltersDep
from mediation.disputes.exceptions import DisputeNotFound, DisputeTransitionNotAllowed
from mediation.disputes.schemas import (
    DisputeCommand,
    DisputeCreate,
    DisputeEventRead,
    DisputeRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.errors import problem_responses
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/disputes", tags=["disputes"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DisputeRead,
    responses=problem_responses(Forbidden),
)
async def register_dispute(
    payload: DisputeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> DisputeRead:
    """Register a dispute (纠纷) for mediation. It starts in `registered`; its time limit
    (30 calendar days by default) is shown as `time_limit_due_on`. A committee outside the
    caller's organisation is unknown (422); a dispute outside it answers 403."""
    dispute = await service.register_dispute(
        session,
        payload=payload,
        actor=principal,
        time_limit_days=request.app.state.settings.dispute_time_limit_days,
        org=principal.org,
    )
    await session.commit()
    response.headers["Location"] = f"/api/v1/disputes/{dispute.id}"
    return DisputeRead.model_validate(dispute)


@router.get("", response_model=Page[DisputeRead], responses=problem_responses())
async def list_disputes(
    session: SessionDep,
    principal: PrincipalDep,
    filters: DisputeFiltersDep,
    page: PageParamsDep,
) -> Page[DisputeRead]:
    """Disputes ordered by creation, filtered by region, township, committee, status, type,
    mode and year registered (within the caller's organisation)."""
    return await service.list_disputes(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{dispute_id}",
    response_model=DisputeRead,
    responses=problem_responses(DisputeNotFound),
)
async def read_dispute(dispute: DisputeDep) -> DisputeRead:
    """One dispute with its parties and agreement."""
    return DisputeRead.model_validate(dispute)


@router.post(
    "/{dispute_id}/events",
    response_model=DisputeRead,
    responses=problem_responses(DisputeNotFound, DisputeTransitionNotAllowed),
)
async def apply_dispute_command(
    dispute: DisputeDep,
    command: DisputeCommand,
    session: SessionDep,
    principal: PrincipalDep,
) -> DisputeRead:
    """Apply a lifecycle command: `start_mediation` (registered → mediating), `resolve` with the
    agreement (mediating → resolved) or `fail` with the reason (mediating → failed).
    A command the current status does not allow answers 409."""
    dispute = await service.apply_command(
        session, dispute, command=command, actor=principal
    )
    await session.commit()
    return DisputeRead.model_validate(dispute)


@router.get(
    "/{dispute_id}/events",
    response_model=Page[DisputeEventRead],
    responses=problem_responses(DisputeNotFound),
)
async def list_dispute_events(
    dispute: DisputeDep, session: SessionDep, page: PageParamsDep
) -> Page[DisputeEventRead]:
    """The dispute's history, oldest first."""
    return await service.list_events(session, dispute, page=page)
