"""The statistics are computed once per change of the records and then kept
(shared.snapshots): a write of any record they read makes the next request recompute, a
write of the audit log does not, and a rolled-back write changes nothing."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications.service import apply_command
from reconsideration.audit.models import AuditEvent
from reconsideration.statistics import service
from reconsideration.statistics.models import ChangeStamp
from shared.snapshots import write_stamp
from tests.factories import ACTOR, _commands, accepted_steps, make_application

PARAMS = {"region_code": "421222", "year": 2023}


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every computation of the statistics from the records, as (region_code, year)."""
    calls: list[tuple[str, int]] = []
    compute = service.compute_statistics

    async def counted(session: AsyncSession, *, region_code: str, year: int):  # type: ignore[no-untyped-def]
        calls.append((region_code, year))
        return await compute(session, region_code=region_code, year=year)

    monkeypatch.setattr(service, "compute_statistics", counted)
    return calls


async def received(client: httpx.AsyncClient) -> int:
    response = await client.get("/api/v1/statistics", params=PARAMS)
    assert response.status_code == 200, response.text
    return int(
        response.json()["figures"]["reconsideration.applications_received"]["value"]
    )


async def stamp(session: AsyncSession) -> int:
    await write_stamp(
        session
    )  # what the session's transaction owes, else written at commit
    value = await session.scalar(select(ChangeStamp.stamp).where(ChangeStamp.id == 1))
    assert value is not None
    return value


async def test_kept_until_a_record_changes(
    client: httpx.AsyncClient,
    session: AsyncSession,
    computations: list[tuple[str, int]],
) -> None:
    application = await make_application(session)
    assert await received(client) == 1
    assert await received(client) == 1
    assert computations == [("421222", 2023)]
    # Another year or county is its own snapshot.
    await client.get("/api/v1/statistics", params={**PARAMS, "year": 2024})
    assert len(computations) == 2

    # A new record, and a command on an existing one, are each counted at once.
    await make_application(session, received_on=dt.date(2023, 5, 1))
    assert await received(client) == 2
    assert len(computations) == 3
    before = await stamp(session)
    for command in accepted_steps(dt.date(2023, 3, 2)):
        await apply_command(
            session,
            application,
            command=_commands.validate_python(command),
            actor=ACTOR,
        )
    assert await stamp(session) != before
    response = await client.get("/api/v1/statistics", params=PARAMS)
    assert response.json()["figures"]["reconsideration.accepted"]["value"] == 1
    assert len(computations) == 4


async def test_an_audit_entry_does_not_change_the_stamp(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    before = await stamp(session)
    session.add(
        AuditEvent(
            actor="auditor",
            actor_kind="user",
            action="read",
            method="GET",
            path="/api/v1/applications/x",
            status=200,
            resource_type="application",
            resource_id="x",
        )
    )
    await session.flush()
    assert await stamp(session) == before


async def test_a_rolled_back_write_keeps_the_stamp(session: AsyncSession) -> None:
    before = await stamp(session)
    savepoint = await session.begin_nested()
    await make_application(session)
    assert await stamp(session) != before
    await savepoint.rollback()
    assert await stamp(session) == before


async def test_a_stamp_a_rolled_back_savepoint_wrote_early_is_written_at_commit(
    session: AsyncSession,
) -> None:
    """Reading the stamp inside a savepoint writes the one the transaction owes; rolling
    the savepoint back undoes it, and the commit writes it again (found by the break test
    of session 5)."""
    before = await stamp(session)
    await make_application(session)
    savepoint = await session.begin_nested()
    assert await stamp(session) != before
    await savepoint.rollback()
    assert await stamp(session) != before  # owed again, and written for this read
    await session.commit()
    assert await stamp(session) != before


async def test_unchanged_figures_answer_304_to_their_etag(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    first = await client.get("/api/v1/statistics", params=PARAMS)
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = await client.get(
        "/api/v1/statistics", params=PARAMS, headers={"If-None-Match": tag}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    # Another tag, or a change of the records, gets the figures.
    other = await client.get(
        "/api/v1/statistics", params=PARAMS, headers={"If-None-Match": 'W/"x"'}
    )
    assert other.status_code == 200
    await make_application(session)
    changed = await client.get(
        "/api/v1/statistics", params=PARAMS, headers={"If-None-Match": tag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag
    assert (
        changed.json()["figures"]["reconsideration.applications_received"]["value"] == 1
    )
