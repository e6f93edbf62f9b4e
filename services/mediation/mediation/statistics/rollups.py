"""What each mediation record adds to the report's counters (shared.rollups).

The counters, per county, province and country and per calendar year, are exactly the
figures of domain.md §6 as :mod:`mediation.statistics.service` defines them:

- a dispute counts in the year it was registered (``registered_on``): in
  ``mediation.cases_mediated`` and in the four breakdowns of that figure (type, township
  when it has one, for its county only, source, month ``MM``); in ``mediation.cases_resolved`` when it is
  resolved and concluded in that same year (concluded on or before the period's last day);
  in ``mediation.remote_video_sessions`` and, with its ``cost_saved`` in fen, in
  ``mediation.remote_video_cost_saved`` when mediated by remote video;
- a training session counts in ``mediation.trainings`` in the year it was held;
- a full-time mediator counts in ``mediation.fulltime_mediators_recruited`` in the year
  recruited; a committee in ``mediation.committees_founded`` in the year founded.

Importing this module (done by :mod:`mediation.models`) installs the maintenance.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.models import MediationCommittee
from mediation.disputes.models import Dispute, DisputeStatus, MediationMode
from mediation.mediators.models import Mediator, MediatorEmployment
from mediation.statistics.models import StatisticsRollup
from mediation.trainings.models import Training
from shared import rollups
from shared.db import FEN_PER_YUAN
from shared.rollups import Entry

#: Breakdowns of ``mediation.cases_mediated``: rollup name → the dispute's attribute.
BREAKDOWNS = {
    "cases_mediated.by_dispute_type": "dispute_type",
    "cases_mediated.by_township": "township_code",
    "cases_mediated.by_source": "source",
}
BY_MONTH = "cases_mediated.by_month"
#: Breakdowns kept for a county only: a province's or the country's figures have no
#: township breakdown (some 40,000 townships nationally).
COUNTY_ONLY = frozenset({"cases_mediated.by_township"})


def dispute_entries(row: Mapping[str, Any]) -> Iterator[Entry]:
    registered = row["registered_on"]
    region, year = row["region_code"], registered.year
    yield Entry(region, year, "mediation.cases_mediated")
    for name, attribute in BREAKDOWNS.items():
        if row[attribute] is not None:
            yield Entry(
                region,
                year,
                name,
                str(row[attribute]),
                county_only=name in COUNTY_ONLY,
            )
    yield Entry(region, year, BY_MONTH, f"{registered.month:02d}")
    concluded = row["concluded_on"]
    if (
        row["status"] == DisputeStatus.resolved
        and concluded is not None
        and concluded.year <= year
    ):
        yield Entry(region, year, "mediation.cases_resolved")
    if row["mode"] == MediationMode.remote_video:
        yield Entry(region, year, "mediation.remote_video_sessions")
        if row["cost_saved"] is not None:
            fen = int(row["cost_saved"] * FEN_PER_YUAN)
            yield Entry(region, year, "mediation.remote_video_cost_saved", amount=fen)


def training_entries(row: Mapping[str, Any]) -> Iterator[Entry]:
    yield Entry(row["region_code"], row["held_on"].year, "mediation.trainings")


def mediator_entries(row: Mapping[str, Any]) -> Iterator[Entry]:
    if row["employment"] == MediatorEmployment.full_time:
        yield Entry(
            row["region_code"],
            row["recruited_on"].year,
            "mediation.fulltime_mediators_recruited",
        )


def committee_entries(row: Mapping[str, Any]) -> Iterator[Entry]:
    if row["founded_on"] is not None:
        yield Entry(
            row["region_code"], row["founded_on"].year, "mediation.committees_founded"
        )


rollups.maintain(
    Dispute,
    table=StatisticsRollup,
    columns=(
        "region_code",
        "registered_on",
        "dispute_type",
        "township_code",
        "source",
        "status",
        "concluded_on",
        "mode",
        "cost_saved",
    ),
    contribution=dispute_entries,
)
rollups.maintain(
    Training,
    table=StatisticsRollup,
    columns=("region_code", "held_on"),
    contribution=training_entries,
)
rollups.maintain(
    Mediator,
    table=StatisticsRollup,
    columns=("region_code", "employment", "recruited_on"),
    contribution=mediator_entries,
)
rollups.maintain(
    MediationCommittee,
    table=StatisticsRollup,
    columns=("region_code", "founded_on"),
    contribution=committee_entries,
)


async def rebuild(session: AsyncSession) -> int:
    """Recount every counter from the records (after a bulk load that bypassed the ORM);
    the caller commits. Returns the number of counters written."""
    return await rollups.rebuild(session, StatisticsRollup)
