from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from reconsideration.agency_points.service import find_agency_point, is_open_on
from reconsideration.applications import personal_data
from reconsideration.applications.exceptions import (
    ApplicationNotFound,
    ApplicationTransitionNotAllowed,
)
from reconsideration.applications.models import (
    ApplicationEvent,
    ApplicationEventType,
    ApplicationHearing,
    ApplicationStatus,
    CommitteeConsultation,
    Procedure,
    ReconsiderationApplication,
    SuspensionGround,
    TerminationGround,
)
from reconsideration.applications.schemas import (
    Accept,
    ApplicationCommand,
    ApplicationCreate,
    ApplicationEventRead,
    ApplicationFilters,
    ApplicationRead,
    CopyToRespondent,
    Decide,
    DeemAbandoned,
    DeemAccepted,
    Extend,
    NotAccept,
    RecordCommitteeConsultation,
    RecordCorrection,
    RecordCorrectionReceipt,
    RecordHearing,
    RecordMediationStatement,
    RecordRespondentReceipt,
    RecordRespondentReply,
    RequestCorrection,
    Resume,
    ScheduleHearing,
    StartReview,
    Suspend,
    SwitchProcedure,
    Terminate,
)
from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.db import CaseNumberCounter
from reconsideration.deadlines import tracking
from reconsideration.deadlines.models import Clock
from reconsideration.schemas import not_before, township_in_region
from reconsideration.scope import get_in_scope, in_scope, record_org
from shared.auth import OrgScope, Principal
from shared.case_numbers import case_number, next_number
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.personal_data import PersonalDataCipher
from shared.query import ensure_may_act_for, filtered

S = ApplicationStatus
E = ApplicationEventType

#: Which status each command requires (domain.md §3.1).
ALLOWED_FROM: dict[ApplicationEventType, frozenset[ApplicationStatus]] = {
    E.start_review: frozenset({S.received}),
    E.request_correction: frozenset({S.under_review}),
    E.record_correction_receipt: frozenset({S.correction_requested}),
    E.record_correction: frozenset({S.correction_requested}),
    E.deem_abandoned: frozenset({S.correction_requested}),
    E.accept: frozenset({S.under_review}),
    E.deem_accepted: frozenset({S.received, S.under_review}),
    E.not_accept: frozenset({S.under_review}),
    E.copy_to_respondent: frozenset({S.accepted, S.deemed_accepted}),
    E.suspend: frozenset({S.in_progress}),
    E.resume: frozenset({S.suspended}),
    E.decide: frozenset({S.accepted, S.deemed_accepted, S.in_progress}),
    E.terminate: frozenset({S.accepted, S.deemed_accepted, S.in_progress, S.suspended}),
    E.record_mediation_statement: frozenset(
        {S.accepted, S.deemed_accepted, S.in_progress}
    ),
    E.extend: frozenset({S.accepted, S.deemed_accepted, S.in_progress}),
    E.switch_procedure: frozenset(
        {S.accepted, S.deemed_accepted, S.in_progress, S.suspended}
    ),
    E.record_respondent_receipt: frozenset({S.in_progress, S.suspended}),
    E.record_respondent_reply: frozenset({S.in_progress, S.suspended}),
    E.schedule_hearing: frozenset({S.in_progress}),
    E.record_hearing: frozenset({S.in_progress}),
    E.record_committee_consultation: frozenset({S.in_progress}),
}

#: Suspension grounds after which a case still suspended 60 days on may be terminated
#: (复议法(2023) 第41条第5项: 第39条第1款第1, 2, 4项).
LAPSING_SUSPENSION_GROUNDS = frozenset(
    {
        SuspensionGround.applicant_died,
        SuspensionGround.applicant_incapacitated,
        SuspensionGround.organisation_terminated,
    }
)
#: Calendar days such a suspension lasts before the case may be terminated (第41条第5项).
LAPSING_SUSPENSION_DAYS = 60


#: The word of an application's case number (通政复〔2023〕12号).
CASE_NUMBER_WORD = "政复"


async def receive_application(
    session: AsyncSession,
    *,
    payload: ApplicationCreate,
    actor: Principal,
    cipher: PersonalDataCipher | None = None,
    abbreviations: dict[str, str] | None = None,
) -> ReconsiderationApplication:
    """Record an application in status ``received``, numbered
    ``<county>政复〔<year received>〕<n>号`` (shared.case_numbers; ``abbreviations`` maps
    region codes to the county's abbreviation).

    For channel ``agency_point`` the point must exist within the actor's organisation, in the
    same region, and be open on ``agency_point_received_on``. Raises InvalidInput
    (``agency_point_id``, ``agency_point_received_on``, ``township_code``) and Forbidden
    (403) when the application's county or township (given, or the agency point's) is
    outside the actor's organisation; a township-scoped actor may not record an application
    without a township. The applicant's personal data is stored encrypted with ``cipher``
    (required when the payload has any).
    """
    org = actor.org
    ensure_may_act_for(org, region_code=payload.region_code)
    if payload.township_code is not None:
        ensure_may_act_for(org, township_code=payload.township_code)
    township_code = payload.township_code
    if payload.agency_point_id is not None:
        point = await find_agency_point(session, payload.agency_point_id, org=org)
        if point is None:
            raise InvalidInput(
                "agency_point_id names no agency point",
                field="agency_point_id",
                code="unknown",
            )
        if point.region_code != payload.region_code:
            raise InvalidInput(
                f"the agency point belongs to region {point.region_code}",
                field="agency_point_id",
                code="not_in_region",
            )
        assert (
            payload.agency_point_received_on is not None
        )  # the schema requires both together
        if not is_open_on(point, payload.agency_point_received_on):
            raise InvalidInput(
                "the agency point was not open on agency_point_received_on",
                field="agency_point_received_on",
                code="agency_point_not_open",
            )
        township_code = township_code or point.township_code
    township_in_region(payload.region_code, township_code)
    ensure_may_act_for(org, **record_org(payload.region_code, township_code))
    year = payload.received_on.year
    number = await next_number(
        session,
        CaseNumberCounter,
        series=f"{payload.region_code}:application",
        year=year,
    )
    application = ReconsiderationApplication(
        **payload.model_dump(exclude={"township_code", *personal_data.FIELDS}),
        case_number=case_number(
            payload.region_code, CASE_NUMBER_WORD, year, number, abbreviations
        ),
        township_code=township_code,
        status=S.received,
        status_since=payload.received_on,
        deemed_accepted=False,
    )
    if any(getattr(payload, field) is not None for field in personal_data.FIELDS):
        if cipher is None:
            raise TypeError("personal data needs the service's cipher")
        personal_data.store(application, payload, cipher)
    session.add(application)
    await session.flush()
    for relationship in ("hearings", "committee_consultations"):
        set_committed_value(application, relationship, [])
    session.add(
        ApplicationEvent(
            application_id=application.id,
            type=E.receive,
            occurred_on=payload.received_on,
            actor=actor.subject,
            data={"receipt_channel": str(payload.receipt_channel)},
        )
    )
    await session.flush()
    await tracking.refresh(session, application)
    return application


async def get_application(
    session: AsyncSession, application_id: uuid.UUID, *, org: OrgScope | None
) -> ReconsiderationApplication:
    """Raises ApplicationNotFound, also for an application outside ``org`` (a township-scoped
    caller does not see applications without a township)."""
    return await get_in_scope(
        session,
        ReconsiderationApplication,
        application_id,
        ApplicationNotFound,
        org=org,
    )


async def list_applications(
    session: AsyncSession,
    *,
    filters: ApplicationFilters,
    page: PageParams,
    org: OrgScope | None,
    cipher: PersonalDataCipher,
    to_item: Callable[[ReconsiderationApplication], ApplicationRead],
) -> Page[ApplicationRead]:
    """The applications of ``org`` (county and township) matching ``filters``, on every page;
    ``applicant_id_number`` (already normalised) is found through its keyed hash."""
    model = ReconsiderationApplication
    stmt = filtered(
        in_scope(select(model), model, org),
        model,
        filters.model_copy(update={"applicant_id_number": None}),
        year_column=model.received_on,
    )
    if filters.applicant_id_number is not None:
        stmt = stmt.where(
            model.applicant_id_number_hash
            == cipher.search_hash(filters.applicant_id_number)
        )
    return await paginate(session, stmt, page, model=model, to_item=to_item)


async def list_existing_ids(
    session: AsyncSession,
    ids: list[uuid.UUID],
    *,
    region_code: str,
    org: OrgScope | None,
) -> set[uuid.UUID]:
    """Those of ``ids`` that name an application of ``region_code`` within ``org``."""
    if not ids:
        return set()
    model = ReconsiderationApplication
    stmt = select(model.id).where(model.id.in_(ids), model.region_code == region_code)
    rows = await session.scalars(in_scope(stmt, model, org))
    return set(rows.all())


async def apply_command(
    session: AsyncSession,
    application: ReconsiderationApplication,
    *,
    command: ApplicationCommand,
    actor: Principal,
) -> ReconsiderationApplication:
    """Move an application through its lifecycle (domain.md §3.1).

    - ``start_review``: received → under_review;
    - ``request_correction`` (every missing item at once, 复议法 Art. 31): under_review → correction_requested;
    - ``record_correction_receipt`` (once per notice, unless the request named the
      applicant's receipt): correction_requested, the status stays;
    - ``record_correction``: correction_requested → under_review (the review runs again);
    - ``deem_abandoned``: correction_requested → deemed_abandoned;
    - ``accept`` with the procedure: under_review → accepted;
    - ``deem_accepted`` (复议法 Art. 30: no decision within the review period): received | under_review →
      deemed_accepted, flagged ``deemed_accepted`` for good, ordinary procedure;
    - ``not_accept`` with the reason and, when jurisdiction is wrong, the competent organ: under_review → not_accepted;
    - ``copy_to_respondent``: accepted | deemed_accepted → in_progress;
    - ``suspend`` (中止, Art. 39) / ``resume``: in_progress ⇄ suspended;
    - ``decide``: accepted | deemed_accepted | in_progress → decided;
    - ``terminate`` (终止, Art. 41): accepted | deemed_accepted | in_progress | suspended → terminated;
    - ``record_mediation_statement`` (调解书, Art. 73): accepted | deemed_accepted | in_progress → mediated;
    - ``extend`` (Art. 62) and ``switch_procedure`` (Art. 55): the status stays;
    - ``record_respondent_receipt`` (once) and ``record_respondent_reply`` (once, Art. 48):
      in_progress | suspended, the status stays;
    - ``schedule_hearing`` (reschedules the hearing not yet held), ``record_hearing`` (the
      scheduled one, on its day) and ``record_committee_consultation`` (Art. 50-52):
      in_progress, the status stays.

    Raises ApplicationTransitionNotAllowed (409) from any other status and for a step the
    case's record does not allow (a second reply, a hearing not scheduled, a termination
    for a lapsed suspension before its 60 days); InvalidInput (422) for ``occurred_on``
    before the previous step, a hearing recorded on another day than scheduled
    (``occurred_on``), and a collective discussion that is unknown, later or does not
    list the application (``collective_discussion_id``).
    """
    allowed_from = ALLOWED_FROM[command.type]
    if application.status not in allowed_from:
        raise ApplicationTransitionNotAllowed(
            f"{command.type} needs status {', '.join(sorted(allowed_from))}; the application is {application.status}",
            current_status=str(application.status),
        )
    not_before(
        command.occurred_on,
        application.status_since,
        field="occurred_on",
        what="the previous step",
    )
    on = command.occurred_on
    data: dict[str, object] = {}
    match command:
        case StartReview():
            application.status = S.under_review
        case RequestCorrection(items=items, applicant_received_on=received):
            application.status = S.correction_requested
            application.correction_items = list(items)
            application.correction_received_on = received
            data = {
                "items": list(items),
                "applicant_received_on": received and received.isoformat(),
            }
        case RecordCorrectionReceipt():
            if application.correction_received_on is not None:
                raise _refuse(
                    application,
                    "The applicant's receipt of the correction notice is recorded "
                    f"already ({application.correction_received_on})",
                )
            application.correction_received_on = on
        case RecordCorrection():
            application.status = S.under_review
        case DeemAbandoned():
            _check_period_over(
                application, Clock.applicant_correction, on, inclusive=False
            )
            application.status = S.deemed_abandoned
        case Accept(procedure=procedure):
            application.status = S.accepted
            application.accepted_on = on
            application.procedure = procedure
            data = {"procedure": str(procedure)}
        case DeemAccepted():
            _check_period_over(application, Clock.acceptance_review, on, inclusive=True)
            application.status = S.deemed_accepted
            application.deemed_accepted = True
            application.accepted_on = on
            # Simplified procedure is an organ's choice at acceptance (Art. 53); nobody chose it here.
            application.procedure = Procedure.ordinary
        case NotAccept(reason=reason, competent_organ=competent_organ):
            application.status = S.not_accepted
            application.not_accepted_on = on
            application.not_accept_reason = reason
            application.competent_organ = competent_organ
            data = {"competent_organ": competent_organ}
        case CopyToRespondent(respondent_received_on=received):
            application.status = S.in_progress
            application.copied_to_respondent_on = on
            application.respondent_received_copy_on = received
            data = {"respondent_received_on": received and received.isoformat()}
        case RecordRespondentReceipt():
            if application.respondent_received_copy_on is not None:
                raise _refuse(
                    application,
                    "The respondent's receipt is recorded already "
                    f"({application.respondent_received_copy_on})",
                )
            application.respondent_received_copy_on = on
        case RecordRespondentReply(evidence_submitted=evidence):
            received = application.respondent_received_copy_on
            if received is not None:
                not_before(
                    on,
                    received,
                    field="occurred_on",
                    what="the respondent's receipt of the copy",
                )
            if application.respondent_replied_on is not None:
                raise _refuse(
                    application,
                    f"The respondent replied already ({application.respondent_replied_on})",
                )
            application.respondent_replied_on = on
            application.respondent_evidence_submitted = evidence
            data = {"evidence_submitted": evidence}
        case ScheduleHearing():
            data = _schedule_hearing(session, application, command)
        case RecordHearing():
            data = _record_hearing(application, command)
        case RecordCommitteeConsultation():
            session.add(
                CommitteeConsultation(
                    application_id=application.id,
                    consulted_on=on,
                    **command.model_dump(exclude={"type", "occurred_on"}),
                )
            )
            data = {"ground": str(command.ground)}
        case Suspend(ground=ground):
            application.status = S.suspended
            application.suspension_ground = ground
            data = {
                "ground": str(ground),
                "reason": command.reason,
                "notice_served_on": _iso(command.notice_served_on),
            }
        case Resume():
            application.status = S.in_progress
            data = {"notice_served_on": _iso(command.notice_served_on)}
        case Decide(decision_type=decision_type):
            if command.collective_discussion_id is not None:
                await _check_discussion(session, application, command)
            application.status = S.decided
            application.concluded_on = on
            application.decision_type = decision_type
            application.partial_revocation = command.partial_revocation
            application.redo_ordered = command.redo_ordered
            application.redo_deadline = command.redo_deadline
            application.performance_deadline = command.performance_deadline
            application.decision_approval = command.approval
            application.collective_discussion_id = command.collective_discussion_id
            data = {
                "decision_type": str(decision_type),
                "approval": command.approval and str(command.approval),
            }
        case Terminate(ground=ground):
            if ground is TerminationGround.suspension_not_lifted:
                await _check_lapsed_suspension(session, application, on)
            application.status = S.terminated
            application.concluded_on = on
            application.termination_ground = ground
            data = {"ground": str(ground), "settlement_terms": command.settlement_terms}
        case RecordMediationStatement():
            application.status = S.mediated
            application.concluded_on = on
            data = {"terms": command.terms}
        case Extend(days=days, approved_by=approved_by, reason=reason):
            _check_extension(application, command)
            application.decision_extension_days = days
            application.decision_extension_approved_by = approved_by
            data = {"days": days, "approved_by": approved_by, "reason": reason}
        case SwitchProcedure(procedure=procedure, approved_by=approved_by):
            if application.procedure is procedure:
                raise ApplicationTransitionNotAllowed(
                    f"The application already follows the {procedure} procedure",
                    current_status=str(application.status),
                )
            application.procedure = procedure
            data = {
                "procedure": str(procedure),
                "approved_by": approved_by,
                "reason": command.reason,
            }
    application.status_since = on
    session.add(
        ApplicationEvent(
            application_id=application.id,
            type=command.type,
            occurred_on=on,
            actor=actor.subject,
            # The document fields given (absent ones are not stored as nulls).
            data={key: value for key, value in data.items() if value is not None},
        )
    )
    await session.flush()
    if command.type in _CHILD_COMMANDS:
        await session.refresh(application, ["hearings", "committee_consultations"])
    await tracking.refresh(session, application)
    return application


_CHILD_COMMANDS = frozenset(
    {E.schedule_hearing, E.record_hearing, E.record_committee_consultation}
)


def _check_period_over(
    application: ReconsiderationApplication,
    clock: Clock,
    on: dt.date,
    *,
    inclusive: bool,
) -> None:
    """Raises ApplicationTransitionNotAllowed (409) unless ``clock`` has run out by ``on``:
    on its last day (``inclusive``: the acceptance review, 复议法(2023) 第30条第3款 "审查期限
    届满之日起视为受理") or after it (the applicant's correction, 第31条第2款: not corrected in
    time). A clock the law version lacks (the 1999 law's correction notice sets its own
    period) does not hold the step back; one whose calendar year nobody loaded does."""
    deadline = next((d for d in application.deadlines if d.clock is clock), None)
    if deadline is None:
        return
    if deadline.due_on is None:
        raise _refuse(
            application,
            f"The {clock} period's last day is unknown: load the working-day calendar "
            f"of {deadline.unknown_year} first (PUT /api/v1/calendar-years/{{year}})",
        )
    if on > deadline.due_on or (inclusive and on == deadline.due_on):
        return
    first = deadline.due_on if inclusive else deadline.due_on + dt.timedelta(days=1)
    raise _refuse(
        application,
        f"The {clock} period runs until {deadline.due_on} ({deadline.article}): this step "
        f"can be recorded from {first}",
    )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _refuse(
    application: ReconsiderationApplication, detail: str
) -> ApplicationTransitionNotAllowed:
    return ApplicationTransitionNotAllowed(
        detail, current_status=str(application.status)
    )


def _pending_hearing(
    application: ReconsiderationApplication,
) -> ApplicationHearing | None:
    return next((h for h in application.hearings if h.held_on is None), None)


def _schedule_hearing(
    session: AsyncSession,
    application: ReconsiderationApplication,
    command: ScheduleHearing,
) -> dict[str, object]:
    """Schedule a hearing, or reschedule the one not yet held."""
    fields = command.model_dump(exclude={"type", "occurred_on"})
    pending = _pending_hearing(application)
    data: dict[str, object] = {"hearing_on": command.hearing_on.isoformat()}
    if pending is None:
        session.add(
            ApplicationHearing(
                application_id=application.id,
                notified_on=command.occurred_on,
                **fields,
            )
        )
        return data
    data["rescheduled_from"] = pending.hearing_on.isoformat()
    pending.notified_on = command.occurred_on
    for name, value in fields.items():
        setattr(pending, name, value)
    return data


def _record_hearing(
    application: ReconsiderationApplication, command: RecordHearing
) -> dict[str, object]:
    pending = _pending_hearing(application)
    if pending is None:
        raise _refuse(application, "No hearing is scheduled: schedule_hearing first")
    if command.occurred_on != pending.hearing_on:
        raise InvalidInput(
            f"the hearing is scheduled for {pending.hearing_on}: record it on that day, "
            "or schedule_hearing again to move it",
            field="occurred_on",
            code="not_hearing_day",
        )
    pending.held_on = command.occurred_on
    pending.applicant_appeared = command.applicant_appeared
    pending.respondent_head_appeared = command.respondent_head_appeared
    pending.respondent_representative = command.respondent_representative
    return {
        "hearing_on": pending.hearing_on.isoformat(),
        "respondent_head_appeared": command.respondent_head_appeared,
    }


async def _check_discussion(
    session: AsyncSession, application: ReconsiderationApplication, command: Decide
) -> None:
    """Raises InvalidInput (``collective_discussion_id``) unless the meeting is of the
    application's county, held by the decision day, and lists the application."""
    discussion = await session.get(
        CollectiveDiscussion, command.collective_discussion_id
    )
    problem: str | None = None
    if discussion is None or discussion.region_code != application.region_code:
        problem = "names no collective discussion of the county"
    elif discussion.held_on < application.received_on:
        problem = (
            f"names a meeting held before the application was received "
            f"({discussion.held_on})"
        )
    elif discussion.held_on > command.occurred_on:
        problem = f"names a meeting held after the decision ({discussion.held_on})"
    elif str(application.id) not in discussion.application_ids:
        problem = "names a meeting that did not discuss this application"
    if problem is not None:
        raise InvalidInput(
            f"collective_discussion_id {problem}",
            field="collective_discussion_id",
            code="not_this_case",
        )


async def _check_lapsed_suspension(
    session: AsyncSession, application: ReconsiderationApplication, on: dt.date
) -> None:
    """Raises ApplicationTransitionNotAllowed (409) unless the case has been suspended on
    a lapsing ground (第41条第5项) for at least 60 calendar days by ``on``."""
    if (
        application.status is not S.suspended
        or application.suspension_ground not in LAPSING_SUSPENSION_GROUNDS
    ):
        raise _refuse(
            application,
            "suspension_not_lifted needs a case suspended on ground "
            + ", ".join(sorted(LAPSING_SUSPENSION_GROUNDS))
            + " (复议法(2023) 第41条第5项)",
        )
    suspended_on = await session.scalar(
        select(ApplicationEvent.occurred_on)
        .where(
            ApplicationEvent.application_id == application.id,
            ApplicationEvent.type == E.suspend,
        )
        .order_by(ApplicationEvent.created_at.desc(), ApplicationEvent.id.desc())
        .limit(1)
    )
    assert suspended_on is not None  # the status is suspended
    lapses_on = suspended_on + dt.timedelta(days=LAPSING_SUSPENSION_DAYS)
    if on < lapses_on:
        raise _refuse(
            application,
            f"The suspension of {suspended_on} reaches {LAPSING_SUSPENSION_DAYS} days "
            f"on {lapses_on} (复议法(2023) 第41条第5项)",
        )


def _check_extension(application: ReconsiderationApplication, command: Extend) -> None:
    """Raises ApplicationTransitionNotAllowed (409) for a second extension, a simplified
    case (no extension: switch to the ordinary procedure, Art. 55) and a decision period
    that already ran out before ``occurred_on``."""

    def refuse(detail: str) -> ApplicationTransitionNotAllowed:
        return ApplicationTransitionNotAllowed(
            detail, current_status=str(application.status)
        )

    if application.decision_extension_days is not None:
        raise refuse(
            f"The decision period was already extended by "
            f"{application.decision_extension_days} days: only once (Art. 62)"
        )
    if application.procedure is not Procedure.ordinary:
        raise refuse(
            "The simplified procedure has no extension (Art. 62(2)): switch_procedure "
            "to ordinary first (Art. 55)"
        )
    decision = next(
        (d for d in application.deadlines if d.clock is Clock.decision), None
    )
    if (
        decision is not None
        and decision.due_on is not None
        and command.occurred_on > decision.due_on
    ):
        raise refuse(
            f"The decision period ran out on {decision.due_on}: an extension is "
            "approved before it ends"
        )


async def list_events(
    session: AsyncSession, application: ReconsiderationApplication, *, page: PageParams
) -> Page[ApplicationEventRead]:
    stmt = select(ApplicationEvent).where(
        ApplicationEvent.application_id == application.id
    )
    return await paginate(
        session,
        stmt,
        page,
        model=ApplicationEvent,
        to_item=ApplicationEventRead.model_validate,
    )
