"""Issue 8: the mediation statistics never read a case table (shared.query_plans).

The figures of a county, a province or the whole country come from the rollup counters
(mediation.statistics.rollups): one query on ``statistics_rollups`` by its primary key,
whatever the number of disputes. Checked on the migrated database after a randomized mix of
records; on PostgreSQL sequential scans are disabled for the check, so a ``Seq Scan`` that
remains means no index could serve the query.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.statistics.service import compute_statistics
from shared.query_plans import explain_queries
from tests.statistics.test_rollups import _random_mix

#: Tables whose rows grow with the caseload (and the mediators, committees and trainings
#: the other figures count).
CASE_TABLES = frozenset(
    {
        "disputes",
        "dispute_parties",
        "dispute_events",
        "dispute_mediators",
        "mediators",
        "mediation_committees",
        "trainings",
        "screening_rounds",
    }
)


@pytest.mark.parametrize("scope", ["421222", "420000", "000000"])
async def test_statistics_read_only_the_counters_by_their_key(
    session: AsyncSession, scope: str
) -> None:
    await _random_mix(session, random.Random(11), steps=60)
    statistics, plans = await explain_queries(
        session, compute_statistics(session, region_code=scope, year=2023)
    )
    assert statistics.figures["mediation.cases_mediated"].value > 0  # type: ignore[union-attr]
    assert len(plans.plans) == 1, [str(p) for p in plans.plans]
    assert plans.tables_read == {"statistics_rollups"}
    assert not plans.tables_read & CASE_TABLES
    plans.assert_no_full_scans({"statistics_rollups"})
