from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from reconsideration.deadlines.service import working_calendar
from reconsideration.litigation import deadlines
from reconsideration.litigation.deadlines import has_appeal_window
from reconsideration.litigation.exceptions import (
    HearingNotFound,
    LitigationCaseNotFound,
    LitigationCaseNumberTaken,
    LitigationTransitionNotAllowed,
)
from reconsideration.litigation.models import (
    Hearing,
    LitigationCase,
    LitigationEvent,
    LitigationEventType,
    LitigationStage,
    LitigationStatus,
)
from reconsideration.litigation.schemas import (
    Conclude,
    DecideAppeal,
    HearingCreate,
    HearingRead,
    LitigationCaseCreate,
    LitigationCaseFilters,
    LitigationCaseRead,
    LitigationCommand,
    LitigationEventRead,
    SubmitAnswer,
)
from reconsideration.schemas import not_before
from reconsideration.scope import get_in_scope, in_scope, record_org
from shared.auth import OrgScope, Principal
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered


async def file_case(
    session: AsyncSession, *, payload: LitigationCaseCreate, actor: Principal
) -> LitigationCase:
    """Record a lawsuit in status ``pending``. Raises Forbidden (403) when the county is
    outside the actor's organisation, or the actor is township-scoped (a case is a
    county-level record), and LitigationCaseNumberTaken (409) when the region already has a
    case with this number."""
    ensure_may_act_for(actor.org, **record_org(payload.region_code))
    taken = await session.scalar(
        select(LitigationCase.id).where(
            LitigationCase.region_code == payload.region_code,
            LitigationCase.case_number == payload.case_number,
        )
    )
    if taken is not None:
        raise LitigationCaseNumberTaken(
            f"This case number is already recorded as case {taken}"
        )
    case = LitigationCase(
        **payload.model_dump(), status=LitigationStatus.pending, hearings=[]
    )
    deadlines.refresh(case, await working_calendar(session))
    session.add(case)
    await session.flush()
    session.add(
        LitigationEvent(
            case_id=case.id,
            type=LitigationEventType.file,
            occurred_on=payload.filed_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return case


async def get_case(
    session: AsyncSession, case_id: uuid.UUID, *, org: OrgScope | None
) -> LitigationCase:
    """Raises LitigationCaseNotFound, also for a case outside ``org``. A case is a county-level
    record (no ``township_code``): a township-scoped caller finds none."""
    return await get_in_scope(
        session,
        LitigationCase,
        case_id,
        LitigationCaseNotFound,
        org=org,
        options=[selectinload(LitigationCase.hearings)],
    )


async def list_cases(
    session: AsyncSession,
    *,
    filters: LitigationCaseFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[LitigationCaseRead]:
    """The cases of ``org``'s county matching ``filters``, on every page. A case is a
    county-level record (no ``township_code``, in effect NULL): a township-scoped caller,
    whose township equality never matches NULL, gets none."""
    c = LitigationCase
    stmt = filtered(
        in_scope(
            select(c).options(selectinload(c.hearings)),
            c,
            org,
        ),
        c,
        filters.model_copy(update={"due_before": None}),
        year_column=c.filed_on,
    )
    if filters.due_before is not None:
        answer_open = c.answered_on.is_(None) & (c.status == LitigationStatus.pending)
        appeal_open = c.appealed.is_(None) & c.judgment_served_on.is_not(None)
        stmt = stmt.where(
            (
                answer_open
                & (
                    (c.answer_due_on <= filters.due_before)
                    | c.answer_due_unknown_year.is_not(None)
                )
            )
            | (
                appeal_open
                & (
                    (c.appeal_due_on <= filters.due_before)
                    | c.appeal_due_unknown_year.is_not(None)
                )
            )
        )
    return await paginate(
        session,
        stmt,
        page,
        model=LitigationCase,
        to_item=LitigationCaseRead.model_validate,
    )


def _last_step_on(case: LitigationCase) -> dt.date:
    return max([case.filed_on, *(h.held_on for h in case.hearings)])


async def record_hearing(
    session: AsyncSession,
    case: LitigationCase,
    *,
    payload: HearingCreate,
    actor: Principal,
) -> Hearing:
    """Add a hearing. Hearings of a concluded case may still be entered if held on or before its
    conclusion. Raises InvalidInput (``held_on``) for a hearing before the complaint was received
    or after the case concluded."""
    not_before(payload.held_on, case.filed_on, field="held_on", what="filed_on")
    if case.concluded_on is not None and payload.held_on > case.concluded_on:
        raise InvalidInput(
            f"held_on is after the case concluded ({case.concluded_on})",
            field="held_on",
            code="too_late",
        )
    hearing = Hearing(**payload.model_dump())
    case.hearings.append(hearing)
    await session.flush()
    session.add(
        LitigationEvent(
            case_id=case.id,
            type=LitigationEventType.record_hearing,
            occurred_on=payload.held_on,
            actor=actor.subject,
            data={
                "hearing_id": str(hearing.id),
                "head_appeared": payload.head_appeared,
            },
        )
    )
    await session.flush()
    return hearing


def get_hearing(case: LitigationCase, hearing_id: uuid.UUID) -> Hearing:
    """Raises HearingNotFound when the case has no such hearing."""
    for hearing in case.hearings:
        if hearing.id == hearing_id:
            return hearing
    raise HearingNotFound(f"Case {case.id} has no hearing {hearing_id}")


async def list_hearings(
    session: AsyncSession, case: LitigationCase, *, page: PageParams
) -> Page[HearingRead]:
    stmt = select(Hearing).where(Hearing.case_id == case.id)
    return await paginate(
        session, stmt, page, model=Hearing, to_item=HearingRead.model_validate
    )


async def apply_command(
    session: AsyncSession,
    case: LitigationCase,
    *,
    command: LitigationCommand,
    actor: Principal,
) -> LitigationCase:
    """- ``conclude`` with the outcome (and, at the first instance, the judgment or ruling
      and its service, which opens the appeal window): pending → concluded;
    - ``submit_answer``: the answer (行政诉讼法 第67条), once, while pending;
    - ``decide_appeal``: appealed or not, once, on a concluded first-instance case with an
      appeal window, an appeal no later than its last day (第85条).

    Raises LitigationTransitionNotAllowed (409) for a command the case's status or record
    does not allow, and InvalidInput (422): ``occurred_on`` before the complaint or the
    last hearing, ``judgment_kind`` at the second instance or a retrial (final).
    """

    def refuse(detail: str) -> LitigationTransitionNotAllowed:
        return LitigationTransitionNotAllowed(detail, current_status=str(case.status))

    pending = case.status is LitigationStatus.pending
    data: dict[str, object] = {}
    match command:
        case Conclude():
            if not pending:
                raise refuse(
                    f"conclude needs status pending; the case is {case.status}"
                )
            not_before(
                command.occurred_on,
                _last_step_on(case),
                field="occurred_on",
                what="the previous step",
            )
            if (
                command.judgment_kind is not None
                and case.stage is not LitigationStage.first_instance
            ):
                raise InvalidInput(
                    f"a {case.stage} judgment or ruling is final: no appeal window",
                    field="judgment_kind",
                    code="final",
                )
            case.status = LitigationStatus.concluded
            case.concluded_on = command.occurred_on
            case.outcome = command.outcome
            case.judgment_kind = command.judgment_kind
            if command.judgment_kind is not None:
                case.judgment_served_on = command.served_on or command.occurred_on
            data = {
                "outcome": str(command.outcome),
                "judgment_kind": command.judgment_kind and str(command.judgment_kind),
            }
        case SubmitAnswer():
            if not pending or case.answered_on is not None:
                raise refuse(
                    "submit_answer needs a pending case not yet answered"
                    + (f" (answered {case.answered_on})" if case.answered_on else "")
                )
            not_before(
                command.occurred_on, case.filed_on, field="occurred_on", what="filed_on"
            )
            case.answered_on = command.occurred_on
            case.answer_evidence_submitted = command.evidence_submitted
            data = {"evidence_submitted": command.evidence_submitted}
        case DecideAppeal():
            if not has_appeal_window(case) or case.appealed is not None:
                raise refuse(
                    "decide_appeal needs a first-instance case concluded by a judgment "
                    "or ruling, not yet decided"
                )
            assert case.judgment_served_on is not None
            not_before(
                command.occurred_on,
                case.judgment_served_on,
                field="occurred_on",
                what="the service of the judgment",
            )
            if (
                command.appealed
                and case.appeal_due_on is not None
                and command.occurred_on > case.appeal_due_on
            ):
                raise refuse(
                    f"The appeal window closed on {case.appeal_due_on} "
                    "(行政诉讼法 第85条)"
                )
            case.appeal_decided_on = command.occurred_on
            case.appealed = command.appealed
            data = {"appealed": command.appealed}
    deadlines.refresh(case, await working_calendar(session))
    session.add(
        LitigationEvent(
            case_id=case.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={key: value for key, value in data.items() if value is not None},
        )
    )
    await session.flush()
    return case


async def list_events(
    session: AsyncSession, case: LitigationCase, *, page: PageParams
) -> Page[LitigationEventRead]:
    stmt = select(LitigationEvent).where(LitigationEvent.case_id == case.id)
    return await paginate(
        session,
        stmt,
        page,
        model=LitigationEvent,
        to_item=LitigationEventRead.model_validate,
    )
