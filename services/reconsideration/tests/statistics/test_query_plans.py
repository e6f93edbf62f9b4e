"""Issue 8: no statistics query reads a case table in full (shared.query_plans).

The county-year statistics (the figures, the breakdowns and the breakdown figures behind
``GET /api/v1/statistics``) run on the migrated database with the hand-built year of
test_router.py; every query they send is explained on the same connection. On PostgreSQL
sequential scans are disabled for the check, so a ``Seq Scan`` that remains means no index
could serve the query; on SQLite a ``SCAN`` of the table (even through a covering index)
is a full scan.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.statistics.service import compute_statistics
from shared.query_plans import explain_queries
from tests.statistics.test_router import build_applications, build_the_rest

#: Tables whose rows grow with the caseload: the applications, the lawsuits, the opinion
#: letters and collective discussions held on cases, and each of their child tables.
CASE_TABLES = frozenset(
    {
        "reconsideration_applications",
        "application_events",
        "application_hearings",
        "committee_consultations",
        "application_deadlines",
        "litigation_cases",
        "litigation_hearings",
        "litigation_events",
        "opinion_letters",
        "opinion_letter_events",
        "collective_discussions",
    }
)
#: Tables the statistics may read that are no case tables: a county's handful of agency
#: points. Every county's are in it too, so it is not read in full either.
REFERENCE_TABLES = frozenset({"agency_points"})


async def test_no_statistics_query_reads_a_case_table_in_full(
    session: AsyncSession,
) -> None:
    await build_applications(session)
    await build_the_rest(session)

    statistics, plans = await explain_queries(
        session, compute_statistics(session, region_code="421222", year=2023)
    )

    # The data is there and the figures are the hand-counted ones (test_router.py).
    assert statistics.figures["reconsideration.applications_received"].value == 12  # type: ignore[union-attr]
    assert len(plans.plans) >= 20, [str(p) for p in plans.plans]
    assert plans.tables_read >= {
        "reconsideration_applications",
        "litigation_cases",
        "litigation_hearings",
        "opinion_letters",
        "collective_discussions",
        "agency_points",
    }
    assert plans.tables_read <= CASE_TABLES | REFERENCE_TABLES, plans.tables_read
    plans.assert_no_full_scans(CASE_TABLES)
    plans.assert_no_full_scans(REFERENCE_TABLES)
