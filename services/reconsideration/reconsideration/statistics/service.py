from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.agency_points.models import AgencyPoint
from reconsideration.applications.models import (
    ApplicationStatus,
    DecisionType,
    ReconsiderationApplication,
    TerminationGround,
)
from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.litigation.models import Hearing, LitigationCase, LitigationOutcome
from reconsideration.opinion_letters.models import OpinionLetter
from reconsideration.statistics.schemas import DEFINITIONS, Statistics
from shared.statistics import Figure, Period, count, rate

SERVICE = "reconsideration"


def _counts(*conditions: Any) -> list[Any]:
    """``COUNT(CASE WHEN condition THEN 1 END)`` for each condition."""
    return [func.count(case((c, 1))) for c in conditions]


async def compute_statistics(
    session: AsyncSession, *, region_code: str, year: int
) -> Statistics:
    """The reconsideration and litigation figures of domain.md §6 for one county and one calendar year.

    Every figure is an SQL aggregate over the records; nothing is stored or typed in.
    """
    period = Period.year(year)
    start, end = period.start, period.end
    d = DEFINITIONS
    figures: dict[str, Figure] = {}

    a = ReconsiderationApplication
    concluded = and_(
        a.concluded_on.between(start, end), a.status.in_(ApplicationStatus.concluded())
    )
    decided = and_(
        a.concluded_on.between(start, end), a.status == ApplicationStatus.decided
    )
    (
        received,
        not_accepted,
        accepted,
        concluded_count,
        decided_count,
        corrected,
        mediated_or_settled,
        pending,
    ) = (
        await session.execute(
            select(
                *_counts(
                    a.received_on.between(start, end),
                    a.not_accepted_on.between(start, end),
                    a.accepted_on.between(start, end),
                    concluded,
                    decided,
                    and_(decided, a.decision_type.in_(DecisionType.correction())),
                    and_(
                        concluded,
                        or_(
                            a.status == ApplicationStatus.mediated,
                            and_(
                                a.status == ApplicationStatus.terminated,
                                a.termination_ground == TerminationGround.settlement,
                            ),
                        ),
                    ),
                    and_(
                        a.accepted_on <= end,
                        or_(a.concluded_on.is_(None), a.concluded_on > end),
                    ),
                )
            ).where(a.region_code == region_code)
        )
    ).one()
    figures |= {
        "reconsideration.applications_received": count(
            received, definition=d["reconsideration.applications_received"]
        ),
        "reconsideration.not_accepted": count(
            not_accepted, definition=d["reconsideration.not_accepted"]
        ),
        "reconsideration.accepted": count(
            accepted, definition=d["reconsideration.accepted"]
        ),
        "reconsideration.concluded": count(
            concluded_count, definition=d["reconsideration.concluded"]
        ),
        "reconsideration.pending": count(
            pending, definition=d["reconsideration.pending"]
        ),
        "reconsideration.corrected": count(
            corrected, definition=d["reconsideration.corrected"]
        ),
        "reconsideration.correction_rate": rate(
            corrected,
            decided_count,
            precision=1,
            definition=d["reconsideration.correction_rate"],
        ),
        "reconsideration.correction_rate.over_concluded": rate(
            corrected,
            concluded_count,
            precision=1,
            definition=d["reconsideration.correction_rate.over_concluded"],
        ),
        "reconsideration.mediated_or_settled": count(
            mediated_or_settled, definition=d["reconsideration.mediated_or_settled"]
        ),
        "reconsideration.mediated_or_settled_rate": rate(
            mediated_or_settled,
            concluded_count,
            precision=1,
            definition=d["reconsideration.mediated_or_settled_rate"],
        ),
    }

    points = await session.scalar(
        select(func.count()).where(
            AgencyPoint.region_code == region_code,
            AgencyPoint.established_on <= end,
            or_(AgencyPoint.closed_on.is_(None), AgencyPoint.closed_on > end),
        )
    )
    discussions = await session.scalar(
        select(func.count()).where(
            CollectiveDiscussion.region_code == region_code,
            CollectiveDiscussion.held_on.between(start, end),
        )
    )
    letters, letters_on_time = (
        await session.execute(
            select(
                func.count(), *_counts(OpinionLetter.replied_on <= OpinionLetter.due_on)
            ).where(
                OpinionLetter.region_code == region_code,
                OpinionLetter.issued_on.between(start, end),
            )
        )
    ).one()
    figures |= {
        "reconsideration.agency_points": count(
            points, definition=d["reconsideration.agency_points"]
        ),
        "reconsideration.collective_discussions": count(
            discussions, definition=d["reconsideration.collective_discussions"]
        ),
        "reconsideration.opinion_letters_issued": count(
            letters, definition=d["reconsideration.opinion_letters_issued"]
        ),
        "reconsideration.opinion_letters_replied_on_time": count(
            letters_on_time,
            definition=d["reconsideration.opinion_letters_replied_on_time"],
        ),
    }
    figures |= await _litigation(session, region_code=region_code, period=period)
    return Statistics(
        service=SERVICE,
        region_code=region_code,
        year=year,
        period=period,
        figures=figures,
        breakdowns=await _breakdowns(session, region_code=region_code, period=period),
    )


async def _litigation(
    session: AsyncSession, *, region_code: str, period: Period
) -> dict[str, Figure]:
    start, end = period.start, period.end
    d = DEFINITIONS
    lc = LitigationCase
    handled = and_(
        lc.region_code == region_code,
        lc.filed_on <= end,
        or_(lc.concluded_on.is_(None), lc.concluded_on >= start),
    )
    cases, government_party, concluded, pending = (
        await session.execute(
            select(
                func.count(),
                *_counts(
                    lc.county_government_party.is_(True),
                    lc.concluded_on <= end,
                    or_(lc.concluded_on.is_(None), lc.concluded_on > end),
                ),
            ).where(handled)
        )
    ).one()
    concluded_in_period, lost = (
        await session.execute(
            select(func.count(), *_counts(lc.outcome == LitigationOutcome.lost)).where(
                lc.region_code == region_code, lc.concluded_on.between(start, end)
            )
        )
    ).one()
    h = Hearing
    heard_cases, head_cases, hearings, head_hearings = (
        await session.execute(
            select(
                func.count(distinct(h.case_id)),
                func.count(distinct(case((h.head_appeared.is_(True), h.case_id)))),
                func.count(),
                *_counts(h.head_appeared.is_(True)),
            )
            .join(lc, lc.id == h.case_id)
            .where(lc.region_code == region_code, h.held_on.between(start, end))
        )
    ).one()
    return {
        "litigation.cases": count(cases, definition=d["litigation.cases"]),
        "litigation.cases.county_government_party": count(
            government_party, definition=d["litigation.cases.county_government_party"]
        ),
        "litigation.concluded": count(concluded, definition=d["litigation.concluded"]),
        "litigation.pending": count(pending, definition=d["litigation.pending"]),
        "litigation.lost": count(lost, definition=d["litigation.lost"]),
        "litigation.loss_rate": rate(
            lost, concluded_in_period, precision=1, definition=d["litigation.loss_rate"]
        ),
        "litigation.head_appearance_rate": rate(
            head_cases,
            heard_cases,
            precision=0,
            definition=d["litigation.head_appearance_rate"],
        ),
        "litigation.head_appearance_rate.per_hearing": rate(
            head_hearings,
            hearings,
            precision=0,
            definition=d["litigation.head_appearance_rate.per_hearing"],
        ),
    }


async def _breakdowns(
    session: AsyncSession, *, region_code: str, period: Period
) -> dict[str, dict[str, int]]:
    a = ReconsiderationApplication
    received = (
        a.region_code == region_code,
        a.received_on.between(period.start, period.end),
    )
    out: dict[str, dict[str, int]] = {}
    for name, column in (
        ("applications_received.by_matter_type", a.matter_type),
        ("applications_received.by_respondent", a.respondent),
        ("applications_received.by_receipt_channel", a.receipt_channel),
        ("applications_received.by_township", a.township_code),
    ):
        rows = await session.execute(
            select(column, func.count())
            .where(*received)
            .group_by(column)
            .order_by(column)
        )
        out[name] = {str(k): int(v) for k, v in rows.all() if k is not None}
    month = func.extract("month", a.received_on)
    by_month = await session.execute(
        select(month, func.count()).where(*received).group_by(month).order_by(month)
    )
    out["applications_received.by_month"] = {
        f"{int(m):02d}": int(v) for m, v in by_month.all()
    }
    by_decision = await session.execute(
        select(a.decision_type, func.count())
        .where(
            a.region_code == region_code,
            a.status == ApplicationStatus.decided,
            a.concluded_on.between(period.start, period.end),
        )
        .group_by(a.decision_type)
        .order_by(a.decision_type)
    )
    out["decisions.by_decision_type"] = {
        str(k): int(v) for k, v in by_decision.all() if k is not None
    }
    return out
