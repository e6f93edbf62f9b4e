"""The report's counters (mediation.statistics.rollups) stay equal to a recount from the
records after a randomized mix of creates, lifecycle commands, edits and deletes."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.models import MediationCommittee
from mediation.disputes.models import (
    Dispute,
    DisputeSource,
    DisputeStatus,
    DisputeType,
    MediationMode,
)
from mediation.disputes.schemas import AgreementCreate, Fail, Resolve, StartMediation
from mediation.disputes.service import apply_command
from mediation.mediators.models import MediatorEmployment
from mediation.statistics import rollups as mediation_rollups
from mediation.statistics.models import StatisticsRollup
from mediation.statistics.service import compute_statistics, count_from_cases
from shared import rollups
from shared.db import create_engine
from shared.migration_testing import alembic_config, downgrade, upgrade
from shared.testing import ServiceUnderTest, migrate, throwaway_database
from tests.factories import (
    ACTOR,
    make_committee,
    make_dispute,
    make_mediator,
    make_training,
)

#: Two counties of Hubei and one of Hunan: provinces 420000 and 430000.
COUNTIES = {"421222": "421222100", "421223": "421223101", "430102": "430102001"}
YEARS = (2023, 2024)
#: The revision before the one that creates and back-fills statistics_rollups.
ROLLUPS_REVISION_BEFORE = "21a4685ce3c5"


def _day(rng: random.Random) -> dt.date:
    return dt.date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28))


async def _random_mix(session: AsyncSession, rng: random.Random, steps: int) -> None:
    committees: list[MediationCommittee] = []
    for region, township in COUNTIES.items():
        committees.append(
            await make_committee(
                session,
                region_code=region,
                township_code=township,
                founded_on=_day(rng),
            )
        )
        committees.append(
            await make_committee(
                session, region_code=region, township_code=None, founded_on=None
            )
        )
    disputes: list[Dispute] = []
    for _ in range(steps):
        op = rng.choice(
            ["register"] * 5
            + ["start", "resolve", "resolve", "fail", "edit", "delete"]
            + ["mediator", "training"]
        )
        if op == "register" or not disputes:
            committee = rng.choice(committees)
            remote = rng.random() < 0.3
            disputes.append(
                await make_dispute(
                    session,
                    committee,
                    dispute_type=rng.choice(list(DisputeType)),
                    source=rng.choice(
                        [s for s in DisputeSource if s != DisputeSource.screening]
                    ),
                    mode=MediationMode.remote_video
                    if remote
                    else MediationMode.on_site,
                    cost_saved=Decimal(rng.randint(0, 99999)) / 100
                    if remote and rng.random() < 0.8
                    else None,
                    registered_on=_day(rng),
                )
            )
            continue
        dispute = rng.choice(disputes)
        start = dispute.mediation_started_on or dispute.registered_on
        # A conclusion in the same year or the next (the next does not count as resolved).
        end = start + dt.timedelta(days=rng.choice([0, 3, 40, 200, 400]))
        if op == "start" and dispute.status == DisputeStatus.registered:
            await apply_command(
                session,
                dispute,
                command=StartMediation(type="start_mediation", occurred_on=start),
                actor=ACTOR,
            )
        elif op in ("resolve", "fail") and dispute.status in DisputeStatus.open():
            if dispute.status == DisputeStatus.registered:
                await apply_command(
                    session,
                    dispute,
                    command=StartMediation(type="start_mediation", occurred_on=start),
                    actor=ACTOR,
                )
            command: Resolve | Fail
            if op == "resolve":
                command = Resolve(
                    type="resolve",
                    occurred_on=end,
                    agreement=AgreementCreate(form="oral", terms="和解"),
                )
            else:
                command = Fail(type="fail", occurred_on=end, reason="未达成")
            await apply_command(session, dispute, command=command, actor=ACTOR)
        elif op == "edit":
            # A correction of the record through the ORM (any future edit path is counted
            # by the same events): type, township, mode and month change together.
            dispute.dispute_type = rng.choice(list(DisputeType))
            dispute.township_code = rng.choice([None, COUNTIES[dispute.region_code]])
            dispute.mode = rng.choice(list(MediationMode))
            dispute.registered_on = dispute.registered_on.replace(
                month=rng.randint(1, dispute.registered_on.month)
            )
            await session.flush()
        elif op == "delete":
            disputes.remove(dispute)
            await session.delete(dispute)
            await session.flush()
        elif op == "mediator":
            await make_mediator(
                session,
                rng.choice(committees),
                employment=rng.choice(list(MediatorEmployment)),
                recruited_on=_day(rng),
            )
        elif op == "training":
            region = rng.choice(list(COUNTIES))
            await make_training(session, region_code=region, held_on=_day(rng))


def _sum(figures: list[dict[str, object]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for f in figures:
        for key, figure in f.items():
            value = figure["value"]  # type: ignore[index]
            if key != "mediation.resolution_rate" and value is not None:
                total[key] += Decimal(str(value))  # type: ignore[assignment]
    return total


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_rollups_equal_a_recount_after_a_random_mix(
    session: AsyncSession, seed: int
) -> None:
    await _random_mix(session, random.Random(seed), steps=120)
    # Every counter equals the recount by the same definitions …
    assert await rollups.stored(session, StatisticsRollup) == await rollups.recount(
        session, StatisticsRollup
    )
    # … and every county's report equals the one counted by SQL from the disputes.
    for year in YEARS:
        counties = {}
        for region in COUNTIES:
            served = await compute_statistics(session, region_code=region, year=year)
            counted = await count_from_cases(session, region_code=region, year=year)
            assert served.model_dump() == counted.model_dump(), (region, year)
            counties[region] = served.model_dump(mode="json")["figures"]
        # A province and the country are the sums of their counties.
        for scope, members in (
            ("420000", ["421222", "421223"]),
            ("430000", ["430102"]),
            ("000000", list(COUNTIES)),
        ):
            served = await compute_statistics(session, region_code=scope, year=year)
            assert _sum([served.model_dump(mode="json")["figures"]]) == _sum(
                [counties[m] for m in members]
            ), (scope, year)


async def test_a_rolled_back_write_leaves_the_counters_unchanged(
    session: AsyncSession,
) -> None:
    committee = await make_committee(session)
    await make_dispute(session, committee, registered_on=dt.date(2023, 3, 1))
    before = await rollups.stored(session, StatisticsRollup)
    savepoint = await session.begin_nested()
    await make_dispute(session, committee, registered_on=dt.date(2023, 4, 1))
    assert await rollups.stored(session, StatisticsRollup) != before
    await savepoint.rollback()
    assert await rollups.stored(session, StatisticsRollup) == before


async def test_counters_a_rolled_back_savepoint_wrote_early_are_written_at_commit(
    session: AsyncSession,
) -> None:
    """A read inside a savepoint writes what the transaction owes (to see its own
    writes); rolling the savepoint back undoes that write, and the transaction owes it
    again (found by the break test of session 5)."""
    committee = await make_committee(session)
    await make_dispute(session, committee, registered_on=dt.date(2023, 3, 1))
    savepoint = await session.begin_nested()
    inside = await rollups.stored(session, StatisticsRollup)
    assert inside[("421222", 2023, "mediation.cases_mediated", "")] == 1
    await savepoint.rollback()
    await session.commit()
    assert await rollups.stored(session, StatisticsRollup) == inside
    assert inside == await rollups.recount(session, StatisticsRollup)


async def test_rebuild_repairs_counters_a_bulk_load_left_behind(
    session: AsyncSession,
) -> None:
    committee = await make_committee(session)
    for month in (1, 2, 3):
        await make_dispute(session, committee, registered_on=dt.date(2023, month, 1))
    expected = await rollups.stored(session, StatisticsRollup)
    # A bulk path that bypasses the ORM (Core UPDATE: no events) leaves stale counters.
    await session.execute(update(Dispute).values(dispute_type=DisputeType.labour))
    assert await rollups.stored(session, StatisticsRollup) == expected
    assert await mediation_rollups.rebuild(session) > 0
    repaired = await rollups.stored(session, StatisticsRollup)
    assert repaired == await rollups.recount(session, StatisticsRollup)
    assert repaired[("421222", 2023, "cases_mediated.by_dispute_type", "labour")] == 3


async def test_province_and_country_through_the_api(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    here = await make_committee(session)
    there = await make_committee(
        session, region_code="430102", township_code="430102001"
    )
    await make_dispute(session, here, outcome="resolved")
    await make_dispute(session, there, outcome="resolved")
    await make_dispute(session, there)
    for scope, mediated, resolved in (
        ("421222", 1, 1),
        ("420000", 1, 1),
        ("430000", 2, 1),
        ("000000", 3, 2),
    ):
        response = await client.get(
            "/api/v1/statistics", params={"region_code": scope, "year": 2023}
        )
        assert response.status_code == 200, response.text
        figures = response.json()["figures"]
        assert figures["mediation.cases_mediated"]["value"] == mediated, scope
        assert figures["mediation.cases_resolved"]["value"] == resolved, scope


async def test_the_migration_counts_the_records_already_stored(
    service_under_test: ServiceUnderTest,
) -> None:
    """Records stored before the counters existed are counted by the migration that
    creates them, to the same values the writes keep."""
    config_of = service_under_test.alembic_ini
    with throwaway_database("mediation_rollups") as url:
        migrate(config_of, url)
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                session = AsyncSession(bind=connection, expire_on_commit=False)
                await _random_mix(session, random.Random(7), steps=80)
                await session.flush()
                kept = await rollups.stored(session, StatisticsRollup)
            config = alembic_config(config_of, url)
            downgrade(config, ROLLUPS_REVISION_BEFORE)
            upgrade(config)
            async with engine.connect() as connection:
                session = AsyncSession(bind=connection)
                assert await rollups.stored(session, StatisticsRollup) == kept
                assert kept
        finally:
            await engine.dispose()


async def test_unchanged_counters_answer_304_to_their_etag(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    params = {"region_code": "421222", "year": 2023}
    committee = await make_committee(session)
    await make_dispute(session, committee)
    tag = (await client.get("/api/v1/statistics", params=params)).headers["etag"]
    again = await client.get(
        "/api/v1/statistics", params=params, headers={"If-None-Match": tag}
    )
    assert (again.status_code, again.content) == (304, b"")
    # A dispute of another year leaves 2023's counters, and so its tag, unchanged.
    await make_dispute(session, committee, registered_on=dt.date(2024, 1, 5))
    same = await client.get(
        "/api/v1/statistics", params=params, headers={"If-None-Match": tag}
    )
    assert same.status_code == 304
    await make_dispute(session, committee, registered_on=dt.date(2023, 9, 1))
    changed = await client.get(
        "/api/v1/statistics", params=params, headers={"If-None-Match": tag}
    )
    assert changed.status_code == 200
    assert changed.json()["figures"]["mediation.cases_mediated"]["value"] == 2


async def test_an_unloaded_column_that_did_not_change_counts_as_it_was(
    session: AsyncSession,
) -> None:
    """A row whose counted column was never loaded (expired) and not changed, while
    another counted column changes: only the changed one moves its counters."""
    committee = await make_committee(session)
    dispute = await make_dispute(
        session, committee, registered_on=dt.date(2023, 3, 1), outcome="mediating"
    )
    await session.flush()
    session.expire(dispute, ["dispute_type", "township_code"])
    dispute.mode = MediationMode.remote_video
    await session.flush()
    assert await rollups.stored(session, StatisticsRollup) == await rollups.recount(
        session, StatisticsRollup
    )
