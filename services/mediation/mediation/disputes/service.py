from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from mediation.committees.service import find_committee
from mediation.db import CaseNumberCounter
from mediation.disputes.exceptions import DisputeNotFound, DisputeTransitionNotAllowed
from mediation.disputes.models import (
    Dispute,
    DisputeEvent,
    DisputeEventType,
    DisputeParty,
    DisputeStatus,
)
from mediation.disputes.schemas import (
    DisputeCommand,
    DisputeCreate,
    DisputeEventRead,
    DisputeFilters,
    DisputeRead,
    Fail,
    PartyCreate,
    PartyRead,
    Resolve,
    StartMediation,
)
from mediation.schemas import township_in_region
from shared.auth import OrgScope, Principal
from shared.case_numbers import case_number, next_number
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.personal_data import PersonalDataCipher, mask_id_number, mask_phone
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org

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

#: Which status each command requires (domain.md §4).
ALLOWED_FROM: dict[DisputeEventType, frozenset[DisputeStatus]] = {
    DisputeEventType.start_mediation: frozenset({DisputeStatus.registered}),
    DisputeEventType.resolve: frozenset({DisputeStatus.mediating}),
    DisputeEventType.fail: frozenset({DisputeStatus.mediating}),
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
) -> Dispute:
    """Register a dispute for mediation in status ``registered``, numbered
    ``<county>人调〔<year registered>〕<n>号`` (shared.case_numbers; ``abbreviations``
    maps region codes to the county's abbreviation).

    ``time_limit_due_on`` is ``registered_on`` + ``time_limit_days`` calendar days
    (local practice, default 30). Raises InvalidInput (``committee_id``, also for a
    committee outside the caller's ``org``; ``township_code``) and Forbidden (403) for a
    dispute outside the caller's organisation (e.g. another township).
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
    data = payload.model_dump(exclude={"parties", "township_code"})
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


def dispute_read(
    dispute: Dispute, *, cipher: PersonalDataCipher, full: bool
) -> DisputeRead:
    read = DisputeRead.model_validate(dispute)
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
    """``party_id_number`` finds disputes through the parties' keyed hash."""
    stmt = select(Dispute).options(selectinload(Dispute.parties))
    columns = filters.model_copy(update={"party_id_number": None})
    stmt = filtered(stmt, Dispute, columns, year_column=Dispute.registered_on)
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


def _last_date(dispute: Dispute) -> dt.date:
    return dispute.mediation_started_on or dispute.registered_on


async def apply_command(
    session: AsyncSession,
    dispute: Dispute,
    *,
    command: DisputeCommand,
    actor: Principal,
) -> Dispute:
    """Move a dispute through its lifecycle.

    ``start_mediation``: registered → mediating; ``resolve``: mediating →
    resolved, with the agreement (a dispute is resolved only by an agreement,
    人民调解法 Art. 28); ``fail``: mediating → failed, with the reason.
    Raises DisputeTransitionNotAllowed (409) from any other status and
    InvalidInput (``occurred_on``) for a date before the previous step.
    """
    if dispute.status not in ALLOWED_FROM[command.type]:
        allowed = ", ".join(sorted(ALLOWED_FROM[command.type]))
        raise DisputeTransitionNotAllowed(
            f"{command.type} needs status {allowed}; the dispute is {dispute.status}",
            current_status=str(dispute.status),
        )
    if command.occurred_on < _last_date(dispute):
        raise InvalidInput(
            f"occurred_on is before the previous step ({_last_date(dispute)})",
            field="occurred_on",
            code="too_early",
        )
    data: dict[str, object] = {}
    match command:
        case StartMediation():
            dispute.status = DisputeStatus.mediating
            dispute.mediation_started_on = command.occurred_on
        case Resolve(agreement=agreement):
            if (
                agreement.performance_due_on
                and agreement.performance_due_on < command.occurred_on
            ):
                raise InvalidInput(
                    "performance_due_on is before the agreement date",
                    field="agreement.performance_due_on",
                    code="too_early",
                )
            dispute.status = DisputeStatus.resolved
            dispute.concluded_on = command.occurred_on
            dispute.agreement_form = agreement.form
            dispute.agreement_terms = agreement.terms
            dispute.performance_due_on = agreement.performance_due_on
            data = {"agreement_form": str(agreement.form)}
        case Fail(reason=reason):
            dispute.status = DisputeStatus.failed
            dispute.concluded_on = command.occurred_on
            dispute.failure_reason = reason
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


async def list_events(
    session: AsyncSession, dispute: Dispute, *, page: PageParams
) -> Page[DisputeEventRead]:
    stmt = select(DisputeEvent).where(DisputeEvent.dispute_id == dispute.id)
    return await paginate(
        session, stmt, page, model=DisputeEvent, to_item=DisputeEventRead.model_validate
    )
