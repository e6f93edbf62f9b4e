from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.audit.service import audit_change, audit_personal_data_read
from mediation.db import IdempotencyDep, SessionDep
from mediation.disputes import service
from mediation.disputes.dependencies import (
    DisputeDep,
    DisputeFiltersDep,
    DueFiltersDep,
)
from mediation.disputes.exceptions import (
    DisputeNotFound,
    DisputeTransitionNotAllowed,
    JudicialConfirmationWindowClosed,
)
from mediation.disputes.schemas import (
    DisputeCommand,
    DisputeCreate,
    DisputeEventRead,
    DisputeRead,
    DueDisputeRead,
)
from shared.auth import Forbidden, Principal, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.personal_data import CipherDep
from shared.routing import ServiceRoute

#: The permission that shows parties' personal data in full (docs/auth.md).
PII_SCOPE = "mediation:pii"

router = APIRouter(prefix="/disputes", tags=["disputes"], route_class=ServiceRoute)


def _record_full_reads(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    reads: list[DisputeRead],
) -> bool:
    """Add one ``read_personal_data`` event per dispute shown with full personal data,
    naming the fields (never the values); whether there was any."""
    if not principal.has(PII_SCOPE):
        return False
    recorded = False
    for read in reads:
        if fields := service.shown_in_full(read):
            audit_personal_data_read(
                session,
                principal=principal,
                request=request,
                resource_type="dispute",
                resource_id=read.id,
                region_code=read.region_code,
                fields=fields,
            )
            recorded = True
    return recorded


async def _audit_full_reads(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    reads: list[DisputeRead],
) -> None:
    """For a GET: the read transaction ends first, the events commit in a fresh one."""
    if principal.has(PII_SCOPE) and any(service.shown_in_full(r) for r in reads):
        await session.commit()
        _record_full_reads(session, principal, request, reads)
        await session.commit()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DisputeRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def register_dispute(
    idempotency: IdempotencyDep,
    payload: DisputeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> Response:
    """Register a dispute (纠纷) for mediation. It starts in `registered`; its time limit
    (30 calendar days by default) is shown as `time_limit_due_on`. A committee outside the
    caller's organisation is unknown (422); a dispute outside it answers 403.

    `mediator_ids` assigns mediators of the dispute's committee at once (人民调解法 Art. 19;
    another committee's mediator answers 422). A cross-border joint mediation (边界联调)
    names the partner's county (`partner_region_code`; the read adds its province) and
    committee. Disputes found by a screening round are registered with `POST
    /screening-rounds/{id}/disputes`, which links them to the round.

    Parties' ID numbers, credit codes and phones are stored encrypted; the answer shows
    ID numbers and phones masked unless the caller has `mediation:pii`."""
    dispute = await service.register_dispute(
        session,
        payload=payload,
        actor=principal,
        time_limit_days=request.app.state.settings.dispute_time_limit_days,
        abbreviations=request.app.state.settings.case_number_abbreviations,
        org=principal.org,
        cipher=cipher,
    )
    changes = payload.model_dump(mode="json", exclude_none=True, exclude={"parties"})
    changes["parties"] = [p.masked() for p in payload.parties]
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="dispute",
        resource_id=dispute.id,
        region_code=dispute.region_code,
        changes=changes,
        status=status.HTTP_201_CREATED,
    )
    read = service.dispute_read(dispute, cipher=cipher, full=principal.has(PII_SCOPE))
    _record_full_reads(session, principal, request, [read])
    return await commit_response(
        session,
        read,
        record=dispute,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/disputes/{dispute.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[DisputeRead], responses=problem_responses())
async def list_disputes(
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    filters: DisputeFiltersDep,
    page: PageParamsDep,
    cipher: CipherDep,
) -> Page[DisputeRead]:
    """Disputes ordered by creation, filtered by region, township, committee, status, type,
    mode, year registered, a party's ID number and the watch list (`watch_list=true`:
    disputes flagged with an escalation risk), within the caller's organisation."""
    result = await service.list_disputes(
        session,
        filters=filters,
        page=page,
        org=principal.org,
        cipher=cipher,
        full=principal.has(PII_SCOPE),
    )
    await _audit_full_reads(session, principal, request, result.items)
    return result


@router.get("/due", response_model=Page[DueDisputeRead], responses=problem_responses())
async def list_due_disputes(
    session: SessionDep,
    principal: PrincipalDep,
    filters: DueFiltersDep,
    page: PageParamsDep,
) -> Page[DueDisputeRead]:
    """What is due before `due_before` (default: 7 days after `as_of`, which defaults to
    today), within the caller's organisation, ordered by creation: open disputes whose time
    limit ends before it (overdue ones included); resolved disputes whose
    judicial-confirmation window, not applied for, is still open and closes before it; and
    agreements whose performance due date is before it with no follow-up finding them
    performed. Each item lists only its due deadlines."""
    return await service.list_due(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{dispute_id}",
    response_model=DisputeRead,
    responses=problem_responses(DisputeNotFound),
)
async def read_dispute(
    response: Response,
    dispute: DisputeDep,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> DisputeRead:
    """One dispute with its parties and agreement (ID numbers and phones masked unless
    the caller has `mediation:pii`; each full read is audited)."""
    response.headers["ETag"] = etag(dispute.version)
    read = service.dispute_read(dispute, cipher=cipher, full=principal.has(PII_SCOPE))
    await _audit_full_reads(session, principal, request, [read])
    return read


@router.post(
    "/{dispute_id}/events",
    response_model=DisputeRead,
    responses=problem_responses(
        DisputeNotFound,
        DisputeTransitionNotAllowed,
        JudicialConfirmationWindowClosed,
        *COMMAND_PROBLEMS,
    ),
)
async def apply_dispute_command(
    dispute: DisputeDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: DisputeCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> Response:
    """Apply a command:
    - `assign_mediators` (registered or mediating): the mediators of the dispute's committee
      designated by it or chosen by the parties (人民调解法 Art. 19), replacing those
      assigned before; a mediator of another committee answers 422 naming
      `mediator_ids.<i>`;
    - `start_mediation` (registered → mediating), `resolve` with the agreement (mediating →
      resolved; it opens the 30-day judicial-confirmation window from the agreement's
      `effective_on`), `fail` with the reason (mediating → failed);
    - `flag_escalation_risk` (risk of a criminal case or a group petition, with the reason:
      the dispute goes on the watch list) and `clear_escalation_risk`, in any status;
    - on a resolved dispute: `follow_up` (a performance visit, 回访: its date and whether the
      agreement was performed; repeatable), `apply_for_confirmation` (司法确认, once, within
      the window: later answers 422 `judicial-confirmation-window-closed`), then
      `confirm_agreement` or `refuse_confirmation`.

    A command the status, the flag or the judicial confirmation does not allow answers 409."""
    if_match.check(dispute)
    dispute = await service.apply_command(
        session, dispute, command=command, actor=principal
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action=f"command:{command.type}",
        resource_type="dispute",
        resource_id=dispute.id,
        region_code=dispute.region_code,
        changes=command.model_dump(mode="json", exclude_none=True),
        status=status.HTTP_200_OK,
    )
    read = service.dispute_read(dispute, cipher=cipher, full=principal.has(PII_SCOPE))
    _record_full_reads(session, principal, request, [read])
    return await commit_response(
        session,
        read,
        record=dispute,
        idempotency=idempotency,
    )


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
