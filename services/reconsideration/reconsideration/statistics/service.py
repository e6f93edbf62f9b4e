from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.agency_points.models import AgencyPoint
from reconsideration.applications.models import (
    ApplicationStatus,
    DecisionType,
    MatterType,
    ReconsiderationApplication,
    TerminationGround,
)
from reconsideration.collective_discussions.models import CollectiveDiscussion
from reconsideration.litigation.models import Hearing, LitigationCase, LitigationOutcome
from reconsideration.opinion_letters.models import OpinionLetter
from reconsideration.opinion_letters.schemas import replied_on_time
from reconsideration.statistics.schemas import (
    DEFINITIONS,
    ApplicationFlows,
    ApplicationGroup,
    BreakdownFigures,
    BreakdownRate,
    ConclusionGroup,
    LitigationBreakdowns,
    LitigationGroup,
    OutcomeGroup,
    ReconsiderationBreakdowns,
    Statistics,
)
from shared.statistics import Figure, Period, count, rate

SERVICE = "reconsideration"


def _counts(*conditions: Any) -> list[Any]:
    """``COUNT(CASE WHEN condition THEN 1 END)`` for each condition."""
    return [func.count(case((c, 1))) for c in conditions]


def _application_measures(period: Period) -> dict[str, ColumnElement[bool]]:
    """The condition of each counted application measure of §6, by its name (the figure key
    without ``reconsideration.``; ``decided`` is the correction rate's denominator).

    The figures and every breakdown count with these same conditions, so a breakdown's groups
    add up to the figure.
    """
    start, end = period.start, period.end
    a = ReconsiderationApplication
    concluded = and_(
        a.concluded_on.between(start, end), a.status.in_(ApplicationStatus.concluded())
    )
    decided = and_(
        a.concluded_on.between(start, end), a.status == ApplicationStatus.decided
    )
    return {
        "applications_received": a.received_on.between(start, end),
        "not_accepted": a.not_accepted_on.between(start, end),
        "accepted": a.accepted_on.between(start, end),
        "concluded": concluded,
        "decided": decided,
        "corrected": and_(decided, a.decision_type.in_(DecisionType.correction())),
        "mediated_or_settled": and_(
            concluded,
            or_(
                a.status == ApplicationStatus.mediated,
                and_(
                    a.status == ApplicationStatus.terminated,
                    a.termination_ground == TerminationGround.settlement,
                ),
            ),
        ),
        "pending": and_(
            a.accepted_on <= end,
            or_(a.concluded_on.is_(None), a.concluded_on > end),
        ),
    }


#: The application measures that happen on a day (all but ``pending``, a count at the end).
_FLOWS = (
    "applications_received",
    "not_accepted",
    "accepted",
    "concluded",
    "decided",
    "corrected",
    "mediated_or_settled",
)


def _rate(numerator: int, denominator: int, key: str, precision: int) -> Figure:
    return rate(
        numerator, denominator, precision=precision, definition=DEFINITIONS[key]
    )


async def compute_statistics(
    session: AsyncSession, *, region_code: str, year: int
) -> Statistics:
    """The reconsideration and litigation figures of domain.md §6 for one county and one calendar year.

    Every figure is an SQL aggregate over the records; nothing is stored or typed in.
    """
    period = Period.year(year)
    end = period.end
    d = DEFINITIONS
    figures: dict[str, Figure] = {}

    a = ReconsiderationApplication
    measures = _application_measures(period)
    row = (
        await session.execute(
            select(*_counts(*measures.values())).where(a.region_code == region_code)
        )
    ).one()
    n = dict(zip(measures, row, strict=True))
    figures |= {
        f"reconsideration.{key}": count(n[key], definition=d[f"reconsideration.{key}"])
        for key in (
            "applications_received",
            "not_accepted",
            "accepted",
            "concluded",
            "pending",
            "corrected",
        )
    }
    figures |= {
        "reconsideration.correction_rate": _rate(
            n["corrected"], n["decided"], "reconsideration.correction_rate", 1
        ),
        "reconsideration.correction_rate.over_concluded": _rate(
            n["corrected"],
            n["concluded"],
            "reconsideration.correction_rate.over_concluded",
            1,
        ),
        "reconsideration.mediated_or_settled": count(
            n["mediated_or_settled"],
            definition=d["reconsideration.mediated_or_settled"],
        ),
        "reconsideration.mediated_or_settled_rate": _rate(
            n["mediated_or_settled"],
            n["concluded"],
            "reconsideration.mediated_or_settled_rate",
            1,
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
            CollectiveDiscussion.held_on.between(period.start, end),
        )
    )
    # A county issues a handful of letters a year: whether each reply was on time is the
    # opinion letters' own rule (replied_on_time, which also knows a reply within 60 days
    # is on time while the due day waits for an unloaded year).
    letter_rows = (
        await session.execute(
            select(
                OpinionLetter.received_on,
                OpinionLetter.due_on,
                OpinionLetter.replied_on,
            ).where(
                OpinionLetter.region_code == region_code,
                OpinionLetter.issued_on.between(period.start, end),
            )
        )
    ).all()
    letters = len(letter_rows)
    letters_on_time = sum(
        1
        for received_on, due_on, replied_on in letter_rows
        if replied_on_time(
            received_on=received_on, due_on=due_on, replied_on=replied_on
        )
    )
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
        breakdown_figures=BreakdownFigures(
            reconsideration=await _application_breakdowns(
                session, region_code=region_code, period=period
            ),
            litigation=await _litigation_breakdowns(
                session, region_code=region_code, period=period
            ),
        ),
    )


def _litigation_measures(
    region_code: str, period: Period
) -> tuple[ColumnElement[bool], dict[str, ColumnElement[bool]]]:
    """Which cases are handled in the period, and the condition of each count among them."""
    start, end = period.start, period.end
    lc = LitigationCase
    handled = and_(
        lc.region_code == region_code,
        lc.filed_on <= end,
        or_(lc.concluded_on.is_(None), lc.concluded_on >= start),
    )
    return handled, {
        "cases.county_government_party": lc.county_government_party.is_(True),
        "concluded": lc.concluded_on <= end,
        "pending": or_(lc.concluded_on.is_(None), lc.concluded_on > end),
    }


async def _litigation(
    session: AsyncSession, *, region_code: str, period: Period
) -> dict[str, Figure]:
    start, end = period.start, period.end
    d = DEFINITIONS
    lc = LitigationCase
    handled, conditions = _litigation_measures(region_code, period)
    cases, government_party, concluded, pending = (
        await session.execute(
            select(func.count(), *_counts(*conditions.values())).where(handled)
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
            select(*_hearing_counts())
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
        "litigation.loss_rate": _rate(
            lost, concluded_in_period, "litigation.loss_rate", 1
        ),
        "litigation.head_appearance_rate": _rate(
            head_cases, heard_cases, "litigation.head_appearance_rate", 0
        ),
        "litigation.head_appearance_rate.per_hearing": _rate(
            head_hearings,
            hearings,
            "litigation.head_appearance_rate.per_hearing",
            0,
        ),
    }


def _hearing_counts() -> list[Any]:
    """Cases heard, cases with a head at one of their hearings, hearings, hearings with a head."""
    h = Hearing
    return [
        func.count(distinct(h.case_id)),
        func.count(distinct(case((h.head_appeared.is_(True), h.case_id)))),
        func.count(),
        *_counts(h.head_appeared.is_(True)),
    ]


def _group_rate(
    numerator: int, denominator: int, key: str, precision: int
) -> BreakdownRate:
    figure = rate(
        numerator, denominator, precision=precision, definition=DEFINITIONS[key]
    )
    return BreakdownRate.of(figure)


def _flows(n: Mapping[str, int]) -> dict[str, Any]:
    """The measures of an application group from its counts."""
    return {
        **{key: n[key] for key in _FLOWS},
        "correction_rate": _group_rate(
            n["corrected"], n["decided"], "reconsideration.correction_rate", 1
        ),
        "correction_rate.over_concluded": _group_rate(
            n["corrected"],
            n["concluded"],
            "reconsideration.correction_rate.over_concluded",
            1,
        ),
        "mediated_or_settled_rate": _group_rate(
            n["mediated_or_settled"],
            n["concluded"],
            "reconsideration.mediated_or_settled_rate",
            1,
        ),
    }


def _decision_bucket(key: str) -> str:
    """The statistic bucket of domain.md §3.4 of a way an application ended."""
    if key in DecisionType.correction():
        return "correction"
    if key == DecisionType.uphold:
        return "upheld"
    if key in {str(t) for t in DecisionType}:
        return "dismissed"
    if key == "mediation_statement":
        return "mediated_or_settled"
    return "terminated"


async def _application_breakdowns(
    session: AsyncSession, *, region_code: str, period: Period
) -> ReconsiderationBreakdowns:
    """The application measures by respondent, matter type, how the case ended, and month."""
    a = ReconsiderationApplication
    measures = _application_measures(period)
    names: Sequence[str] = list(measures)
    in_region = a.region_code == region_code

    async def by(column: Any) -> dict[str, dict[str, int]]:
        rows = await session.execute(
            select(column, *_counts(*measures.values()))
            .where(in_region, or_(*measures.values()))
            .group_by(column)
        )
        return {
            str(k): dict(zip(names, v, strict=True)) for k, *v in sorted(rows.all())
        }

    def group(n: Mapping[str, int]) -> ApplicationGroup:
        return ApplicationGroup.model_validate({**_flows(n), "pending": n["pending"]})

    zeros = dict.fromkeys(names, 0)
    by_respondent = await by(a.respondent)
    by_matter_type = await by(a.matter_type)

    # How each concluded application ended: its decision type, a mediation statement, or a
    # termination on its ground.
    ended = ("concluded", "decided", "corrected", "mediated_or_settled")
    rows = await session.execute(
        select(
            a.status,
            a.decision_type,
            a.termination_ground,
            *_counts(*(measures[m] for m in ended)),
        )
        .where(in_region, measures["concluded"])
        .group_by(a.status, a.decision_type, a.termination_ground)
    )
    conclusions: dict[str, dict[str, int]] = {
        **{str(t): dict.fromkeys(ended, 0) for t in DecisionType},
        "mediation_statement": dict.fromkeys(ended, 0),
        **{f"termination.{g}": dict.fromkeys(ended, 0) for g in TerminationGround},
    }
    for status, decision_type, ground, *counts in rows.all():
        if status == ApplicationStatus.decided:
            key = str(decision_type)
        elif status == ApplicationStatus.mediated:
            key = "mediation_statement"
        else:
            key = f"termination.{ground}"
        ways = conclusions.setdefault(key, dict.fromkeys(ended, 0))
        for m, value in zip(ended, counts, strict=True):
            ways[m] += int(value)

    # Each measure in the month of its own day, as the figure takes it in the period.
    months = {f"{m:02d}": dict(zeros) for m in range(1, 13)}
    for column, of_day in (
        (a.received_on, ("applications_received",)),
        (a.not_accepted_on, ("not_accepted",)),
        (a.accepted_on, ("accepted",)),
        (a.concluded_on, ("concluded", "decided", "corrected", "mediated_or_settled")),
    ):
        month = func.extract("month", column)
        rows = await session.execute(
            select(month, *_counts(*(measures[m] for m in of_day)))
            .where(in_region, column.between(period.start, period.end))
            .group_by(month)
        )
        for m, *counts in rows.all():
            months[f"{int(m):02d}"].update(zip(of_day, counts, strict=True))

    return ReconsiderationBreakdowns(
        by_respondent={k: group(n) for k, n in by_respondent.items()},
        by_matter_type={
            str(t): group(by_matter_type.get(str(t), zeros)) for t in MatterType
        },
        by_decision_type={
            k: ConclusionGroup.model_validate({"bucket": _decision_bucket(k), **n})
            for k, n in conclusions.items()
        },
        by_month={
            k: ApplicationFlows.model_validate(_flows(n)) for k, n in months.items()
        },
    )


async def _litigation_breakdowns(
    session: AsyncSession, *, region_code: str, period: Period
) -> LitigationBreakdowns:
    """The litigation figures by defendant agency, and the cases concluded by outcome."""
    start, end = period.start, period.end
    lc = LitigationCase
    handled, conditions = _litigation_measures(region_code, period)
    agency = lc.defendant_agency
    zeros = dict.fromkeys(
        (
            "cases",
            "cases.county_government_party",
            "concluded",
            "pending",
            "concluded_in_period",
            "lost",
            "heard_cases",
            "head_cases",
            "hearings",
            "head_hearings",
        ),
        0,
    )
    groups: dict[str, dict[str, int]] = {}

    async def add(names: Sequence[str], statement: Any) -> None:
        for k, *values in (await session.execute(statement)).all():
            groups.setdefault(str(k), dict(zeros)).update(
                zip(names, (int(v) for v in values), strict=True)
            )

    await add(
        ["cases", *conditions],
        select(agency, func.count(), *_counts(*conditions.values()))
        .where(handled)
        .group_by(agency),
    )
    in_period = and_(lc.region_code == region_code, lc.concluded_on.between(start, end))
    await add(
        ["concluded_in_period", "lost"],
        select(agency, func.count(), *_counts(lc.outcome == LitigationOutcome.lost))
        .where(in_period)
        .group_by(agency),
    )
    await add(
        ["heard_cases", "head_cases", "hearings", "head_hearings"],
        select(agency, *_hearing_counts())
        .join(lc, lc.id == Hearing.case_id)
        .where(lc.region_code == region_code, Hearing.held_on.between(start, end))
        .group_by(agency),
    )
    outcomes = {
        str(o): {"concluded": 0, "cases.county_government_party": 0}
        for o in LitigationOutcome
    }
    rows = await session.execute(
        select(lc.outcome, func.count(), *_counts(lc.county_government_party.is_(True)))
        .where(in_period)
        .group_by(lc.outcome)
    )
    for outcome, concluded, government_party in rows.all():
        outcomes[str(outcome)] = {
            "concluded": int(concluded),
            "cases.county_government_party": int(government_party),
        }
    return LitigationBreakdowns(
        by_defendant_agency={
            k: LitigationGroup.model_validate(
                {
                    "cases": n["cases"],
                    "cases.county_government_party": n["cases.county_government_party"],
                    "concluded": n["concluded"],
                    "pending": n["pending"],
                    "lost": n["lost"],
                    "loss_rate": _group_rate(
                        n["lost"], n["concluded_in_period"], "litigation.loss_rate", 1
                    ),
                    "head_appearance_rate": _group_rate(
                        n["head_cases"],
                        n["heard_cases"],
                        "litigation.head_appearance_rate",
                        0,
                    ),
                    "head_appearance_rate.per_hearing": _group_rate(
                        n["head_hearings"],
                        n["hearings"],
                        "litigation.head_appearance_rate.per_hearing",
                        0,
                    ),
                }
            )
            for k, n in sorted(groups.items())
        },
        by_outcome={k: OutcomeGroup.model_validate(n) for k, n in outcomes.items()},
    )


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
