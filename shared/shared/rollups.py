"""Statistics rollups: counters at the report's grain, kept in the write transaction.

A report asks for one scope (a county, a province or the whole country) and one calendar
year. Counting that from the case tables costs a scan that grows with the tables (10 million
disputes a year nationally); a rollup keeps, per ``(scope_code, year, name, key)``, the
number the report needs, so that a report reads a few dozen rows whatever the size.

How a service uses it:

- a table from :class:`StatisticsRollupMixin` (``statistics_rollups``, made by a migration);
- for every model whose rows are counted, :func:`maintain` with a *contribution*: a pure
  function from the row's values to the counters it adds to, as :class:`Entry` values
  (county code, year, name, key, amount). The county's entry also counts in its province
  (``PP0000``) and in the country (``000000``), see :func:`scopes`;
- :func:`read` for the report, :func:`recount` and :func:`rebuild` for checks and bulk loads.

On every insert, update or delete of a maintained row, the contribution of the old values is
taken off and that of the new values added (mapper events). The differences are written by
one upsert per table, in key order, inside the transaction, so that a rollback takes them
back with the rows, and **as late as possible**: the differences of the transaction's
flushes are summed and written just before it commits (``before_commit``, after the last
flush). The counter rows are the most contended rows of a write (every create of a county
adds to the county's, the province's and the country's counters), and a row lock is held
from the upsert to the commit: written at the end, the lock lasts one round trip instead of
the rest of the request. A flush inside a savepoint (``begin_nested``) writes its own
differences at once, inside the savepoint, so that rolling the savepoint back takes them
back too. A row whose old values cannot be known (a column changed before it was loaded)
makes the flush fail rather than let a counter drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, String, delete, event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from shared.at_commit import WrittenAtCommit
from shared.db import cached_statement

__all__ = [
    "COUNTRY",
    "Entry",
    "StatisticsRollupMixin",
    "maintain",
    "read",
    "rebuild",
    "recount",
    "scopes",
    "write_pending",
]

#: The scope code of the whole country.
COUNTRY = "000000"

#: Keys of one counter: (scope_code, year, name, key).
CounterKey = tuple[str, int, str, str]


@dataclass(frozen=True)
class Entry:
    """One counter a row adds to: ``amount`` (a count, or money in fen) under ``name`` and
    ``key`` (``""`` for a figure, the breakdown's key otherwise) for the county
    ``region_code`` (GB/T 2260, six digits) and the calendar ``year``."""

    region_code: str
    year: int
    name: str
    key: str = ""
    amount: int = 1
    #: Counted for the county only, not in its province and the country (a breakdown by
    #: something finer than a county, e.g. township: tens of thousands of keys nationally).
    county_only: bool = False


#: Row values (attribute name → value) → the counters the row adds to.
Contribution = Callable[[Mapping[str, Any]], Iterable[Entry]]


class StatisticsRollupMixin:
    """``statistics_rollups``: one counter per (scope_code, year, name, key).

    ``scope_code`` is a county code, a province code (``PP0000``) or :data:`COUNTRY`;
    ``value`` is a count or an amount in fen (integer, exact on every backend)."""

    scope_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def scopes(region_code: str) -> tuple[str, ...]:
    """The scopes a county's counter counts in: the county, its province, the country."""
    province = region_code[:2] + "0000"
    if region_code == COUNTRY:
        return (COUNTRY,)
    if region_code == province:
        return (province, COUNTRY)
    return (region_code, province, COUNTRY)


@dataclass(frozen=True)
class _Maintained:
    table: Any  # the rollup model (a mapped class of StatisticsRollupMixin)
    columns: tuple[str, ...]
    contribution: Contribution


_MAINTAINED: dict[type[Any], _Maintained] = {}
_PENDING = "shared.rollups.pending"
_COUNTED = "shared.rollups.counted"


def _counters(
    contribution: Contribution, values: Mapping[str, Any], sign: int
) -> Counter[CounterKey]:
    out: Counter[CounterKey] = Counter()
    for entry in contribution(values):
        if entry.amount == 0:
            continue
        counted_in = scopes(entry.region_code)
        for scope in counted_in[:1] if entry.county_only else counted_in:
            out[(scope, entry.year, entry.name, entry.key)] += sign * entry.amount
    return out


class RollupHistoryUnknown(RuntimeError):
    """A counted column changed on a row whose previous value was never loaded."""


def _old_values(target: Any, columns: Sequence[str]) -> dict[str, Any]:
    state = sa_inspect(target)
    out: dict[str, Any] = {}
    for name in columns:
        history = state.attrs[name].history
        if history.deleted:
            out[name] = history.deleted[0]
        elif history.unchanged:
            out[name] = history.unchanged[0]
        elif not history.added:
            # Neither loaded nor changed: the old value is the current one (loaded now).
            out[name] = getattr(target, name)
        elif name in state.info.get(_COUNTED, {}):
            # Not loaded since this session inserted or updated the row (a column left
            # unset on insert): the value counted then is the old value.
            out[name] = state.info[_COUNTED][name]
        else:
            raise RollupHistoryUnknown(
                f"{type(target).__name__}.{name} changed before it was loaded;"
                " its rollup counters cannot be corrected"
            )
    return out


def _new_values(target: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(target, name) for name in columns}


def _pending(target: Any, table: Any) -> Counter[CounterKey]:
    session = sa_inspect(target).session
    if session is None:  # pragma: no cover - flush events always have a session
        raise RuntimeError("a flushed row without a session")
    pending: dict[Any, Counter[CounterKey]] = session.info.setdefault(_PENDING, {})
    return pending.setdefault(table, Counter())


def maintain(
    model: type[Any],
    *,
    table: type[StatisticsRollupMixin],
    columns: Sequence[str],
    contribution: Contribution,
) -> None:
    """Keep ``table`` up to date with the rows of ``model``: ``contribution`` gets the
    values of ``columns`` (attribute names) of a row and gives its :class:`Entry` values.
    Call once per model, at import time of the service's statistics module."""
    spec = _Maintained(table, tuple(columns), contribution)
    if model in _MAINTAINED:
        raise RuntimeError(f"{model.__name__} already has rollups")
    _MAINTAINED[model] = spec

    @event.listens_for(model, "after_insert")
    def _inserted(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        new = _new_values(target, spec.columns)
        _pending(target, table).update(_counters(contribution, new, 1))
        sa_inspect(target).info[_COUNTED] = new

    @event.listens_for(model, "after_update")
    def _updated(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        old = _old_values(target, spec.columns)
        new = _new_values(target, spec.columns)
        if old == new:
            return
        pending = _pending(target, table)
        pending.update(_counters(contribution, new, 1))
        pending.update(_counters(contribution, old, -1))
        sa_inspect(target).info[_COUNTED] = new

    @event.listens_for(model, "after_delete")
    def _deleted(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        _pending(target, table).update(
            _counters(contribution, _old_values(target, spec.columns), -1)
        )


@event.listens_for(Session, "before_flush")
def _reset_pending(session: Session, flush_context: Any, instances: Any) -> None:
    # What a failed flush had gathered is not written (its transaction rolls back).
    session.info.pop(_PENDING, None)


def _merge(
    owed: dict[Any, Counter[CounterKey]], more: dict[Any, Counter[CounterKey]]
) -> dict[Any, Counter[CounterKey]]:
    out = {table: Counter(deltas) for table, deltas in owed.items()}
    for table, deltas in more.items():
        out.setdefault(table, Counter()).update(deltas)
    return out


#: The counters' differences a transaction owes, written just before it commits.
_AT_COMMIT: WrittenAtCommit[dict[Any, Counter[CounterKey]]] = WrittenAtCommit(
    "shared.rollups", merge=_merge, write=lambda session, owed: _write(session, owed)
)


@event.listens_for(Session, "after_flush")
def _gather_pending(session: Session, flush_context: Any) -> None:
    # The flush's differences are owed, written before commit (inside a savepoint: now,
    # inside it, rolled back with it).
    pending: dict[Any, Counter[CounterKey]] | None = session.info.pop(_PENDING, None)
    if pending:
        _AT_COMMIT.owe(session, pending)


async def write_pending(session: AsyncSession) -> None:
    """Flush ``session`` and write the counters' differences its transaction owes so far
    (otherwise written at commit), so that a read in the same transaction sees its own
    writes. :func:`read`, :func:`stored` and :func:`rebuild` call it."""
    await _AT_COMMIT.settle(session)


def _write(session: Session, pending: Mapping[Any, Counter[CounterKey]]) -> None:
    # One upsert per table, in key order, so that two transactions take the counters'
    # row locks in the same order.
    connection = session.connection()
    for table, deltas in pending.items():
        rows = [
            {"scope_code": s, "year": y, "name": n, "key": k, "value": v}
            for (s, y, n, k), v in sorted(deltas.items())
            if v != 0
        ]
        if rows:
            _upsert(connection, table, rows)


def _upsert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    # One statement, compiled once (SQLAlchemy caches it), run for every row in order
    # (executemany): the rows' locks are taken in key order.
    connection.execute(_upsert_statement(connection.dialect.name, table), rows)


def _upsert_statement(dialect: str, table: Any) -> Any:
    def build() -> Any:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        t = table.__table__
        base = insert(t)
        return base.on_conflict_do_update(
            index_elements=[t.c.scope_code, t.c.year, t.c.name, t.c.key],
            set_={"value": t.c.value + base.excluded.value},
        )

    return cached_statement(("rollups.upsert", dialect, table), build)


async def read(
    session: AsyncSession,
    table: type[StatisticsRollupMixin],
    *,
    scope_code: str,
    year: int,
) -> dict[tuple[str, str], int]:
    """The counters of one scope and year as ``{(name, key): value}`` (one indexed read;
    the session's own unwritten differences are written first)."""
    await write_pending(session)
    t = table.__table__  # type: ignore[attr-defined]
    rows = await session.execute(
        select(t.c.name, t.c.key, t.c.value).where(
            t.c.scope_code == scope_code, t.c.year == year
        )
    )
    return {(name, key): int(value) for name, key, value in rows.all()}


async def recount(
    session: AsyncSession, table: type[StatisticsRollupMixin]
) -> dict[CounterKey, int]:
    """What ``table`` should hold, counted again from every row of the models it is
    maintained from (streamed; zero counters left out)."""
    total: Counter[CounterKey] = Counter()
    for model, spec in _MAINTAINED.items():
        if spec.table is not table:
            continue
        cols = [getattr(model, c) for c in spec.columns]
        result = await session.stream(select(*cols).execution_options(yield_per=5000))
        async for partition in result.partitions():
            for row in partition:
                total.update(
                    _counters(
                        spec.contribution, dict(zip(spec.columns, row, strict=True)), 1
                    )
                )
    return {k: v for k, v in total.items() if v != 0}


async def stored(
    session: AsyncSession, table: type[StatisticsRollupMixin]
) -> dict[CounterKey, int]:
    """Every non-zero counter of ``table`` (the session's own unwritten differences are
    written first)."""
    await write_pending(session)
    t = table.__table__  # type: ignore[attr-defined]
    rows = await session.execute(
        select(t.c.scope_code, t.c.year, t.c.name, t.c.key, t.c.value)
    )
    return {(s, y, n, k): int(v) for s, y, n, k, v in rows.all() if v != 0}


async def rebuild(session: AsyncSession, table: type[StatisticsRollupMixin]) -> int:
    """Replace every counter of ``table`` with a :func:`recount` (after a bulk load that
    bypassed the ORM, or to repair); the caller commits. Returns the number of counters."""
    # What the session gathered is in the rows the recount reads: written now, then
    # replaced, it cannot be added a second time at commit.
    await write_pending(session)
    counters = await recount(session, table)
    await session.execute(delete(table))
    rows = [
        {"scope_code": s, "year": y, "name": n, "key": k, "value": v}
        for (s, y, n, k), v in sorted(counters.items())
    ]
    t = table.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 5000):
        await session.execute(t.insert(), rows[start : start + 5000])
    return len(rows)
