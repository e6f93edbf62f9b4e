"""Issue 8: no statistics query reads a case table in full (shared.query_plans).

The county-year statistics (the figures and the breakdowns behind ``GET /api/v1/statistics``)
run on the migrated database with two counties' records over three years; every query they
send is explained on the same connection. On PostgreSQL sequential scans are disabled for
the check, so a ``Seq Scan`` that remains means no index could serve the query; on SQLite a
``SCAN`` of the table (even through a covering index) is a full scan.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.instruments.models import InstrumentKind
from enforcement.lenient_items.models import LenientMeasure
from enforcement.statistics.service import compute_statistics
from shared.query_plans import explain_queries
from tests.factories import (
    OTHER_REGION,
    REGION,
    make_agency,
    make_campaign,
    make_clue,
    make_inspection,
    make_instrument,
    make_item,
    make_judgment,
    make_lenient_item,
    make_officer,
    make_review,
    make_supervisor,
    make_team,
)

#: Tables whose rows grow with the enforcement work done: the random inspections, the
#: supervision instruments, the case-file reviews, the lenient-list entries, the problem
#: clues, the unperformed judgments and the tips, and each of their child tables.
CASE_TABLES = frozenset(
    {
        "random_inspections",
        "random_inspection_agencies",
        "random_inspection_items",
        "random_inspection_officers",
        "random_inspection_events",
        "supervision_instruments",
        "instrument_events",
        "case_file_reviews",
        "case_file_review_officers",
        "lenient_enforcement_list_items",
        "problem_clues",
        "problem_clue_events",
        "judgment_performances",
        "judgment_performance_events",
        "tips",
    }
)
#: What the statistics also read that is no case table: the agencies, their inspection
#: lists, officers, social supervisors, teams and campaigns (rosters and lists of a county).
#: Every county's are in them too, so they are not read in full either.
REFERENCE_TABLES = frozenset(
    {
        "enforcement_agencies",
        "inspection_items",
        "officers",
        "social_supervisors",
        "comprehensive_enforcement_teams",
        "special_campaigns",
    }
)


async def build_two_counties(session: AsyncSession) -> None:
    """Records of every kind the statistics count, in 2022-2024, here and next door."""
    for region in (REGION, OTHER_REGION):
        a = await make_agency(session, region_code=region)
        b = await make_agency(session, region_code=region)
        items = [
            await make_item(session, a, listed_on=dt.date(2022, 1, 1)),
            await make_item(
                session,
                b,
                listed_on=dt.date(2022, 1, 1),
                delisted_on=dt.date(2024, 7, 1),
            ),
        ]
        campaign = await make_campaign(session, region_code=region)
        await make_team(session, [a, b], region_code=region)
        for year in (2022, 2023, 2024):
            day = dt.date(year, 3, 1)
            await make_instrument(session, a, issued_on=day, outcome="rectified")
            await make_instrument(
                session,
                b,
                kind=InstrumentKind.opinion,
                issued_on=day,
                outcome="replied",
            )
            await make_review(session, a, reviewed_on=day)
            await make_supervisor(session, region_code=region, appointed_on=day)
            await make_inspection(session, a, items[:1], inspected_on=day)
            await make_inspection(
                session, b, items[1:], participants=[a], inspected_on=day
            )
            await make_lenient_item(session, a, effective_on=day)
            await make_lenient_item(
                session, b, measure=LenientMeasure.reduced, effective_on=day
            )
            await make_officer(session, a, hired_on=day, training_completed_on=day)
            await make_clue(session, campaign, a, found_on=day, rectified_on=day)
            await make_judgment(session, b, found_on=day, rectified_on=day)


async def test_no_statistics_query_reads_a_case_table_in_full(
    session: AsyncSession,
) -> None:
    await build_two_counties(session)

    statistics, plans = await explain_queries(
        session, compute_statistics(session, region_code=REGION, year=2023)
    )

    # The data is there and counted (one county, one year of the records above).
    counts = {k: f.value for k, f in statistics.figures.items() if f.kind == "count"}
    assert counts["enforcement.random_inspections"] == 2
    assert counts["enforcement.joint_inspections"] == 1
    assert counts["enforcement.supervision_recommendations_rectified"] == 1
    assert counts["enforcement.comprehensive_enforcement_teams"] == 1
    coverage = statistics.figures["enforcement.inspection_item_coverage"]
    assert (coverage.numerator, coverage.denominator) == (2, 2)  # type: ignore[union-attr]
    # Agency a led one inspection and took part in b's joint one.
    breakdowns = statistics.breakdowns
    assert sorted(breakdowns["random_inspections.by_taking_part_agency"].values()) == [
        1,
        2,
    ]
    assert sorted(breakdowns["joint_inspections.by_taking_part_agency"].values()) == [
        1,
        1,
    ]
    assert len(plans.plans) >= 25, [str(p) for p in plans.plans]
    assert plans.tables_read >= (
        CASE_TABLES
        - {
            "random_inspection_officers",
            "random_inspection_events",
            "instrument_events",
            "case_file_review_officers",
            "problem_clue_events",
            "judgment_performance_events",
            "tips",
        }
    )
    assert plans.tables_read <= CASE_TABLES | REFERENCE_TABLES, plans.tables_read
    plans.assert_no_full_scans(CASE_TABLES)
    plans.assert_no_full_scans(REFERENCE_TABLES)
