from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from mediation.committees.service import find_committee
from mediation.db import CaseNumberCounter
from mediation.disputes.exceptions import (
    DisputeNotFound,
    DisputeTransitionNotAllowed,
    JudicialConfirmationWindowClosed,
)
from mediation.disputes.models import (
    AgreementForm,
    DeadlineKind,
    Dispute,
    DisputeEvent,
    DisputeEventType,
    DisputeParty,
    DisputeStatus,
    EscalationRisk,
    JudicialConfirmationStatus,
    dispute_mediators,
)
from mediation.disputes.schemas import (
    ApplyForConfirmation,
    AssignMediators,
    ClearEscalationRisk,
    ConfirmAgreement,
    DeadlineRead,
    DisputeCommand,
    DisputeCreate,
    DisputeEventRead,
    DisputeFilters,
    DisputeRead,
    DueDisputeRead,
    DueFilters,
    Fail,
    FlagEscalationRisk,
    FollowUp,
    PartyCreate,
    PartyRead,
    RefuseConfirmation,
    Resolve,
    StartMediation,
)
from mediation.mediators.models import Mediator
from mediation.schemas import township_in_region
from shared.auth import OrgScope, Principal
from shared.case_numbers import case_number, next_number
from shared.db import utcnow
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.personal_data import PersonalDataCipher, mask_id_number, mask_phone
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org
from shared.types import today
from shared.working_days import (
    CalendarYearUnknown,
    add_calendar_days,
    package_calendar,
)

#: A party's personal data, stored encrypted and hashed.
PERSONAL_FIELDS = ("id_number", "credit_code", "phone")
#: Those shown masked unless the caller has mediation:pii (an organisation's credit code
#: is public and shown as it is).
MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
}

#: The word of a dispute's case number (通人调〔2023〕12号).
CASE_NUMBER_WORD = "人调"

#: Calendar days after the agreement takes effect within which the parties may apply for
#: judicial confirmation (人民调解法 Art. 33, 民诉法 Art. 205). The first day is not counted,
#: and a last day that is a weekend or a holiday moves to the next working day (民诉法
#: Art. 85, on the shared working-day calendar: judicial_confirmation_window_ends_on).
JUDICIAL_CONFIRMATION_DAYS = 30


def judicial_confirmation_window_ends_on(effective_on: dt.date) -> dt.date:
    """The last day to apply for judicial confirmation of an agreement that took effect on
    ``effective_on``: 30 calendar days later, moved off a weekend or holiday to the next
    working day (民诉法 Art. 85, 205). For a year the holiday package does not know yet, the
    30th day itself (never later than the law allows; possibly a day early if it falls on
    a holiday of that year)."""
    try:
        return add_calendar_days(
            effective_on, JUDICIAL_CONFIRMATION_DAYS, calendar=package_calendar()
        )
    except CalendarYearUnknown:
        return effective_on + dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)


#: Days ahead the list of what is due looks by default.
DUE_HORIZON_DAYS = 7

#: Which status each command requires (domain.md §4). Flagging and clearing an escalation
#: risk do not depend on the status (a failed mediation may be the riskiest); they depend
#: on the flag (:func:`_check_substate`).
ALLOWED_FROM: dict[DisputeEventType, frozenset[DisputeStatus]] = {
    DisputeEventType.assign_mediators: DisputeStatus.open(),
    DisputeEventType.start_mediation: frozenset({DisputeStatus.registered}),
    DisputeEventType.resolve: frozenset({DisputeStatus.mediating}),
    DisputeEventType.fail: frozenset({DisputeStatus.mediating}),
    DisputeEventType.flag_escalation_risk: frozenset(DisputeStatus),
    DisputeEventType.clear_escalation_risk: frozenset(DisputeStatus),
    DisputeEventType.follow_up: frozenset({DisputeStatus.resolved}),
    DisputeEventType.apply_for_confirmation: frozenset({DisputeStatus.resolved}),
    DisputeEventType.confirm_agreement: frozenset({DisputeStatus.resolved}),
    DisputeEventType.refuse_confirmation: frozenset({DisputeStatus.resolved}),
}

#: The judicial-confirmation status each confirmation command requires (None: not applied).
CONFIRMATION_FROM: dict[DisputeEventType, JudicialConfirmationStatus | None] = {
    DisputeEventType.apply_for_confirmation: None,
    DisputeEventType.confirm_agreement: JudicialConfirmationStatus.applied,
    DisputeEventType.refuse_confirmation: JudicialConfirmationStatus.applied,
}


async def register_dispute(
    session: AsyncSession,
    *,
    payload: DisputeCreate,
    actor: Principal,
    time_limit_days: int,
    org: OrgScope | None,
    cipher: PersonalDataCipher,
    abbreviations: dict[str, str] | None = None,
    screening_round_id: uuid.UUID | None = None,
) -> Dispute:
    """Register a dispute for mediation in status ``registered``, numbered
    ``<county>人调〔<year registered>〕<n>号`` (shared.case_numbers; ``abbreviations``
    maps region codes to the county's abbreviation).

    ``time_limit_due_on`` is ``registered_on`` + ``time_limit_days`` calendar days
    (local practice, default 30). ``mediator_ids`` must name mediators of the committee
    (:func:`committee_mediators`); ``screening_round_id`` links a dispute registered from a
    screening round. Raises InvalidInput (``committee_id``, also for a committee outside
    the caller's ``org``; ``township_code``; ``mediator_ids.<i>``) and Forbidden (403) for
    a dispute outside the caller's organisation (e.g. another township).
    """
    committee = await find_committee(session, payload.committee_id, org=org)
    if committee is None:
        raise InvalidInput(
            "committee_id names no mediation committee",
            field="committee_id",
            code="unknown",
        )
    township_code = payload.township_code or committee.township_code
    township_in_region(committee.region_code, township_code)
    if org is not None:
        ensure_may_act_for(
            org,
            region_code=committee.region_code,
            township_code=township_code,
            committee_id=committee.id,
        )
    mediators = await committee_mediators(
        session, committee.id, payload.mediator_ids, field="mediator_ids"
    )
    data = payload.model_dump(exclude={"parties", "township_code", "mediator_ids"})
    year = payload.registered_on.year
    number = await next_number(
        session, CaseNumberCounter, series=f"{committee.region_code}:dispute", year=year
    )
    dispute = Dispute(
        **data,
        case_number=case_number(
            committee.region_code, CASE_NUMBER_WORD, year, number, abbreviations
        ),
        region_code=committee.region_code,
        township_code=township_code,
        status=DisputeStatus.registered,
        time_limit_due_on=payload.registered_on + dt.timedelta(days=time_limit_days),
        parties=[_party(i, p, cipher=cipher) for i, p in enumerate(payload.parties)],
        mediators=mediators,
        screening_round_id=screening_round_id,
    )
    session.add(dispute)
    await session.flush()
    session.add(
        DisputeEvent(
            dispute_id=dispute.id,
            type=DisputeEventType.register,
            occurred_on=payload.registered_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return dispute


async def committee_mediators(
    session: AsyncSession,
    committee_id: uuid.UUID,
    mediator_ids: list[uuid.UUID],
    *,
    field: str,
) -> list[Mediator]:
    """The mediators named, each a mediator of the committee, ordered as
    ``Dispute.mediators`` orders them.

    Rule (人民调解法 Art. 19): a dispute is mediated by mediators of the committee that
    took it, designated by the committee or chosen by the parties; a mediator of another
    committee, even of the same county, is refused. Raises InvalidInput naming
    ``<field>.<i>`` (unknown, or of another committee) or ``<field>`` (a duplicate)."""
    if len(set(mediator_ids)) != len(mediator_ids):
        raise InvalidInput(
            f"{field} lists a mediator twice", field=field, code="duplicate"
        )
    if not mediator_ids:
        return []
    found = {
        m.id: m
        for m in (
            await session.scalars(select(Mediator).where(Mediator.id.in_(mediator_ids)))
        ).all()
    }
    for i, mediator_id in enumerate(mediator_ids):
        mediator = found.get(mediator_id)
        if mediator is None:
            raise InvalidInput(
                "names no mediator", field=f"{field}.{i}", code="unknown"
            )
        if mediator.committee_id != committee_id:
            raise InvalidInput(
                "the mediator belongs to another committee: a dispute is mediated by "
                "mediators of its own committee (人民调解法 Art. 19)",
                field=f"{field}.{i}",
                code="not_of_committee",
            )
    return sorted(found.values(), key=lambda m: (m.created_at, m.id))


def _party(
    position: int, party: PartyCreate, *, cipher: PersonalDataCipher
) -> DisputeParty:
    """A stored party: each identifier encrypted, with its keyed hash; never the raw value."""
    row = DisputeParty(position=position, kind=party.kind, name=party.name)
    for field in PERSONAL_FIELDS:
        value = getattr(party, field)
        if value is not None:
            setattr(row, f"{field}_encrypted", cipher.encrypt(value))
            setattr(row, f"{field}_hash", cipher.search_hash(value))
    return row


def party_read(
    party: DisputeParty, *, cipher: PersonalDataCipher, full: bool
) -> PartyRead:
    """A party as the caller may see it: ID number and phone masked unless ``full``."""
    values: dict[str, str | None] = {}
    for field in PERSONAL_FIELDS:
        token = getattr(party, f"{field}_encrypted")
        value = cipher.decrypt(token) if token is not None else None
        if value is not None and not full and field in MASKS:
            value = MASKS[field](value)
        values[field] = value
    return PartyRead(kind=party.kind, name=party.name, **values)


def escalation_risks(dispute: Dispute) -> list[EscalationRisk]:
    risks = []
    if dispute.risk_of_crime:
        risks.append(EscalationRisk.criminal)
    if dispute.risk_of_group_petition:
        risks.append(EscalationRisk.group_petition)
    return risks


def _deadline(
    kind: DeadlineKind, due_on: dt.date, done_on: dt.date | None, as_of: dt.date
) -> DeadlineRead:
    return DeadlineRead(
        kind=kind,
        due_on=due_on,
        done_on=done_on,
        overdue=done_on is None and as_of > due_on,
        days_left=None if done_on is not None else (due_on - as_of).days,
    )


def deadlines(dispute: Dispute, *, as_of: dt.date) -> list[DeadlineRead]:
    """The dispute's time limit (done when concluded); once resolved, the
    judicial-confirmation window (done when applied for) and the performance due date,
    if the agreement set one (done when a follow-up found it performed)."""
    out = [
        _deadline(
            DeadlineKind.time_limit,
            dispute.time_limit_due_on,
            dispute.concluded_on,
            as_of,
        )
    ]
    if dispute.judicial_confirmation_window_ends_on is not None:
        out.append(
            _deadline(
                DeadlineKind.judicial_confirmation,
                dispute.judicial_confirmation_window_ends_on,
                dispute.judicial_confirmation_applied_on,
                as_of,
            )
        )
    if dispute.performance_due_on is not None:
        out.append(
            _deadline(
                DeadlineKind.performance,
                dispute.performance_due_on,
                dispute.followed_up_on if dispute.agreement_performed else None,
                as_of,
            )
        )
    return out


def dispute_read(
    dispute: Dispute,
    *,
    cipher: PersonalDataCipher,
    full: bool,
    as_of: dt.date | None = None,
) -> DisputeRead:
    """The dispute as the caller may see it, its deadlines judged ``as_of`` (default today)."""
    as_of = as_of or today()
    read = DisputeRead.model_validate(
        {
            **{
                name: getattr(dispute, name)
                for name in DisputeRead.model_fields
                if hasattr(dispute, name) and name != "parties"
            },
            "parties": [],
            "mediator_ids": [m.id for m in dispute.mediators],
            "partner_province_code": (
                dispute.partner_region_code[:2] + "0000"
                if dispute.partner_region_code
                else None
            ),
            "on_watch_list": dispute.escalation_risk_flagged_on is not None,
            "escalation_risks": escalation_risks(dispute),
            "deadlines": deadlines(dispute, as_of=as_of),
        }
    )
    read.parties = [party_read(p, cipher=cipher, full=full) for p in dispute.parties]
    return read


def shown_in_full(read: DisputeRead) -> list[str]:
    """The masked-by-default fields a (full) dispute read shows: what to audit."""
    return sorted(
        {
            field
            for party in read.parties
            for field in MASKS
            if getattr(party, field) is not None
        }
    )


async def get_dispute(
    session: AsyncSession, dispute_id: uuid.UUID, *, org: OrgScope | None
) -> Dispute:
    """Raises DisputeNotFound, also for a dispute outside the caller's ``org``."""
    return await get_or_raise(
        session,
        Dispute,
        dispute_id,
        DisputeNotFound,
        options=[selectinload(Dispute.parties)],
        org=org,
    )


async def list_disputes(
    session: AsyncSession,
    *,
    filters: DisputeFilters,
    page: PageParams,
    org: OrgScope | None,
    cipher: PersonalDataCipher,
    full: bool,
) -> Page[DisputeRead]:
    """``party_id_number`` finds disputes through the parties' keyed hash; ``watch_list``
    keeps the disputes flagged (or, false, not flagged) with an escalation risk;
    ``mediator_id`` those the mediator is assigned to."""
    stmt = select(Dispute).options(selectinload(Dispute.parties))
    columns = filters.model_copy(
        update={"party_id_number": None, "watch_list": None, "mediator_id": None}
    )
    stmt = filtered(stmt, Dispute, columns, year_column=Dispute.registered_on)
    if filters.watch_list is not None:
        flagged = Dispute.escalation_risk_flagged_on
        stmt = stmt.where(
            flagged.is_not(None) if filters.watch_list else flagged.is_(None)
        )
    if filters.mediator_id is not None:
        stmt = stmt.where(
            Dispute.id.in_(
                select(dispute_mediators.c.dispute_id).where(
                    dispute_mediators.c.mediator_id == filters.mediator_id
                )
            )
        )
    if filters.party_id_number is not None:
        stmt = stmt.where(
            Dispute.id.in_(
                select(DisputeParty.dispute_id).where(
                    DisputeParty.id_number_hash
                    == cipher.search_hash(filters.party_id_number)
                )
            )
        )
    stmt = in_org(stmt, Dispute, org)
    return await paginate(
        session,
        stmt,
        page,
        model=Dispute,
        to_item=lambda d: dispute_read(d, cipher=cipher, full=full),
    )


def _not_before(occurred_on: dt.date, earliest: dt.date, what: str) -> None:
    if occurred_on < earliest:
        raise InvalidInput(
            f"occurred_on is before {what} ({earliest})",
            field="occurred_on",
            code="too_early",
        )


def _refuse(dispute: Dispute, detail: str) -> DisputeTransitionNotAllowed:
    """The 409 naming the dispute's current status, watch-list flag and judicial
    confirmation (when there is one)."""
    extensions: dict[str, object] = {
        "current_status": str(dispute.status),
        "on_watch_list": dispute.escalation_risk_flagged_on is not None,
    }
    if dispute.judicial_confirmation_status is not None:
        extensions["judicial_confirmation_status"] = str(
            dispute.judicial_confirmation_status
        )
    return DisputeTransitionNotAllowed(detail, **extensions)


def _check_substate(dispute: Dispute, command: DisputeCommand) -> None:
    """Raise DisputeTransitionNotAllowed when the escalation flag or the judicial
    confirmation does not allow ``command``."""
    flagged = dispute.escalation_risk_flagged_on is not None
    if isinstance(command, FlagEscalationRisk) and flagged:
        raise _refuse(
            dispute,
            "The dispute is already flagged with an escalation risk; clear the flag "
            "before flagging it anew",
        )
    if isinstance(command, ClearEscalationRisk) and not flagged:
        raise _refuse(dispute, "The dispute is not flagged with an escalation risk")
    if command.type in CONFIRMATION_FROM:
        wanted = CONFIRMATION_FROM[command.type]
        current = dispute.judicial_confirmation_status
        if current != wanted:
            need = (
                "no application for judicial confirmation yet"
                if wanted is None
                else f"judicial confirmation {wanted}"
            )
            have = (
                "none applied for"
                if current is None
                else f"judicial confirmation {current}"
            )
            raise _refuse(
                dispute, f"{command.type} needs {need}; the dispute has {have}"
            )


def _resolve(dispute: Dispute, command: Resolve) -> dict[str, object]:
    agreement = command.agreement
    if (
        agreement.performance_due_on
        and agreement.performance_due_on < command.occurred_on
    ):
        raise InvalidInput(
            "performance_due_on is before the agreement date",
            field="agreement.performance_due_on",
            code="too_early",
        )
    effective_on = agreement.effective_on or command.occurred_on
    if agreement.form is AgreementForm.oral and effective_on != command.occurred_on:
        raise InvalidInput(
            "an oral agreement takes effect on the day it is reached (人民调解法 Art. 30)",
            field="agreement.effective_on",
            code="oral_agreement_effective_when_reached",
        )
    if effective_on < command.occurred_on:
        raise InvalidInput(
            "effective_on is before the agreement was reached",
            field="agreement.effective_on",
            code="too_early",
        )
    dispute.status = DisputeStatus.resolved
    dispute.concluded_on = command.occurred_on
    dispute.agreement_form = agreement.form
    dispute.agreement_terms = agreement.terms
    dispute.performance_due_on = agreement.performance_due_on
    dispute.agreement_effective_on = effective_on
    dispute.judicial_confirmation_window_ends_on = judicial_confirmation_window_ends_on(
        effective_on
    )
    return {"agreement_form": str(agreement.form)}


def _apply_for_confirmation(dispute: Dispute, command: ApplyForConfirmation) -> None:
    assert dispute.agreement_effective_on is not None  # every resolved dispute has one
    assert dispute.judicial_confirmation_window_ends_on is not None
    _not_before(
        command.occurred_on,
        dispute.agreement_effective_on,
        "the agreement took effect",
    )
    ends_on = dispute.judicial_confirmation_window_ends_on
    if command.occurred_on > ends_on:
        raise JudicialConfirmationWindowClosed(
            f"Judicial confirmation must be applied for within {JUDICIAL_CONFIRMATION_DAYS} "
            f"days of the agreement taking effect ({dispute.agreement_effective_on}); the "
            f"window closed on {ends_on}, the application is dated {command.occurred_on}",
            field="occurred_on",
            code="after_window",
        )
    dispute.judicial_confirmation_status = JudicialConfirmationStatus.applied
    dispute.judicial_confirmation_applied_on = command.occurred_on
    dispute.judicial_confirmation_court = command.court


async def apply_command(
    session: AsyncSession,
    dispute: Dispute,
    *,
    command: DisputeCommand,
    actor: Principal,
) -> Dispute:
    """Move a dispute through its lifecycle.

    ``assign_mediators`` (registered or mediating) replaces the assigned mediators, all of
    the dispute's committee; ``start_mediation``: registered → mediating; ``resolve``: mediating → resolved, with
    the agreement (a dispute is resolved only by an agreement, 人民调解法 Art. 28), which
    opens the judicial-confirmation window; ``fail``: mediating → failed, with the reason.
    ``flag_escalation_risk`` / ``clear_escalation_risk`` put the dispute on the watch list
    and take it off, in any status. On a resolved dispute: ``follow_up`` records a
    performance visit (回访, repeatable); ``apply_for_confirmation`` (within the window,
    once), then ``confirm_agreement`` or ``refuse_confirmation``.

    Raises DisputeTransitionNotAllowed (409) when the status, the flag or the judicial
    confirmation does not allow the command; JudicialConfirmationWindowClosed (422) for
    an application dated after the window; InvalidInput (``occurred_on``) for a date
    before the step it follows.
    """
    if dispute.status not in ALLOWED_FROM[command.type]:
        allowed = ", ".join(sorted(ALLOWED_FROM[command.type]))
        raise _refuse(
            dispute,
            f"{command.type} needs status {allowed}; the dispute is {dispute.status}",
        )
    _check_substate(dispute, command)
    data: dict[str, object] = {}
    match command:
        case AssignMediators(mediator_ids=mediator_ids):
            _not_before(command.occurred_on, dispute.registered_on, "registration")
            dispute.mediators = await committee_mediators(
                session, dispute.committee_id, mediator_ids, field="mediator_ids"
            )
            # The dispute row itself must change so that its version (its ETag) moves on.
            dispute.updated_at = utcnow()
            data = {"mediator_ids": [str(m.id) for m in dispute.mediators]}
        case StartMediation():
            _not_before(command.occurred_on, dispute.registered_on, "registration")
            dispute.status = DisputeStatus.mediating
            dispute.mediation_started_on = command.occurred_on
        case Resolve():
            assert dispute.mediation_started_on is not None
            _not_before(
                command.occurred_on, dispute.mediation_started_on, "mediation started"
            )
            data = _resolve(dispute, command)
        case Fail(reason=reason):
            assert dispute.mediation_started_on is not None
            _not_before(
                command.occurred_on, dispute.mediation_started_on, "mediation started"
            )
            dispute.status = DisputeStatus.failed
            dispute.concluded_on = command.occurred_on
            dispute.failure_reason = reason
        case FlagEscalationRisk(risks=risks, reason=reason):
            _not_before(command.occurred_on, dispute.registered_on, "registration")
            dispute.escalation_risk_flagged_on = command.occurred_on
            dispute.risk_of_crime = EscalationRisk.criminal in risks
            dispute.risk_of_group_petition = EscalationRisk.group_petition in risks
            dispute.escalation_risk_reason = reason
            data = {"risks": sorted(str(r) for r in risks)}
        case ClearEscalationRisk():
            assert dispute.escalation_risk_flagged_on is not None
            _not_before(
                command.occurred_on, dispute.escalation_risk_flagged_on, "the flag"
            )
            data = {"risks": [str(r) for r in escalation_risks(dispute)]}
            dispute.escalation_risk_flagged_on = None
            dispute.risk_of_crime = False
            dispute.risk_of_group_petition = False
            dispute.escalation_risk_reason = None
        case FollowUp(performed=performed):
            assert dispute.concluded_on is not None
            _not_before(
                command.occurred_on,
                dispute.followed_up_on or dispute.concluded_on,
                "the agreement or the previous follow-up",
            )
            dispute.followed_up_on = command.occurred_on
            dispute.agreement_performed = performed
            data = {"performed": performed}
        case ApplyForConfirmation():
            _apply_for_confirmation(dispute, command)
        case ConfirmAgreement() | RefuseConfirmation():
            assert dispute.judicial_confirmation_applied_on is not None
            _not_before(
                command.occurred_on,
                dispute.judicial_confirmation_applied_on,
                "the application",
            )
            dispute.judicial_confirmation_decided_on = command.occurred_on
            if isinstance(command, ConfirmAgreement):
                dispute.judicial_confirmation_status = (
                    JudicialConfirmationStatus.confirmed
                )
            else:
                dispute.judicial_confirmation_status = (
                    JudicialConfirmationStatus.refused
                )
                dispute.judicial_confirmation_refusal_reason = command.reason
    session.add(
        DisputeEvent(
            dispute_id=dispute.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data=data,
        )
    )
    await session.flush()
    return dispute


async def list_due(
    session: AsyncSession,
    *,
    filters: DueFilters,
    page: PageParams,
    org: OrgScope | None,
) -> Page[DueDisputeRead]:
    """Disputes with a deadline due on or before ``due_before`` (default ``as_of`` + 7
    days; inclusive, as ``GET /deadlines`` of the reconsideration service), ``as_of``
    (default today): open disputes whose time limit ends (or ended) by then; resolved
    ones whose judicial-confirmation window, not applied for, is still open on ``as_of``
    and closes by then; resolved ones whose performance due date is by then and no
    follow-up has found the agreement performed. Ordered by creation."""
    as_of = filters.as_of or today()
    due_before = filters.due_before or as_of + dt.timedelta(days=DUE_HORIZON_DAYS)
    conditions = {
        DeadlineKind.time_limit: and_(
            Dispute.status.in_(DisputeStatus.open()),
            Dispute.time_limit_due_on <= due_before,
        ),
        DeadlineKind.judicial_confirmation: and_(
            Dispute.status == DisputeStatus.resolved,
            Dispute.judicial_confirmation_status.is_(None),
            Dispute.judicial_confirmation_window_ends_on >= as_of,
            Dispute.judicial_confirmation_window_ends_on <= due_before,
        ),
        DeadlineKind.performance: and_(
            Dispute.status == DisputeStatus.resolved,
            Dispute.performance_due_on <= due_before,
            or_(
                Dispute.agreement_performed.is_(None),
                Dispute.agreement_performed.is_(False),
            ),
        ),
    }
    kinds = [filters.kind] if filters.kind else list(conditions)
    stmt = select(Dispute).where(or_(*(conditions[k] for k in kinds)))
    stmt = filtered(
        stmt,
        Dispute,
        filters.model_copy(update={"due_before": None, "as_of": None, "kind": None}),
    )
    stmt = in_org(stmt, Dispute, org)

    def due(deadline: DeadlineRead) -> bool:
        if deadline.kind not in kinds or deadline.done_on is not None:
            return False
        if deadline.due_on > due_before:
            return False
        # A closed confirmation window is past acting on: the parties can no longer apply.
        return not (
            deadline.kind is DeadlineKind.judicial_confirmation and deadline.overdue
        )

    def to_item(dispute: Dispute) -> DueDisputeRead:
        return DueDisputeRead(
            id=dispute.id,
            case_number=dispute.case_number,
            region_code=dispute.region_code,
            township_code=dispute.township_code,
            committee_id=dispute.committee_id,
            dispute_type=dispute.dispute_type,
            status=dispute.status,
            on_watch_list=dispute.escalation_risk_flagged_on is not None,
            deadlines=[d for d in deadlines(dispute, as_of=as_of) if due(d)],
        )

    return await paginate(session, stmt, page, model=Dispute, to_item=to_item)


async def list_events(
    session: AsyncSession, dispute: Dispute, *, page: PageParams
) -> Page[DisputeEventRead]:
    stmt = select(DisputeEvent).where(DisputeEvent.dispute_id == dispute.id)
    return await paginate(
        session, stmt, page, model=DisputeEvent, to_item=DisputeEventRead.model_validate
    )
