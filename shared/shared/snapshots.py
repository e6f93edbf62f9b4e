"""Statistics snapshots: a report computed once per change of the records, not per request.

For the services whose figures are too rich for counters (reconsideration's clocks and
rates, enforcement's reviews), the figures of a (scope, year) are computed from the records
as before and kept in memory beside the *change stamp* they were computed at. Every write
transaction that inserts, updates or deletes a tracked row sets a new random stamp in the
one-row table ``change_stamps`` (in the same transaction, as its last statement before
COMMIT, so that the row every write shares stays locked one round trip; a rollback keeps
the old stamp, and a stamp is never reused); a request reads the stamp (one primary-key read) and gets the
kept figures when it is unchanged, or recomputes them. Every worker process keeps its own
snapshots and all check the same stamp, so no worker serves figures older than the last
committed write.

How a service uses it: a table from :class:`ChangeStampMixin` (made, with its one row, by
a migration), :func:`track_changes` over its declarative base at import time, and
:meth:`SnapshotCache.get` around its statistics (one cache per app, :func:`cache_of`).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from fastapi import Request, Response
from sqlalchemy import BigInteger, Connection, Integer, bindparam, event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from shared.at_commit import WrittenAtCommit
from shared.conditional import none_match, not_modified, statistics_etag
from shared.db import cached_statement

__all__ = [
    "ChangeStampMixin",
    "SnapshotCache",
    "cache_of",
    "conditional_snapshot",
    "track_changes",
    "write_stamp",
]

T = TypeVar("T")

_CHANGED = "shared.snapshots.changed"
#: The id of the one row of ``change_stamps``.
ROW_ID = 1


class ChangeStampMixin:
    """``change_stamps``: one row (``id`` 1) whose ``stamp`` changes with every write
    transaction that changes a tracked record."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)


def new_stamp() -> int:
    """A random stamp (62 bits: fits a signed BIGINT), so that a rolled-back one never
    comes back for other records."""
    return secrets.randbits(62)


def track_changes(
    base: type[Any],
    stamp_table: type[ChangeStampMixin],
    *,
    ignore: tuple[type[Any], ...] = (),
) -> None:
    """Give ``stamp_table`` a new stamp in every flush that inserts, updates or deletes a
    row of any mapped class of ``base`` except those in ``ignore`` (audit entries,
    idempotency keys, case-number counters: rows the figures never read)."""

    def changed(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        if isinstance(target, ignore):
            return
        session = sa_inspect(target).session
        if session is not None:
            session.info[_CHANGED] = stamp_table

    for name in ("after_insert", "after_update", "after_delete"):
        event.listen(base, name, changed, propagate=True)


@event.listens_for(Session, "before_flush")
def _reset(session: Session, flush_context: Any, instances: Any) -> None:
    session.info.pop(_CHANGED, None)


def _write_stamp(session: Session, table: type[ChangeStampMixin]) -> None:
    statement = cached_statement(
        ("snapshots.stamp", table),
        lambda: (
            update(table).where(table.id == ROW_ID).values(stamp=bindparam("stamp"))
        ),
    )
    session.connection().execute(statement, {"stamp": new_stamp()})


#: The new stamp a transaction owes, written once, just before it commits: the stamp's
#: one row is shared by every write of the service, and a row lock lasts from the UPDATE
#: to the COMMIT.
_AT_COMMIT: WrittenAtCommit[type[ChangeStampMixin]] = WrittenAtCommit(
    "shared.snapshots", merge=lambda owed, more: owed, write=_write_stamp
)


@event.listens_for(Session, "after_flush")
def _note_change(session: Session, flush_context: Any) -> None:
    # A flush makes the transaction owe a new stamp, written before commit (inside a
    # savepoint: now, inside it, rolled back with it).
    table = session.info.pop(_CHANGED, None)
    if table is not None:
        _AT_COMMIT.owe(session, table)


async def write_stamp(session: AsyncSession) -> None:
    """Flush ``session`` and write the new stamp its transaction owes (otherwise written
    at commit), so that a read of the stamp in the same transaction sees its own writes.
    :meth:`SnapshotCache.stamp` calls it when the session has written or holds changes."""
    await _AT_COMMIT.settle(session)


def _owes_stamp(session: AsyncSession) -> bool:
    return bool(
        _AT_COMMIT.owes(session.sync_session)
        or session.new
        or session.dirty
        or session.deleted
    )


class SnapshotCache(Generic[T]):
    """At most ``size`` computed values, each kept with the stamp it was computed at
    (least recently used first out)."""

    def __init__(self, stamp_table: type[ChangeStampMixin], size: int = 256) -> None:
        self.stamp_table = stamp_table
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[int | None, T]] = OrderedDict()

    async def stamp(self, session: AsyncSession) -> int | None:
        """The current change stamp (None when the row is missing: nothing is kept); in a
        transaction that changed records, the new stamp it owes is written first."""
        if _owes_stamp(session):
            await write_stamp(session)
        t = self.stamp_table
        stamp: int | None = await session.scalar(select(t.stamp).where(t.id == ROW_ID))
        return stamp

    async def get(
        self,
        session: AsyncSession,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        *,
        stamp: int | None = None,
    ) -> T:
        """The value for ``key``: kept if the records have not changed since, else
        ``compute()`` (on the same session, so it sees the records the stamp was read
        with or newer: a newer one only makes the kept value stale sooner). ``stamp``:
        the stamp the caller read already in this transaction (else it is read)."""
        if stamp is None:
            stamp = await self.stamp(session)
        kept = self._entries.get(key)
        if kept is not None and stamp is not None and kept[0] == stamp:
            self._entries.move_to_end(key)
            return kept[1]
        value = await compute()
        self._entries[key] = (stamp, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value


def cache_of(state: Any, stamp_table: type[ChangeStampMixin]) -> SnapshotCache[Any]:
    """The app's snapshot cache (made on first use and kept on ``app.state``)."""
    cache: SnapshotCache[Any] | None = getattr(state, "statistics_snapshots", None)
    if cache is None:
        cache = SnapshotCache(stamp_table)
        state.statistics_snapshots = cache
    return cache


async def conditional_snapshot(
    request: Request,
    response: Response,
    session: AsyncSession,
    *,
    stamp_table: type[ChangeStampMixin],
    version: str,
    key: tuple[str, int],
    compute: Callable[[], Awaitable[T]],
) -> T | Response:
    """A statistics answer for ``key`` (region code, year): 304 when the request's
    ``If-None-Match`` names the current tag (nothing computed), else the kept or computed
    value (:meth:`SnapshotCache.get`) with its ``ETag`` (shared.conditional.statistics_etag
    of ``version``, the key and the change stamp)."""
    cache: SnapshotCache[T] = cache_of(request.app.state, stamp_table)
    stamp = await cache.stamp(session)
    tag = statistics_etag(version, *key, stamp)
    if stamp is not None and none_match(request, tag):
        return not_modified(tag)
    value = await cache.get(session, key, compute, stamp=stamp)
    if stamp is not None:
        response.headers["ETag"] = tag
    return value
