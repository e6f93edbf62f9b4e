from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.agency_points.service import find_agency_point, is_open_on
from reconsideration.applications import personal_data
from reconsideration.applications.exceptions import (
    ApplicationNotFound,
    ApplicationTransitionNotAllowed,
)
from reconsideration.applications.models import (
    ApplicationEvent,
    ApplicationEventType,
    ApplicationStatus,
    Procedure,
    ReconsiderationApplication,
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
    RecordCorrection,
    RecordMediationStatement,
    RequestCorrection,
    Resume,
    StartReview,
    Suspend,
    SwitchProcedure,
    Terminate,
)
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
}


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
    - ``record_mediation_statement`` (调解书, Art. 73): accepted | deemed_accepted | in_progress → mediated.

    Raises ApplicationTransitionNotAllowed (409) from any other status and InvalidInput
    (``occurred_on``) for a date before the previous step.
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
        case RequestCorrection(items=items):
            application.status = S.correction_requested
            application.correction_items = list(items)
            data = {"items": list(items)}
        case RecordCorrection():
            application.status = S.under_review
        case DeemAbandoned():
            application.status = S.deemed_abandoned
        case Accept(procedure=procedure):
            application.status = S.accepted
            application.accepted_on = on
            application.procedure = procedure
            data = {"procedure": str(procedure)}
        case DeemAccepted():
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
        case CopyToRespondent():
            application.status = S.in_progress
            application.copied_to_respondent_on = on
        case Suspend(ground=ground):
            application.status = S.suspended
            application.suspension_ground = ground
            data = {"ground": str(ground)}
        case Resume():
            application.status = S.in_progress
        case Decide(
            decision_type=decision_type,
            redo_ordered=redo,
            performance_deadline=deadline,
        ):
            application.status = S.decided
            application.concluded_on = on
            application.decision_type = decision_type
            application.redo_ordered = redo
            application.performance_deadline = deadline
            data = {"decision_type": str(decision_type)}
        case Terminate(ground=ground):
            application.status = S.terminated
            application.concluded_on = on
            application.termination_ground = ground
            data = {"ground": str(ground)}
        case RecordMediationStatement():
            application.status = S.mediated
            application.concluded_on = on
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
            data=data,
        )
    )
    await session.flush()
    await tracking.refresh(session, application)
    return application


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
