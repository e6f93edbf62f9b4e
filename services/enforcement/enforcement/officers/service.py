"""Enforcement officers (执法人员).

Organisation scope (docs/auth.md): an officer carries ``region_code`` and
``agency_id``, so ``in_org`` alone restricts reads; the agency is looked up within the
caller's organisation.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.case_file_reviews.models import CaseFileReview, CaseFileReviewOfficer
from enforcement.inspections.models import RandomInspection, RandomInspectionOfficer
from enforcement.officers.exceptions import (
    CertificateNumberTaken,
    OfficerNotFound,
    OfficerTransitionNotAllowed,
)
from enforcement.officers.models import Officer, OfficerEvent
from enforcement.officers.schemas import (
    ActingFilters,
    ActKind,
    ExpiringCertificateRead,
    ExpiringFilters,
    OfficerCommand,
    OfficerCreate,
    OfficerEventRead,
    OfficerFilters,
    OfficerRead,
    UncertifiedAct,
    UncertifiedOfficerRead,
)
from enforcement.schemas import not_before
from shared.auth import OrgScope, Principal
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, get_or_raise, in_org, year_bounds
from shared.types import today


async def create_officer(
    session: AsyncSession, *, payload: OfficerCreate, org: OrgScope
) -> Officer:
    """Raises InvalidInput (``agency_id``) for an agency unknown in the caller's ``org``,
    Forbidden (403) for a record outside it and CertificateNumberTaken (409) when
    another officer holds the certificate number."""
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    taken = await session.scalar(
        select(Officer.id).where(
            Officer.certificate_number == payload.certificate_number
        )
    )
    if taken is not None:
        raise CertificateNumberTaken("Another officer holds this certificate number")
    officer = Officer(**payload.model_dump(), region_code=agency.region_code)
    session.add(officer)
    await session.flush()
    return officer


async def get_officer(
    session: AsyncSession, officer_id: uuid.UUID, *, org: OrgScope
) -> Officer:
    """The officer within the caller's ``org``. Raises OfficerNotFound (404)."""
    return await get_or_raise(session, Officer, officer_id, OfficerNotFound, org=org)


async def list_officers(
    session: AsyncSession, *, filters: OfficerFilters, page: PageParams, org: OrgScope
) -> Page[OfficerRead]:
    """The officers within ``org`` (region and agency) matching ``filters``."""
    stmt = in_org(select(Officer), Officer, org)
    if filters.region_code:
        stmt = stmt.where(Officer.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(Officer.agency_id == filters.agency_id)
    if filters.trained is not None:
        trained = Officer.training_completed_on.is_not(None)
        stmt = stmt.where(trained if filters.trained else ~trained)
    if filters.year:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(Officer.hired_on.between(start, end))
    return await paginate(
        session, stmt, page, model=Officer, to_item=OfficerRead.model_validate
    )


async def apply_command(
    session: AsyncSession,
    officer: Officer,
    *,
    command: OfficerCommand,
    actor: Principal,
) -> Officer:
    """``record_training``: the officer's training was completed on ``occurred_on``.

    Raises OfficerTransitionNotAllowed (409) when a training is already recorded and
    InvalidInput (``occurred_on``) for a date before ``hired_on``.
    """
    if officer.training_completed_on is not None:
        raise OfficerTransitionNotAllowed(
            f"Training already recorded on {officer.training_completed_on}",
            current_status="trained",
        )
    not_before(
        command.occurred_on, officer.hired_on, field="occurred_on", what="hired_on"
    )
    officer.training_completed_on = command.occurred_on
    session.add(
        OfficerEvent(
            officer_id=officer.id,
            type=command.type,
            occurred_on=command.occurred_on,
            actor=actor.subject,
            data={},
        )
    )
    await session.flush()
    return officer


async def list_events(
    session: AsyncSession, officer: Officer, *, page: PageParams
) -> Page[OfficerEventRead]:
    stmt = select(OfficerEvent).where(OfficerEvent.officer_id == officer.id)
    return await paginate(
        session, stmt, page, model=OfficerEvent, to_item=OfficerEventRead.model_validate
    )


async def list_expiring(
    session: AsyncSession, *, filters: ExpiringFilters, page: PageParams, org: OrgScope
) -> Page[ExpiringCertificateRead]:
    """Officers within ``org`` whose enforcement certificate is still valid on ``as_of``
    (default today, Beijing time) and expires within ``within_days`` calendar days:
    ``as_of <= certificate_valid_until <= as_of + within_days``. Ordered by creation."""
    as_of = filters.as_of or today()
    last = as_of + dt.timedelta(days=filters.within_days)
    stmt = select(Officer).where(Officer.certificate_valid_until.between(as_of, last))
    if filters.region_code:
        stmt = stmt.where(Officer.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(Officer.agency_id == filters.agency_id)

    def to_item(officer: Officer) -> ExpiringCertificateRead:
        return ExpiringCertificateRead(
            **OfficerRead.model_validate(officer).model_dump(),
            days_left=(officer.certificate_valid_until - as_of).days,
        )

    return await paginate(
        session, in_org(stmt, Officer, org), page, model=Officer, to_item=to_item
    )


async def list_acting_without_certificate(
    session: AsyncSession, *, filters: ActingFilters, page: PageParams, org: OrgScope
) -> Page[UncertifiedOfficerRead]:
    """Officers within ``org`` who acted in ``year`` after their certificate's last valid
    day (行政执法证 required to act: 行政处罚法 Art. 42; mission-notes §3.1 lists the
    qualifications of personnel among what is supervised).

    "Acting" is what the records show an officer doing on a day: inspecting in a random
    inspection (on its ``inspected_on``) or handling a case whose file was reviewed (on
    the case's ``case_decided_on``). An act on a day after ``certificate_valid_until`` is
    without a valid certificate (the certificate is valid through its last day). Ordered by
    officer creation; each officer lists those acts by date."""
    start, end = year_bounds(filters.year)
    inspected = and_(
        RandomInspectionOfficer.officer_id == Officer.id,
        RandomInspectionOfficer.inspection_id == RandomInspection.id,
        RandomInspection.inspected_on.between(start, end),
        RandomInspection.inspected_on > Officer.certificate_valid_until,
    )
    handled = and_(
        CaseFileReviewOfficer.officer_id == Officer.id,
        CaseFileReviewOfficer.review_id == CaseFileReview.id,
        CaseFileReview.case_decided_on.between(start, end),
        CaseFileReview.case_decided_on > Officer.certificate_valid_until,
    )
    stmt = select(Officer).where(exists().where(inspected) | exists().where(handled))
    if filters.region_code:
        stmt = stmt.where(Officer.region_code == filters.region_code)
    if filters.agency_id:
        stmt = stmt.where(Officer.agency_id == filters.agency_id)
    officers = await paginate(
        session,
        in_org(stmt, Officer, org),
        page,
        model=Officer,
        to_item=lambda officer: officer,
    )
    ids = [o.id for o in officers.items]
    acts: dict[uuid.UUID, list[UncertifiedAct]] = {id_: [] for id_ in ids}
    for officer_id, record_id, acted_on in await session.execute(
        select(Officer.id, RandomInspection.id, RandomInspection.inspected_on).where(
            Officer.id.in_(ids), inspected
        )
    ):
        acts[officer_id].append(
            UncertifiedAct(
                kind=ActKind.random_inspection, record_id=record_id, acted_on=acted_on
            )
        )
    for officer_id, record_id, decided_on in await session.execute(
        select(Officer.id, CaseFileReview.id, CaseFileReview.case_decided_on).where(
            Officer.id.in_(ids), handled
        )
    ):
        assert decided_on is not None  # ``handled`` compares it
        acts[officer_id].append(
            UncertifiedAct(
                kind=ActKind.case_file, record_id=record_id, acted_on=decided_on
            )
        )
    return Page[UncertifiedOfficerRead](
        items=[
            UncertifiedOfficerRead(
                **OfficerRead.model_validate(officer).model_dump(),
                acts=sorted(
                    acts[officer.id], key=lambda a: (a.acted_on, a.kind, a.record_id)
                ),
            )
            for officer in officers.items
        ],
        next_page_token=officers.next_page_token,
    )
