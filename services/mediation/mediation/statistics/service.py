from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.models import MediationCommittee
from mediation.disputes.models import Dispute, DisputeStatus, MediationMode
from mediation.mediators.models import Mediator, MediatorEmployment
from mediation.statistics.models import StatisticsRollup
from mediation.statistics.rollups import BREAKDOWNS, BY_MONTH
from mediation.statistics.schemas import DEFINITIONS, Statistics
from mediation.trainings.models import Training
from shared import rollups
from shared.db import FEN_PER_YUAN, fen_to_yuan
from shared.statistics import Figure, Period, count, money, rate

SERVICE = "mediation"


async def compute_statistics(
    session: AsyncSession, *, region_code: str, year: int
) -> Statistics:
    """The mediation figures of domain.md §6 for one scope (a county, a province
    ``PP0000`` or the whole country ``000000``) and one calendar year, with the breakdowns
    of ``mediation.cases_mediated`` (type, township, source, month ``MM``).

    Read from the counters the write transactions keep (:mod:`mediation.statistics.rollups`):
    one indexed read of a few dozen rows, whatever the number of disputes. Money in yuan
    (Decimal). Equal, figure for figure, to :func:`count_from_cases` (tested).
    """
    counters = await read_counters(session, region_code=region_code, year=year)
    return statistics_from(counters, region_code=region_code, year=year)


async def read_counters(
    session: AsyncSession, *, region_code: str, year: int
) -> dict[tuple[str, str], int]:
    """The rollup counters of one scope and year, ``{(name, key): value}`` (money in fen)."""
    return await rollups.read(
        session, StatisticsRollup, scope_code=region_code, year=year
    )


def statistics_from(
    counters: dict[tuple[str, str], int], *, region_code: str, year: int
) -> Statistics:
    """The figures and breakdowns of :func:`compute_statistics` from its counters."""

    def total(name: str) -> int:
        return counters.get((name, ""), 0)

    d = DEFINITIONS
    mediated = total("mediation.cases_mediated")
    resolved_count = total("mediation.cases_resolved")
    figures: dict[str, Figure] = {
        "mediation.cases_mediated": count(
            mediated, definition=d["mediation.cases_mediated"]
        ),
        "mediation.cases_resolved": count(
            resolved_count, definition=d["mediation.cases_resolved"]
        ),
        "mediation.resolution_rate": rate(
            resolved_count,
            mediated,
            precision=1,
            definition=d["mediation.resolution_rate"],
        ),
        "mediation.remote_video_sessions": count(
            total("mediation.remote_video_sessions"),
            definition=d["mediation.remote_video_sessions"],
        ),
        "mediation.remote_video_cost_saved": money(
            fen_to_yuan(total("mediation.remote_video_cost_saved")),
            definition=d["mediation.remote_video_cost_saved"],
        ),
        "mediation.trainings": count(
            total("mediation.trainings"), definition=d["mediation.trainings"]
        ),
        "mediation.fulltime_mediators_recruited": count(
            total("mediation.fulltime_mediators_recruited"),
            definition=d["mediation.fulltime_mediators_recruited"],
        ),
        "mediation.committees_founded": count(
            total("mediation.committees_founded"),
            definition=d["mediation.committees_founded"],
        ),
    }
    breakdowns: dict[str, dict[str, int]] = {
        name: {} for name in (*BREAKDOWNS, BY_MONTH)
    }
    for (name, key), value in sorted(counters.items()):
        if key and name in breakdowns and value:
            breakdowns[name][key] = value
    return Statistics(
        service=SERVICE,
        region_code=region_code,
        year=year,
        period=Period.year(year),
        figures=figures,
        breakdowns=breakdowns,
    )


async def count_from_cases(
    session: AsyncSession, *, region_code: str, year: int
) -> Statistics:
    """The same figures as :func:`compute_statistics` for one county, counted again from the
    records with one SQL aggregate per figure (the recount the rollups are checked
    against; it scans the county's disputes of the year)."""
    period = Period.year(year)
    in_period = and_(
        Dispute.region_code == region_code,
        Dispute.registered_on >= period.start,
        Dispute.registered_on <= period.end,
    )
    remote = Dispute.mode == MediationMode.remote_video
    resolved = and_(
        Dispute.status == DisputeStatus.resolved, Dispute.concluded_on <= period.end
    )
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(case((resolved, 1))),
                func.count(case((remote, 1))),
                # Money is stored as integer fen, so this sum is exact on every backend.
                func.sum(case((remote, Dispute.cost_saved))),
            ).where(in_period)
        )
    ).one()
    mediated, resolved_count, remote_count, saved = row

    trainings = await session.scalar(
        select(func.count()).where(
            Training.region_code == region_code,
            Training.held_on.between(period.start, period.end),
        )
    )
    recruited = await session.scalar(
        select(func.count()).where(
            Mediator.region_code == region_code,
            Mediator.employment == MediatorEmployment.full_time,
            Mediator.recruited_on.between(period.start, period.end),
        )
    )
    founded = await session.scalar(
        select(func.count()).where(
            MediationCommittee.region_code == region_code,
            MediationCommittee.founded_on.between(period.start, period.end),
        )
    )
    counters: dict[tuple[str, str], int] = {
        ("mediation.cases_mediated", ""): int(mediated),
        ("mediation.cases_resolved", ""): int(resolved_count),
        ("mediation.remote_video_sessions", ""): int(remote_count),
        ("mediation.remote_video_cost_saved", ""): int(
            (saved or Decimal(0)) * FEN_PER_YUAN
        ),
        ("mediation.trainings", ""): int(trainings or 0),
        ("mediation.fulltime_mediators_recruited", ""): int(recruited or 0),
        ("mediation.committees_founded", ""): int(founded or 0),
    }
    breakdowns = await _breakdowns(session, region_code=region_code, period=period)
    for name, values in breakdowns.items():
        counters |= {(name, key): value for key, value in values.items()}
    return statistics_from(counters, region_code=region_code, year=year)


async def _breakdowns(
    session: AsyncSession, *, region_code: str, period: Period
) -> dict[str, dict[str, int]]:
    where = (
        Dispute.region_code == region_code,
        Dispute.registered_on >= period.start,
        Dispute.registered_on <= period.end,
    )
    out: dict[str, dict[str, int]] = {}
    for name, column in (
        ("cases_mediated.by_dispute_type", Dispute.dispute_type),
        ("cases_mediated.by_township", Dispute.township_code),
        ("cases_mediated.by_source", Dispute.source),
    ):
        rows = await session.execute(
            select(column, func.count()).where(*where).group_by(column).order_by(column)
        )
        out[name] = {str(k): int(v) for k, v in rows.all() if k is not None}
    month = func.extract("month", Dispute.registered_on)
    rows = await session.execute(
        select(month, func.count()).where(*where).group_by(month).order_by(month)
    )
    # EXTRACT gives an integer on SQLite and a numeric on PostgreSQL.
    out["cases_mediated.by_month"] = {
        f"{int(Decimal(str(m))):02d}": int(v) for m, v in rows.all()
    }
    return out
