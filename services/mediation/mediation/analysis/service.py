"""The county's analysis of its disputes (issue 6; docs/mediation.md).

Population: the disputes of ``region_code`` registered from ``start`` to ``end`` (both
inclusive). A dispute counts as resolved (or failed) when it was concluded so on or before
``end``, as in the statistics (``mediation.cases_resolved``).

Rising rule (parameters with their defaults, all query parameters):

- the *window* is the ``window_days`` (30) calendar days ending on ``as_of`` (default
  ``end``): ``[as_of - (window_days - 1), as_of]``;
- the *baseline months* are the ``baseline_months`` (12) whole calendar months before the
  month in which the window starts (so they never overlap the window);
- for each (township, dispute type) pair of the county, ``count`` is its disputes
  registered in the window and ``baseline_mean`` its disputes registered in the baseline
  months divided by ``baseline_months`` (months without any count as 0);
- the pair is *rising* when ``count >= max(min_count, factor x baseline_mean)``, with
  ``factor`` 2 and ``min_count`` 3 by default, compared exactly (no rounding).

The rising list looks at every dispute of the county in the window and the baseline months,
whatever ``start`` and ``end`` are; disputes without a township are not in it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.analysis.schemas import (
    Analysis,
    AnalysisGroup,
    AnalysisQuery,
    Rising,
    RisingPair,
    RisingRule,
)
from mediation.disputes.models import (
    Dispute,
    DisputeStatus,
    DisputeType,
    JudicialConfirmationStatus,
)
from shared.statistics import FigureDefinition, Period, rate

#: Decimals of the displayed percentages (as the statistics' resolution rate).
PRECISION = 1


def _d(key: str, text: str) -> FigureDefinition:
    return FigureDefinition(formula=f"mediation.analysis.{key}/v1", text=text)


DEFINITIONS: dict[str, FigureDefinition] = {
    "resolution_rate": _d(
        "resolution_rate",
        "Disputes registered in the period and resolved by an agreement on or before its "
        "end ÷ disputes registered in the period (in the group).",
    ),
    "median_days_to_resolve": _d(
        "median_days_to_resolve",
        "Median of calendar days from registration to resolution of the resolved ones.",
    ),
    "agreement_performance_rate": _d(
        "agreement_performance_rate",
        "Agreements (disputes of the period resolved by its end) whose latest follow-up "
        "(回访) found them performed ÷ those agreements; an agreement not yet visited counts "
        "as not known to be performed.",
    ),
    "judicial_confirmation_rate": _d(
        "judicial_confirmation_rate",
        "Agreements confirmed by a court (司法确认) ÷ agreements (disputes of the period "
        "resolved by its end).",
    ),
    "judicial_confirmation_rate.over_applied": _d(
        "judicial_confirmation_rate.over_applied",
        "Agreements confirmed by a court ÷ agreements whose judicial confirmation was "
        "applied for.",
    ),
}

BREAKDOWNS: dict[str, Callable[[Any], str]] = {
    "dispute_type": lambda r: str(r.dispute_type),
    "township": lambda r: r.township_code or "none",
    "committee": lambda r: str(r.committee_id),
    "source": lambda r: str(r.source),
    "month": lambda r: f"{r.registered_on:%Y-%m}",
}


def _resolved(row: Any, end: dt.date) -> bool:
    return bool(
        row.status == DisputeStatus.resolved
        and row.concluded_on is not None
        and row.concluded_on <= end
    )


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    twice = (
        2 * ordered[middle]
        if len(ordered) % 2
        else ordered[middle - 1] + ordered[middle]
    )
    return (Decimal(twice) / 2).quantize(Decimal("0.1"))


def _group(rows: Iterable[Any], end: dt.date) -> AnalysisGroup:
    rows = list(rows)
    days = [(r.concluded_on - r.registered_on).days for r in rows if _resolved(r, end)]
    failed = sum(
        1
        for r in rows
        if r.status == DisputeStatus.failed
        and r.concluded_on is not None
        and r.concluded_on <= end
    )
    return AnalysisGroup(
        count=len(rows),
        resolved=len(days),
        failed=failed,
        resolution_rate=rate(
            len(days),
            len(rows),
            precision=PRECISION,
            definition=DEFINITIONS["resolution_rate"],
        ),
        median_days_to_resolve=_median(days),
    )


def _month_start(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _two(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


async def _rising(
    session: AsyncSession, *, region_code: str, as_of: dt.date, query: AnalysisQuery
) -> Rising:
    window_start = as_of - dt.timedelta(days=query.rising_window_days - 1)
    baseline_start = _month_start(window_start, query.rising_baseline_months)
    baseline_end = _month_start(window_start, 0) - dt.timedelta(days=1)
    factor = Fraction(query.rising_factor)
    rows = (
        await session.execute(
            select(
                Dispute.township_code, Dispute.dispute_type, Dispute.registered_on
            ).where(
                Dispute.region_code == region_code,
                Dispute.township_code.is_not(None),
                Dispute.registered_on >= baseline_start,
                Dispute.registered_on <= as_of,
            )
        )
    ).all()
    in_window: Counter[tuple[str, DisputeType]] = Counter()
    in_baseline: Counter[tuple[str, DisputeType]] = Counter()
    for township, dispute_type, day in rows:
        if township is None:
            continue
        if window_start <= day <= as_of:
            in_window[(township, dispute_type)] += 1
        elif day <= baseline_end:
            in_baseline[(township, dispute_type)] += 1
    items = []
    for (township, dispute_type), count in in_window.items():
        mean = Fraction(
            in_baseline[(township, dispute_type)], query.rising_baseline_months
        )
        threshold = max(Fraction(query.rising_min_count), factor * mean)
        if count >= threshold:
            items.append(
                RisingPair(
                    township_code=township,
                    dispute_type=dispute_type,
                    count=count,
                    baseline_count=in_baseline[(township, dispute_type)],
                    baseline_mean=_two(mean),
                    threshold=_two(threshold),
                )
            )
    items.sort(key=lambda p: (-p.count, p.township_code, str(p.dispute_type)))
    return Rising(
        rule=RisingRule(
            text=(
                f"A (township, dispute type) pair rises when its disputes registered in the "
                f"{query.rising_window_days} days ending on {as_of} number at least "
                f"max({query.rising_min_count}, {query.rising_factor} × its mean monthly "
                f"count over the {query.rising_baseline_months} calendar months "
                f"{baseline_start:%Y-%m} to {baseline_end:%Y-%m})."
            ),
            window_days=query.rising_window_days,
            window_start=window_start,
            window_end=as_of,
            baseline_months=query.rising_baseline_months,
            baseline_start=baseline_start,
            baseline_end=baseline_end,
            factor=query.rising_factor,
            min_count=query.rising_min_count,
        ),
        items=items,
    )


async def analyse(session: AsyncSession, *, query: AnalysisQuery) -> Analysis:
    """Counts, resolution rates and median days to resolve, in total and by dispute type,
    township, committee, source and month; the agreement performance rate; the judicial
    confirmation rates; the rising list (module docstring). Reads only; small data (a
    county registers thousands of disputes a year), so the groups are formed in Python
    from one query."""
    period = Period(start=query.start, end=query.end)
    as_of = query.as_of or query.end
    rows = (
        await session.execute(
            select(
                Dispute.dispute_type,
                Dispute.township_code,
                Dispute.committee_id,
                Dispute.source,
                Dispute.registered_on,
                Dispute.status,
                Dispute.concluded_on,
                Dispute.agreement_performed,
                Dispute.judicial_confirmation_status,
            ).where(
                Dispute.region_code == query.region_code,
                Dispute.registered_on >= period.start,
                Dispute.registered_on <= period.end,
            )
        )
    ).all()
    breakdowns: dict[str, dict[str, AnalysisGroup]] = {}
    for name, key in BREAKDOWNS.items():
        groups: defaultdict[str, list[Any]] = defaultdict(list)
        for row in rows:
            groups[key(row)].append(row)
        breakdowns[name] = {
            value: _group(members, period.end)
            for value, members in sorted(groups.items())
        }
    agreements = [r for r in rows if _resolved(r, period.end)]
    performed = sum(1 for r in agreements if r.agreement_performed is True)
    confirmed = sum(
        1
        for r in agreements
        if r.judicial_confirmation_status == JudicialConfirmationStatus.confirmed
    )
    applied = sum(1 for r in agreements if r.judicial_confirmation_status is not None)
    rates = {
        "agreement_performance_rate": rate(
            performed,
            len(agreements),
            precision=PRECISION,
            definition=DEFINITIONS["agreement_performance_rate"],
        ),
        "judicial_confirmation_rate": rate(
            confirmed,
            len(agreements),
            precision=PRECISION,
            definition=DEFINITIONS["judicial_confirmation_rate"],
        ),
        "judicial_confirmation_rate.over_applied": rate(
            confirmed,
            applied,
            precision=PRECISION,
            definition=DEFINITIONS["judicial_confirmation_rate.over_applied"],
        ),
    }
    return Analysis(
        region_code=query.region_code,
        period=period,
        as_of=as_of,
        totals=_group(rows, period.end),
        breakdowns=breakdowns,
        rates=rates,
        rising=await _rising(
            session, region_code=query.region_code, as_of=as_of, query=query
        ),
        definitions=DEFINITIONS,
    )
