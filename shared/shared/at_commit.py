"""Writes a transaction owes just before it commits.

Some rows are shared by many write transactions: the statistics counters of a county, its
province and the country (shared.rollups), the one change stamp of a service
(shared.snapshots). A row lock lasts from the statement that writes the row to the
transaction's COMMIT, so such rows are written as the transaction's last statement, once:
what the transaction's flushes owe is gathered (:meth:`WrittenAtCommit.owe`) and written in
``before_commit``, after the last flush.

A read in the same transaction that must see those writes settles them first
(:meth:`WrittenAtCommit.settle`). If it does so inside a savepoint (``begin_nested``) and
the savepoint is rolled back, the write is undone with it: the transaction owes it again,
and writes it at commit. A savepoint released into an enclosing savepoint passes the
record on to it; one released into the transaction is done with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

__all__ = ["WrittenAtCommit"]

V = TypeVar("V")


class WrittenAtCommit(Generic[V]):
    """What transactions owe under ``name``: ``merge(owed, more)`` adds to what is owed
    (and returns the sum), ``write(session, owed)`` writes it on the session's connection.

    Make one per kind of write, at import time: it listens to every Session."""

    def __init__(
        self,
        name: str,
        *,
        merge: Callable[[V, V], V],
        write: Callable[[Session, V], None],
    ) -> None:
        self.merge = merge
        self.write = write
        self._owed = f"{name}.owed"
        self._early = f"{name}.written_in_savepoints"
        event.listen(Session, "before_commit", self._before_commit)
        event.listen(Session, "after_commit", self._after_commit)
        event.listen(Session, "after_soft_rollback", self._after_soft_rollback)
        event.listen(Session, "after_transaction_end", self._after_transaction_end)

    def owe(self, session: Session, value: V) -> None:
        """Add ``value`` to what the session's transaction owes, written just before it
        commits. Inside a savepoint (``begin_nested``) it is written at once instead,
        inside the savepoint, so that rolling the savepoint back takes it back with the
        changes that owed it."""
        if session.in_nested_transaction():
            self.write(session, value)
            return
        self._add(session, value)

    def _add(self, session: Session, value: V) -> None:
        owed: V | None = session.info.get(self._owed)
        session.info[self._owed] = value if owed is None else self.merge(owed, value)

    def owes(self, session: Session) -> bool:
        return session.info.get(self._owed) is not None

    async def settle(self, session: AsyncSession) -> None:
        """Flush and write what the transaction owes now, so that a read in it sees it."""
        await session.run_sync(self._settle)

    def _settle(self, session: Session) -> None:
        session.flush()  # the last flush first: it may owe more
        owed: V | None = session.info.pop(self._owed, None)
        if owed is None:
            return
        self.write(session, owed)
        savepoint = session.get_nested_transaction()
        if savepoint is not None:
            self._remember(session, savepoint, owed)

    def _remember(
        self, session: Session, savepoint: SessionTransaction, owed: V
    ) -> None:
        early: dict[SessionTransaction, V] = session.info.setdefault(self._early, {})
        before = early.get(savepoint)
        early[savepoint] = owed if before is None else self.merge(before, owed)

    def _before_commit(self, session: Session) -> None:
        self._settle(session)

    def _after_commit(self, session: Session) -> None:
        # For a savepoint, this runs while it is still the session's nested transaction.
        savepoint = session.get_nested_transaction()
        early: dict[SessionTransaction, V] | None = session.info.get(self._early)
        if savepoint is None or not early or savepoint not in early:
            return
        written = early.pop(savepoint)
        parent = savepoint.parent
        if parent is not None and parent.nested:
            self._remember(session, parent, written)

    def _after_soft_rollback(
        self, session: Session, previous_transaction: SessionTransaction
    ) -> None:
        early: dict[SessionTransaction, V] | None = session.info.get(self._early)
        if not early or previous_transaction.parent is None:
            return
        written = early.pop(previous_transaction, None)
        if written is not None:
            self._add(session, written)

    def _after_transaction_end(self, session: Session, transaction: Any) -> None:
        # The session's transaction ended: committed (written) or rolled back (not owed).
        if transaction.parent is None:
            session.info.pop(self._owed, None)
            session.info.pop(self._early, None)
