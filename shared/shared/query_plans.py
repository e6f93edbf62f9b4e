"""Which tables a piece of code reads in full: capture the SQL it runs, EXPLAIN each SELECT.

For tests (issue 8: no statistics query reads a case table in full)::

    figures, plans = await explain_queries(session, compute(session, year=2023))
    plans.assert_no_full_scans({"reconsideration_applications", "litigation_cases"})

:func:`capture_statements` records every statement (with its parameters) that the engine
behind a session, connection or engine sends to the database while it is open (SQLAlchemy's
``before_cursor_execute`` on the sync engine: statements of other tasks using the same engine
at that time are recorded too). :func:`explain_statements` then asks the database for the
plan of each captured ``SELECT`` (or ``WITH``), with the parameters it ran with, on the
session's or connection's own connection (a new one of an engine's), and says which tables
each plan reads in full:

- PostgreSQL: ``EXPLAIN (FORMAT JSON)`` with ``SET LOCAL enable_seqscan = off`` (inside a
  savepoint that is rolled back, so nothing of it outlives the check). The planner then takes
  any index it can use however small the table, so a ``Seq Scan`` that remains means the
  query has no usable index. An ``Index Scan`` or ``Index Only Scan`` with no ``Index Cond``
  reads the whole index (the planner's way round a disabled sequential scan, e.g. for an
  ordering) and is a full scan too, as is any index read (a bitmap one too) whose ``Index
  Cond`` puts no condition on the index's first column: PostgreSQL then reads all of it.
- SQLite: ``EXPLAIN QUERY PLAN``. ``SCAN <table>`` is a full scan, with or without ``USING
  [COVERING] INDEX`` (the whole index is read); so is ``SEARCH <table> USING AUTOMATIC …
  INDEX`` (SQLite builds that index by reading the whole table for the query).
  ``SEARCH <table> USING INDEX …`` is not.

Only real tables are reported (not CTEs, subqueries or constant rows); an alias is reported
as its table.
"""

from __future__ import annotations

import json
import re
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncTransaction,
)

__all__ = [
    "FullScan",
    "QueryPlans",
    "Statement",
    "StatementPlan",
    "capture_statements",
    "explain_queries",
    "explain_statements",
]

T = TypeVar("T")

#: What statements can be captured from and explained on.
Bind = AsyncSession | AsyncConnection | AsyncEngine

_READS = re.compile(r"^\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*(SELECT|WITH)\b", re.I | re.S)


@dataclass(frozen=True)
class Statement:
    """One statement as the driver received it."""

    sql: str
    #: The parameters as passed to the DBAPI cursor (a tuple, a mapping, or for an
    #: ``executemany`` a list of them).
    parameters: Any = ()
    executemany: bool = False

    @property
    def is_select(self) -> bool:
        """A query whose plan can be asked for (``SELECT`` or ``WITH``, run once)."""
        return not self.executemany and _READS.match(self.sql) is not None

    def __str__(self) -> str:
        sql = " ".join(self.sql.split())
        return f"{sql}\n  parameters: {self.parameters!r}"


@dataclass(frozen=True)
class FullScan:
    """A table that a statement reads in full."""

    statement: Statement
    table: str
    #: The plan node that reads it, e.g. ``Seq Scan on litigation_cases (Filter: …)`` or
    #: ``SCAN litigation_cases USING COVERING INDEX ix_…``.
    detail: str

    def __str__(self) -> str:
        return f"{self.table}: {self.detail}\n  in {self.statement}"


@dataclass(frozen=True)
class StatementPlan:
    statement: Statement
    #: The plan, one node a line, indented by depth.
    plan: tuple[str, ...]
    #: Every table the plan reads (by a scan, an index or a search).
    tables: frozenset[str]
    full_scans: tuple[FullScan, ...]

    def __str__(self) -> str:
        return "\n".join([str(self.statement), *(f"    {line}" for line in self.plan)])


@dataclass(frozen=True)
class QueryPlans:
    """The statements one call ran and the plans of its queries."""

    #: ``"postgresql"`` or ``"sqlite"``.
    backend: str
    #: Every statement captured, in order (savepoints and writes included).
    statements: tuple[Statement, ...]
    #: The plan of each query among them, in order.
    plans: tuple[StatementPlan, ...]

    @property
    def tables_read(self) -> frozenset[str]:
        return frozenset().union(*(p.tables for p in self.plans))

    def full_scans(self, tables: Iterable[str] | None = None) -> list[FullScan]:
        """The full scans of ``tables`` (of any table when None)."""
        wanted = None if tables is None else set(tables)
        return [
            scan
            for plan in self.plans
            for scan in plan.full_scans
            if wanted is None or scan.table in wanted
        ]

    def assert_no_full_scans(self, tables: Iterable[str]) -> None:
        """Fail, naming each statement and plan node, if a query reads one of ``tables`` in full."""
        tables = set(tables)
        scans = self.full_scans(tables)
        if not scans:
            return
        names = sorted({s.table for s in scans})
        lines = [
            f"{len(scans)} full scan(s) of {', '.join(names)} on {self.backend} "
            f"({len(self.plans)} queries explained):"
        ]
        for n, scan in enumerate(scans, 1):
            plan = next(p for p in self.plans if scan in p.full_scans)
            lines += [f"{n}. {scan.table}: {scan.detail}", f"   {plan}"]
        raise AssertionError("\n".join(lines))


def _sync_engine(bind: Bind) -> Engine:
    if isinstance(bind, AsyncSession):
        target = bind.sync_session.get_bind()
        return target.engine if isinstance(target, Connection) else target
    return bind.sync_engine


@asynccontextmanager
async def capture_statements(bind: Bind) -> AsyncIterator[list[Statement]]:
    """Record the statements the engine behind ``bind`` runs inside the block (yields the list
    it fills)."""
    engine = _sync_engine(bind)
    captured: list[Statement] = []

    def record(
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if isinstance(parameters, list) and not executemany:
            parameters = tuple(parameters)
        captured.append(Statement(statement, parameters, executemany))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def explain_queries(bind: Bind, call: Awaitable[T]) -> tuple[T, QueryPlans]:
    """Await ``call`` while capturing its statements, then explain its queries on ``bind``.

    Returns what ``call`` returned and the plans."""
    async with capture_statements(bind) as statements:
        result = await call
    return result, await explain_statements(bind, statements)


async def explain_statements(bind: Bind, statements: Sequence[Statement]) -> QueryPlans:
    """The plan of each query among ``statements`` (see the module's docstring)."""
    queries = [s for s in statements if s.is_select]
    async with _connection(bind) as conn:
        backend = conn.dialect.name
        if backend == "postgresql":
            plans = await _explain_postgresql(conn, queries)
        elif backend == "sqlite":
            plans = await _explain_sqlite(conn, queries)
        else:
            raise NotImplementedError(f"no query plans for {backend}")
    return QueryPlans(backend=backend, statements=tuple(statements), plans=plans)


@asynccontextmanager
async def _connection(bind: Bind) -> AsyncIterator[AsyncConnection]:
    if isinstance(bind, AsyncSession):
        yield await bind.connection()
    elif isinstance(bind, AsyncConnection):
        yield bind
    else:
        async with bind.connect() as conn:
            yield conn


# --- PostgreSQL ---------------------------------------------------------------------------

#: The conditions shown with a plan node, in this order.
_PG_CONDITIONS = (
    "Index Cond",
    "Recheck Cond",
    "Hash Cond",
    "Merge Cond",
    "Join Filter",
    "Filter",
)
_PG_INDEX_SCANS = frozenset({"Index Scan", "Index Only Scan"})


async def _explain_postgresql(
    conn: AsyncConnection, queries: Sequence[Statement]
) -> tuple[StatementPlan, ...]:
    roots: list[Mapping[str, Any]] = []
    transaction: AsyncTransaction = await (
        conn.begin_nested() if conn.in_transaction() else conn.begin()
    )
    try:
        await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for query in queries:
            result = await conn.exec_driver_sql(
                f"EXPLAIN (FORMAT JSON) {query.sql}", query.parameters
            )
            document = result.scalar_one()
            if isinstance(document, str | bytes):
                document = json.loads(document)
            roots.append(document[0]["Plan"])
    finally:
        await transaction.rollback()
    leading = await _leading_columns(conn, {i for r in roots for i in _indexes(r)})
    return tuple(
        _postgresql_plan(q, root, leading)
        for q, root in zip(queries, roots, strict=True)
    )


def _indexes(node: Mapping[str, Any]) -> Iterator[str]:
    if "Index Name" in node:
        yield str(node["Index Name"])
    for child in node.get("Plans", ()):
        yield from _indexes(child)


async def _leading_columns(conn: AsyncConnection, indexes: set[str]) -> dict[str, str]:
    """The first column of each named index (none for an expression)."""
    if not indexes:
        return {}
    rows = await conn.execute(
        text(
            "SELECT c.relname, a.attname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE pg_table_is_visible(c.oid) AND c.relname = ANY(:names)"
        ),
        {"names": sorted(indexes)},
    )
    return {str(index): str(column) for index, column in rows.all()}


def _constrains(condition: str, column: str) -> bool:
    """Whether an ``Index Cond`` names ``column`` (index columns appear unqualified)."""
    name = re.escape(column)
    return re.search(rf'(?<![.\w"])(?:"{name}"|{name}\b)', condition) is not None


def _postgresql_plan(
    query: Statement, root: Mapping[str, Any], leading: Mapping[str, str]
) -> StatementPlan:
    lines: list[str] = []
    tables: set[str] = set()
    scans: list[FullScan] = []

    def walk(node: Mapping[str, Any], depth: int, heap: str | None) -> None:
        kind = str(node["Node Type"])
        relation = node.get("Relation Name")
        text = kind
        if relation is not None:
            heap = str(relation)
            alias = node.get("Alias")
            text += f" on {relation}" + (
                f" {alias}" if alias and alias != relation else ""
            )
        index = node.get("Index Name")
        if index is not None:
            text += f" using {index}"
        conditions = [f"{k}: {node[k]}" for k in _PG_CONDITIONS if k in node]
        if conditions:
            text += f" ({'; '.join(conditions)})"
        lines.append("  " * depth + text)
        if relation is not None:
            tables.add(str(relation))
        whole = None
        if kind == "Seq Scan":
            whole = text
        elif kind in _PG_INDEX_SCANS and "Index Cond" not in node:
            whole = f"{text}: the whole index, no Index Cond"
        elif index is not None and "Index Cond" in node and index in leading:
            first = leading[index]
            if not _constrains(str(node["Index Cond"]), first):
                whole = (
                    f"{text}: the whole index, no condition on its first column {first}"
                )
        if whole is not None and heap is not None:
            scans.append(FullScan(query, heap, whole))
        for child in node.get("Plans", ()):
            walk(child, depth + 1, heap if kind.startswith("Bitmap") else None)

    walk(root, 0, None)
    return StatementPlan(query, tuple(lines), frozenset(tables), tuple(scans))


# --- SQLite -------------------------------------------------------------------------------

_SQLITE_SCAN = re.compile(r"^SCAN (?P<name>[^\s(]\S*)")
_SQLITE_SEARCH = re.compile(r"^SEARCH (?P<name>\S+)")
_SQLITE_AUTOMATIC = re.compile(r"\bUSING AUTOMATIC\b")
_SQL_ALIAS = re.compile(r'"?(?P<table>\w+)"?\s+AS\s+"?(?P<alias>\w+)"?', re.I)


async def _explain_sqlite(
    conn: AsyncConnection, queries: Sequence[Statement]
) -> tuple[StatementPlan, ...]:
    names = await conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    tables = frozenset(str(n) for (n,) in names.all())
    out: list[StatementPlan] = []
    for query in queries:
        rows = await conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {query.sql}", query.parameters
        )
        # (id, parent, unused, detail) per plan node.
        nodes = [(int(i), int(p), str(d)) for i, p, _, d in map(list, rows.all())]
        out.append(_sqlite_plan(query, nodes, tables))
    return tuple(out)


def _sqlite_plan(
    query: Statement, rows: Sequence[tuple[int, int, str]], known: frozenset[str]
) -> StatementPlan:
    aliases = {
        m["alias"]: m["table"]
        for m in _SQL_ALIAS.finditer(query.sql)
        if m["table"] in known
    }
    depth: dict[int, int] = {0: -1}
    lines: list[str] = []
    tables: set[str] = set()
    scans: list[FullScan] = []
    for node, parent, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
        scan, search = _SQLITE_SCAN.match(detail), _SQLITE_SEARCH.match(detail)
        found = scan or search
        if found is None:
            continue
        table = aliases.get(found["name"], found["name"])
        if table not in known:  # a CTE, a subquery, a constant row
            continue
        tables.add(table)
        if scan is not None or _SQLITE_AUTOMATIC.search(detail):
            scans.append(FullScan(query, table, detail))
    return StatementPlan(query, tuple(lines), frozenset(tables), tuple(scans))
