from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from enforcement.agencies.models import EnforcementAgency
from enforcement.campaigns.models import ProblemClue
from enforcement.case_file_reviews.models import CaseFileReview
from enforcement.inspections.models import (
    InspectionItem,
    RandomInspection,
    RandomInspectionAgency,
    RandomInspectionItem,
)
from enforcement.instruments.models import (
    InstrumentKind,
    InstrumentStatus,
    SupervisionInstrument,
)
from enforcement.judgment_performances.models import JudgmentPerformance
from enforcement.lenient_items.models import LenientEnforcementListItem, LenientMeasure
from enforcement.officers.models import Officer
from enforcement.social_supervisors.models import SocialSupervisor
from enforcement.statistics.schemas import DEFINITIONS, Statistics
from enforcement.teams.models import ComprehensiveEnforcementTeam
from shared.statistics import Figure, Period, count, rate

SERVICE = "enforcement"
#: The seed report shows the shares of random inspections as whole percentages (74%, 100%).
SHARE_PRECISION = 0


def _between(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= period.end)


async def compute_statistics(
    session: AsyncSession, *, region_code: str, year: int
) -> Statistics:
    """The enforcement figures of domain.md §6 for one county and one calendar year.

    Every figure is one SQL aggregate over the records; nothing is stored or typed in.
    """
    period = Period.year(year)
    end = period.end

    recommendation = SupervisionInstrument.kind == InstrumentKind.recommendation
    rectified = and_(
        SupervisionInstrument.status == InstrumentStatus.rectified,
        SupervisionInstrument.rectified_on <= end,
    )
    issued, recommendations_rectified = (
        await session.execute(
            select(
                func.count(case((recommendation, 1))),
                func.count(case((and_(recommendation, rectified), 1))),
            ).where(
                SupervisionInstrument.region_code == region_code,
                _between(SupervisionInstrument.issued_on, period),
            )
        )
    ).one()

    reviewed = await session.scalar(
        select(func.count()).where(
            CaseFileReview.region_code == region_code,
            _between(CaseFileReview.reviewed_on, period),
        )
    )
    supervisors = await session.scalar(
        select(func.count()).where(
            SocialSupervisor.region_code == region_code,
            SocialSupervisor.enterprise_related.is_(True),
            _between(SocialSupervisor.appointed_on, period),
        )
    )
    inspections, joint = (
        await session.execute(
            select(
                func.count(),
                func.count(case((RandomInspection.department_count > 1, 1))),
            ).where(
                RandomInspection.region_code == region_code,
                _between(RandomInspection.inspected_on, period),
            )
        )
    ).one()

    inspected_in_period = _inspected(region_code, period)
    items_listed, items_covered = (
        await session.execute(
            select(func.count(), func.count(case((inspected_in_period, 1)))).where(
                InspectionItem.region_code == region_code,
                InspectionItem.listed_on <= end,
                or_(
                    InspectionItem.delisted_on.is_(None),
                    InspectionItem.delisted_on > period.start,
                ),
            )
        )
    ).one()

    measure = LenientEnforcementListItem.measure
    exempt, no_penalty, lighter_or_reduced = (
        await session.execute(
            select(
                func.count(case((measure == LenientMeasure.exempt, 1))),
                func.count(case((measure == LenientMeasure.no_penalty, 1))),
                func.count(case((measure.in_(LenientMeasure.lighter_or_reduced()), 1))),
            ).where(
                LenientEnforcementListItem.region_code == region_code,
                _between(LenientEnforcementListItem.effective_on, period),
            )
        )
    ).one()

    trained = await session.scalar(
        select(func.count()).where(
            Officer.region_code == region_code,
            _between(Officer.hired_on, period),
            Officer.training_completed_on <= end,
        )
    )
    clues, clues_rectified = (
        await session.execute(
            select(
                func.count(), func.count(case((ProblemClue.rectified_on <= end, 1)))
            ).where(
                ProblemClue.region_code == region_code,
                _between(ProblemClue.found_on, period),
            )
        )
    ).one()
    judgments = await session.scalar(
        select(func.count()).where(
            JudgmentPerformance.region_code == region_code,
            _between(JudgmentPerformance.rectified_on, period),
        )
    )
    teams = await session.scalar(
        select(func.count()).where(
            ComprehensiveEnforcementTeam.region_code == region_code,
            ComprehensiveEnforcementTeam.established_on <= end,
            or_(
                ComprehensiveEnforcementTeam.dissolved_on.is_(None),
                ComprehensiveEnforcementTeam.dissolved_on > end,
            ),
        )
    )

    d = DEFINITIONS

    def counted(key: str, value: int | None) -> Figure:
        return count(value, definition=d[key])

    figures: dict[str, Figure] = {
        "enforcement.supervision_recommendations_issued": counted(
            "enforcement.supervision_recommendations_issued", issued
        ),
        "enforcement.supervision_recommendations_rectified": counted(
            "enforcement.supervision_recommendations_rectified",
            recommendations_rectified,
        ),
        "enforcement.case_files_reviewed": counted(
            "enforcement.case_files_reviewed", reviewed
        ),
        "enforcement.social_supervisors": counted(
            "enforcement.social_supervisors", supervisors
        ),
        "enforcement.random_inspections": counted(
            "enforcement.random_inspections", inspections
        ),
        "enforcement.joint_inspections": counted(
            "enforcement.joint_inspections", joint
        ),
        "enforcement.joint_share": rate(
            joint,
            inspections,
            precision=SHARE_PRECISION,
            definition=d["enforcement.joint_share"],
        ),
        "enforcement.inspection_item_coverage": rate(
            items_covered,
            items_listed,
            precision=SHARE_PRECISION,
            definition=d["enforcement.inspection_item_coverage"],
        ),
        "enforcement.lenient_items_exempt": counted(
            "enforcement.lenient_items_exempt", exempt
        ),
        "enforcement.lenient_items_no_penalty": counted(
            "enforcement.lenient_items_no_penalty", no_penalty
        ),
        "enforcement.lenient_items_lighter_or_reduced": counted(
            "enforcement.lenient_items_lighter_or_reduced", lighter_or_reduced
        ),
        "enforcement.new_officers_trained": counted(
            "enforcement.new_officers_trained", trained
        ),
        "enforcement.special_campaign_clues": counted(
            "enforcement.special_campaign_clues", clues
        ),
        "enforcement.special_campaign_clues_rectified": counted(
            "enforcement.special_campaign_clues_rectified", clues_rectified
        ),
        "enforcement.unperformed_judgments_rectified": counted(
            "enforcement.unperformed_judgments_rectified", judgments
        ),
        "enforcement.comprehensive_enforcement_teams": counted(
            "enforcement.comprehensive_enforcement_teams", teams
        ),
    }
    return Statistics(
        service=SERVICE,
        region_code=region_code,
        year=year,
        period=period,
        figures=figures,
        breakdowns=await _breakdowns(session, region_code=region_code, period=period),
    )


async def _grouped(
    session: AsyncSession, key: Any, *where: Any, by_agency: Any = None
) -> dict[str, int]:
    """Counts by ``key``; ``by_agency`` is the agency-id column to join agencies on (key: agency name)."""
    stmt = select(key, func.count()).where(*where).group_by(key).order_by(key)
    if by_agency is not None:
        stmt = stmt.select_from(by_agency.class_).join(
            EnforcementAgency, EnforcementAgency.id == by_agency
        )
    rows = await session.execute(stmt)
    return {str(k): int(v) for k, v in rows.all() if k is not None}


def _inspected(region_code: str, period: Period) -> ColumnElement[bool]:
    """Whether the inspection item (of the county) was covered by an inspection in the period.

    An inspection covers only items of its own departments, all in its lead agency's county
    (inspections.service.record_inspection), so the county's inspections are all there are
    to look at: the condition on the county lets the (region_code, inspected_on) index
    serve the lookup instead of every county's inspections of the period.
    """
    return exists().where(
        RandomInspectionItem.item_id == InspectionItem.id,
        RandomInspectionItem.inspection_id == RandomInspection.id,
        RandomInspection.region_code == region_code,
        _between(RandomInspection.inspected_on, period),
    )


async def _taking_part(session: AsyncSession, *where: Any) -> dict[str, int]:
    """Random inspections (those matching ``where``) per agency taking part, as lead or
    participant, by agency name.

    Each (inspection, agency) pair counts once: the leads and the participants of the
    inspections found through their county's index, then each agency by its key (joining
    every agency to every inspection would read the agencies of the whole country).
    """
    leads = select(
        RandomInspection.id.label("inspection_id"),
        RandomInspection.lead_agency_id.label("agency_id"),
    ).where(*where)
    participants = (
        select(RandomInspectionAgency.inspection_id, RandomInspectionAgency.agency_id)
        .join(
            RandomInspection,
            RandomInspection.id == RandomInspectionAgency.inspection_id,
        )
        .where(*where)
    )
    pairs = union(leads, participants).subquery("taking_part")
    stmt = (
        select(EnforcementAgency.name, func.count())
        .select_from(pairs)
        .join(EnforcementAgency, EnforcementAgency.id == pairs.c.agency_id)
        .group_by(EnforcementAgency.name)
        .order_by(EnforcementAgency.name)
    )
    rows = await session.execute(stmt)
    return {str(k): int(v) for k, v in rows.all()}


async def _by_month(session: AsyncSession, column: Any, *where: Any) -> dict[str, int]:
    month = func.extract("month", column)
    rows = await session.execute(
        select(month, func.count()).where(*where).group_by(month).order_by(month)
    )
    return {f"{int(m):02d}": int(v) for m, v in rows.all()}


async def _breakdowns(
    session: AsyncSession, *, region_code: str, period: Period
) -> dict[str, dict[str, int]]:
    instruments = (
        SupervisionInstrument.region_code == region_code,
        _between(SupervisionInstrument.issued_on, period),
    )
    inspections = (
        RandomInspection.region_code == region_code,
        _between(RandomInspection.inspected_on, period),
    )
    lenient = (
        LenientEnforcementListItem.region_code == region_code,
        _between(LenientEnforcementListItem.effective_on, period),
    )
    reviews = (
        CaseFileReview.region_code == region_code,
        _between(CaseFileReview.reviewed_on, period),
    )
    agency = EnforcementAgency.name
    recommendations = (
        *instruments,
        SupervisionInstrument.kind == InstrumentKind.recommendation,
    )
    rectified = (
        SupervisionInstrument.status == InstrumentStatus.rectified,
        SupervisionInstrument.rectified_on <= period.end,
    )
    items_listed = (
        InspectionItem.region_code == region_code,
        InspectionItem.listed_on <= period.end,
        or_(
            InspectionItem.delisted_on.is_(None),
            InspectionItem.delisted_on > period.start,
        ),
    )
    covered = _inspected(region_code, period)
    return {
        "instruments_issued.by_agency": await _grouped(
            session, agency, *instruments, by_agency=SupervisionInstrument.agency_id
        ),
        "instruments_rectified.by_agency": await _grouped(
            session,
            agency,
            *instruments,
            *rectified,
            by_agency=SupervisionInstrument.agency_id,
        ),
        "supervision_recommendations_issued.by_agency": await _grouped(
            session, agency, *recommendations, by_agency=SupervisionInstrument.agency_id
        ),
        "supervision_recommendations_rectified.by_agency": await _grouped(
            session,
            agency,
            *recommendations,
            *rectified,
            by_agency=SupervisionInstrument.agency_id,
        ),
        "instruments_issued.by_kind": await _grouped(
            session, SupervisionInstrument.kind, *instruments
        ),
        "instruments_issued.by_month": await _by_month(
            session, SupervisionInstrument.issued_on, *instruments
        ),
        "random_inspections.by_lead_agency": await _grouped(
            session, agency, *inspections, by_agency=RandomInspection.lead_agency_id
        ),
        "joint_inspections.by_lead_agency": await _grouped(
            session,
            agency,
            *inspections,
            RandomInspection.department_count > 1,
            by_agency=RandomInspection.lead_agency_id,
        ),
        "random_inspections.by_taking_part_agency": await _taking_part(
            session, *inspections
        ),
        "joint_inspections.by_taking_part_agency": await _taking_part(
            session, *inspections, RandomInspection.department_count > 1
        ),
        "inspection_items_listed.by_agency": await _grouped(
            session, agency, *items_listed, by_agency=InspectionItem.agency_id
        ),
        "inspection_items_covered.by_agency": await _grouped(
            session, agency, *items_listed, covered, by_agency=InspectionItem.agency_id
        ),
        "random_inspections.by_month": await _by_month(
            session, RandomInspection.inspected_on, *inspections
        ),
        "lenient_items.by_agency": await _grouped(
            session,
            agency,
            *lenient,
            by_agency=LenientEnforcementListItem.agency_id,
        ),
        "lenient_items.by_measure": await _grouped(
            session, LenientEnforcementListItem.measure, *lenient
        ),
        "lenient_items.by_month": await _by_month(
            session, LenientEnforcementListItem.effective_on, *lenient
        ),
        "case_files_reviewed.by_grade": await _grouped(
            session, CaseFileReview.grade, *reviews
        ),
        "case_files_reviewed.by_agency": await _grouped(
            session, agency, *reviews, by_agency=CaseFileReview.agency_id
        ),
    }
