"""shared.query_plans on SQLite, and on PostgreSQL when FAZHI_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db import create_engine, sqlite_url
from shared.query_plans import (
    QueryPlans,
    Statement,
    _constrains,
    capture_statements,
    explain_queries,
    explain_statements,
)
from shared.testing import postgres_admin_url, rolled_back_session, throwaway_database

metadata = MetaData()
cases = Table(
    "cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("region_code", String(6), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("township_code", String(9)),
)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Uuid, nullable=False, index=True),
    Column("written_on", Date, nullable=False),
)
#: A table that is no case table: reading it in full is allowed.
kinds = Table("kinds", metadata, Column("name", String(20), primary_key=True))
Index("ix_cases_region_code_received_on", cases.c.region_code, cases.c.received_on)

REGION = "421222"
YEAR_START, YEAR_END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(Path(tmp_path_factory.mktemp("plans")), "plans")
        return
    if postgres_admin_url() is None:
        pytest.skip("FAZHI_TEST_POSTGRES_URL is not set")
    with throwaway_database("plans", backend="postgresql") as url:
        yield url


@pytest.fixture(scope="module")
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        ids = [uuid.uuid4() for _ in range(40)]
        await conn.execute(
            insert(cases),
            [
                {
                    "id": i,
                    "region_code": REGION if n % 2 else "421223",
                    "received_on": YEAR_START + dt.timedelta(days=n * 9),
                    "kind": "a" if n % 3 else "b",
                    "township_code": f"{REGION}{n % 5:03d}",
                }
                for n, i in enumerate(ids)
            ],
        )
        await conn.execute(
            insert(notes),
            [{"case_id": i, "written_on": YEAR_END} for i in ids],
        )
        await conn.execute(insert(kinds), [{"name": "a"}, {"name": "b"}])
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with rolled_back_session(engine) as session:
        yield session


def in_region_and_year() -> tuple[object, ...]:
    return (
        cases.c.region_code == REGION,
        cases.c.received_on.between(YEAR_START, YEAR_END),
    )


async def plans_of(session: AsyncSession, *statements: object) -> QueryPlans:
    async def run() -> None:
        for statement in statements:
            await session.execute(statement)  # type: ignore[call-overload]

    _, plans = await explain_queries(session, run())
    return plans


async def test_captures_every_statement_with_its_parameters(
    session: AsyncSession,
) -> None:
    async def work() -> int:
        await session.execute(insert(kinds).values(name="c"))
        n = await session.scalar(
            select(func.count()).select_from(cases).where(*in_region_and_year())
        )
        return int(n or 0)

    n, plans = await explain_queries(session, work())
    assert n == 20
    sql = [" ".join(s.sql.split()) for s in plans.statements]
    # The session's savepoint, then what the call ran, in order.
    assert [s.split(" (")[0] for s in sql if not s.startswith("SAVEPOINT")] == [
        "INSERT INTO kinds",
        "SELECT count(*) AS count_1 FROM cases WHERE cases.region_code = ? AND "
        "cases.received_on BETWEEN ? AND ?"
        if plans.backend == "sqlite"
        else "SELECT count(*) AS count_1 FROM cases WHERE cases.region_code = "
        "$1::VARCHAR AND cases.received_on BETWEEN $2::DATE AND $3::DATE",
    ]
    assert [str(p) for p in plans.statements[-1].parameters] == [
        REGION,
        str(YEAR_START),
        str(YEAR_END),
    ]
    # Only the query is explained; the insert is not.
    assert [p.statement for p in plans.plans] == [plans.statements[-1]]
    assert plans.tables_read == {"cases"}


async def test_nothing_is_captured_after_the_block(session: AsyncSession) -> None:
    async with capture_statements(session) as statements:
        await session.execute(select(func.count()).select_from(kinds))
    await session.execute(select(func.count()).select_from(kinds))
    assert len([s for s in statements if s.is_select]) == 1


async def test_an_indexed_range_is_no_full_scan(session: AsyncSession) -> None:
    plans = await plans_of(
        session,
        select(cases.c.kind, func.count())
        .where(*in_region_and_year())
        .group_by(cases.c.kind),
    )
    assert plans.full_scans() == []
    plans.assert_no_full_scans({"cases"})
    assert plans.tables_read == {"cases"}


async def test_a_filter_without_an_index_is_a_full_scan(session: AsyncSession) -> None:
    plans = await plans_of(
        session, select(func.count()).where(cases.c.township_code == f"{REGION}001")
    )
    [scan] = plans.full_scans()
    assert scan.table == "cases"
    assert scan.statement is plans.plans[0].statement
    expected = "Seq Scan on cases" if plans.backend == "postgresql" else "SCAN cases"
    assert scan.detail.startswith(expected), scan.detail
    with pytest.raises(AssertionError) as failure:
        plans.assert_no_full_scans({"cases", "notes"})
    message = str(failure.value)
    assert message.startswith(f"1 full scan(s) of cases on {plans.backend}")
    assert "township_code" in message  # the statement is shown
    assert REGION in message  # with its parameters


async def test_a_whole_index_read_is_a_full_scan(session: AsyncSession) -> None:
    """Counting every row through an index (SQLite: SCAN … USING COVERING INDEX) or walking
    an index for its order (PostgreSQL: an Index Scan without an Index Cond)."""
    plans = await plans_of(
        session,
        select(cases.c.region_code, func.count()).group_by(cases.c.region_code),
    )
    [scan] = plans.full_scans({"cases"})
    if plans.backend == "sqlite":
        assert (
            scan.detail
            == "SCAN cases USING COVERING INDEX ix_cases_region_code_received_on"
        )
    else:
        assert scan.detail.startswith("Index Only Scan on cases using"), scan.detail
        assert scan.detail.endswith("the whole index, no Index Cond"), scan.detail


async def test_an_index_without_a_condition_on_its_first_column_is_a_full_scan(
    session: AsyncSession,
) -> None:
    """A range on the second column of (region_code, received_on) alone: PostgreSQL reads
    the whole index (there is no skip scan), SQLite scans it."""
    plans = await plans_of(
        session,
        select(func.count()).where(cases.c.received_on.between(YEAR_START, YEAR_END)),
    )
    [scan] = plans.full_scans()
    assert scan.table == "cases"
    if plans.backend == "sqlite":
        assert (
            scan.detail
            == "SCAN cases USING COVERING INDEX ix_cases_region_code_received_on"
        )
    else:
        assert "using ix_cases_region_code_received_on" in scan.detail, scan.detail
        assert scan.detail.endswith("no condition on its first column region_code")


async def test_only_the_tables_asked_about_fail(session: AsyncSession) -> None:
    plans = await plans_of(
        session,
        select(kinds.c.name, func.count(cases.c.id))
        .select_from(kinds)
        .join(cases, cases.c.kind == kinds.c.name)
        .where(*in_region_and_year())
        .group_by(kinds.c.name),
    )
    assert plans.tables_read == {"cases", "kinds"}
    assert {s.table for s in plans.full_scans()} <= {"kinds"}
    plans.assert_no_full_scans({"cases"})


async def test_an_alias_is_reported_as_its_table(session: AsyncSession) -> None:
    c = cases.alias("c")
    plans = await plans_of(
        session, select(func.count()).select_from(c).where(c.c.kind == "a")
    )
    assert [s.table for s in plans.full_scans()] == ["cases"]


async def test_a_correlated_lookup_by_an_indexed_key_is_no_full_scan(
    session: AsyncSession,
) -> None:
    written = (
        select(notes.c.id)
        .where(notes.c.case_id == cases.c.id, notes.c.written_on <= YEAR_END)
        .exists()
    )
    plans = await plans_of(
        session,
        select(func.count()).where(*in_region_and_year(), written),
    )
    assert plans.tables_read == {"cases", "notes"}
    plans.assert_no_full_scans({"cases", "notes"})


async def test_ctes_and_constant_rows_are_no_tables(session: AsyncSession) -> None:
    in_region = select(cases.c.id).where(*in_region_and_year()).cte("in_region")
    plans = await plans_of(
        session,
        select(func.count()).select_from(in_region),
        select(func.now()),
    )
    assert plans.tables_read == {"cases"}
    assert plans.full_scans() == []


async def test_the_explained_settings_do_not_outlive_the_check(
    session: AsyncSession,
) -> None:
    await plans_of(session, select(func.count()).select_from(kinds))
    if session.bind is not None and session.get_bind().dialect.name == "postgresql":
        assert (
            await session.scalar(select(func.current_setting("enable_seqscan")))
        ) == "on"
    # The session's transaction goes on.
    assert await session.scalar(select(func.count()).select_from(cases)) == 40


async def test_statements_explained_on_an_engine(engine: AsyncEngine) -> None:
    statement = Statement(
        "SELECT count(*) FROM cases WHERE kind = 'b'",
    )
    plans = await explain_statements(engine, [statement, Statement("SAVEPOINT x")])
    assert [p.statement for p in plans.plans] == [statement]
    assert [s.table for s in plans.full_scans()] == ["cases"]
    assert str(plans.plans[0]).startswith("SELECT count(*) FROM cases WHERE kind = 'b'")


def test_which_statements_are_queries() -> None:
    assert Statement("  select 1").is_select
    assert Statement("/* x */ WITH a AS (SELECT 1) SELECT * FROM a").is_select
    assert not Statement("INSERT INTO t SELECT 1").is_select
    assert not Statement("SELECT 1", [(1,), (2,)], executemany=True).is_select


def test_an_index_condition_names_its_column_unqualified() -> None:
    assert _constrains("((region_code)::text = '421222'::text)", "region_code")
    assert _constrains("(id = supervision_instruments.agency_id)", "id")
    assert _constrains('("order" = 1)', "order")
    assert not _constrains(
        "(id = random_inspection_items.inspection_id)", "inspection_id"
    )
    assert not _constrains("(item_id = inspection_items.id)", "id")
    assert not _constrains('(x = t."order")', "order")
