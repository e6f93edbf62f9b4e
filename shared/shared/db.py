"""Database helpers shared by the data services (``shared[db]`` extra).

- :data:`NAMING_CONVENTION` so every constraint has a stable name in migrations
  (SQLite batch migrations lose unnamed CHECK constraints).
- :func:`create_engine` for SQLite (WAL, busy timeout, foreign keys, and
  ``BEGIN IMMEDIATE`` so two writers queue instead of deadlocking) and PostgreSQL.
- Column types: :class:`UTCDateTime` (timezone-aware on every backend) and
  :class:`Money` (yuan as ``Decimal`` in Python, integer fen in the database, so
  SQL sums are exact on SQLite too).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, Uuid, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

S = TypeVar("S")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def naming_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def sqlite_url(data_dir: Path, name: str) -> str:
    """URL of the embedded SQLite file ``<data_dir>/<name>.sqlite3`` (the directory is created)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{(data_dir / f'{name}.sqlite3').resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str,
    *,
    echo: bool = False,
    lock_timeout_s: float | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine with Fazhi's connection settings for the URL's backend.

    ``lock_timeout_s`` (PostgreSQL; seconds, rounded to milliseconds) bounds every wait
    for a row lock on the engine's connections (the server setting ``lock_timeout``):
    a statement that waits longer fails with SQLSTATE 55P03, which the services answer
    as 409 for an Idempotency-Key still in flight (shared.idempotency) and as 503 with
    ``Retry-After`` otherwise (:func:`install_db_problem_handlers`). It is set once per
    connection, not per transaction, so that it costs no statement. SQLite ignores it
    (its writers queue on the busy timeout)."""
    if is_sqlite(url):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(url, echo=echo, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if lock_timeout_s is not None:
        connect_args = dict(kwargs.pop("connect_args", {}))
        server_settings = dict(connect_args.get("server_settings", {}))
        server_settings["lock_timeout"] = str(max(1, round(lock_timeout_s * 1000)))
        connect_args["server_settings"] = server_settings
        kwargs["connect_args"] = connect_args
    return create_async_engine(url, echo=echo, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that BEGIN and
        # SAVEPOINT behave as SQL says (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front (IMMEDIATE): concurrent
        # writers queue on busy_timeout instead of failing with "database is
        # locked" when a read lock is upgraded. Readers (see read_only()) begin
        # deferred and, in WAL mode, never wait for a writer.
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


READ_ONLY_OPTION = "fazhi_read_only"

_STATEMENTS: dict[Hashable, Any] = {}


def cached_statement(key: Hashable, build: Callable[[], S]) -> S:
    """The statement ``build()`` makes, built once per ``key`` (e.g. the dialect's name
    and the table) and reused: its values come as bound parameters at execution. Building
    a SQLAlchemy statement and computing its cache key cost more than running it on a
    hot path (a create runs several); a statement object kept keeps both."""
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = build()
    return cast(S, stmt)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, for transactions that only read."""
    return engine.execution_options(**{READ_ONLY_OPTION: True})


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def request_session(request: Any) -> AsyncIterator[AsyncSession]:
    """One session per request, read-only for safe methods; endpoints commit, this only closes.

    Expects ``app.state.sessionmaker`` and ``app.state.read_sessionmaker`` (see
    :func:`install_database`).
    """
    state = request.app.state
    maker = (
        state.read_sessionmaker
        if request.method in SAFE_METHODS
        else state.sessionmaker
    )
    async with maker() as session:
        yield session


def install_database(
    state: Any, engine: AsyncEngine, *, writer: AsyncEngine | None = None
) -> None:
    """Put the engine and both sessionmakers on ``app.state``: writes through ``writer``
    (default ``engine``), reads through ``engine``."""
    state.engine = engine
    state.sessionmaker = create_sessionmaker(writer or engine)
    state.read_sessionmaker = create_sessionmaker(read_only(engine))


#: How long a write waits for SQLite's one writer connection, in seconds (then 500: the
#: database is far behind).
SQLITE_WRITER_TIMEOUT_S = 60


@asynccontextmanager
async def open_database(
    state: Any, url: str, *, lock_timeout_s: float | None = None
) -> AsyncIterator[AsyncEngine]:
    """The app's database for its lifespan (:func:`install_database`), disposed after;
    ``lock_timeout_s`` as in :func:`create_engine`.

    On SQLite, writes go through an engine of their own with a single connection: SQLite
    has one writer at a time anyway, and writers waiting in the pool's queue are served in
    turn, where writers on many connections wait in SQLite's busy handler (polling; p99
    0.8 s against 80 ms at 64 concurrent writers, performance-notes §2). Reads keep the
    pooled engine (WAL: they never wait for the writer). On PostgreSQL one engine does both.
    """
    engine = create_engine(url, lock_timeout_s=lock_timeout_s)
    writer = engine
    if is_sqlite(url):
        writer = create_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=SQLITE_WRITER_TIMEOUT_S
        )
    install_database(state, engine, writer=writer)
    try:
        yield engine
    finally:
        if writer is not engine:
            await writer.dispose()
        await engine.dispose()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp, stored in UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: timestamps must carry a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


FEN_PER_YUAN = 100


class Money(TypeDecorator[Decimal]):
    """An amount in yuan (``Decimal``, at most 2 decimals), stored as integer fen."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        fen = Decimal(value) * FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise ValueError("money has at most two decimals (fen)")
        return int(fen)

    def process_result_value(
        self, value: int | None, dialect: Dialect
    ) -> Decimal | None:
        if value is None:
            return None
        return fen_to_yuan(value)


def fen_to_yuan(fen: int | Decimal) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RecordMixin:
    """Columns every stored record has: a UUID id, UTC timestamps and a row version.

    ``version`` is SQLAlchemy's ``version_id_col``: every UPDATE checks and bumps
    it, so a concurrent change of the same row fails instead of being lost; it is
    also the record's ETag.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def alembic_heads(alembic_ini: Path) -> set[str]:
    """Head revisions of a service's migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(Config(str(alembic_ini))).get_heads())


def database_check(alembic_ini: Path) -> Any:
    """A readiness check: the database answers and its schema is at the migrations' head."""
    heads = alembic_heads(alembic_ini)

    async def check(request: Any) -> None:
        async with read_only(request.app.state.engine).connect() as conn:
            rows = await conn.exec_driver_sql("SELECT version_num FROM alembic_version")
            current = {r[0] for r in rows}
        if current != heads:
            raise RuntimeError(
                f"schema at {sorted(current)}, migrations at {sorted(heads)}"
            )

    return check


#: SQLSTATE of a lock wait cut off by ``lock_timeout`` (PostgreSQL).
LOCK_NOT_AVAILABLE = "55P03"


def sqlstate(exc: Exception) -> str | None:
    """The SQLSTATE of a DBAPI error (asyncpg's ``sqlstate``, psycopg's ``pgcode``), if
    the driver gives one."""
    orig = getattr(exc, "orig", None)
    for attr in ("sqlstate", "pgcode"):
        code = getattr(orig, attr, None)
        if isinstance(code, str):
            return code
    cause = getattr(orig, "__cause__", None)
    code = getattr(cause, "sqlstate", None)
    return code if isinstance(code, str) else None


#: Words of the driver's message when the database is busy or the connection is lost.
_TRANSIENT = ("database is locked", "database is busy", "connection", "terminat")


def is_transient(exc: Exception) -> bool:
    """Whether a DBAPI error is worth a retry (busy, locked, connection lost)."""
    if getattr(exc, "connection_invalidated", False):
        return True
    message = str(getattr(exc, "orig", exc)).lower()
    return any(word in message for word in _TRANSIENT)


def install_db_problem_handlers(app: Any) -> None:
    """Map database errors to problem+json instead of 500s: a stale row version to 412
    (shared.conditional), a constraint violation to 409, a busy or unreachable database
    to 503 with Retry-After."""
    from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from shared.errors import problem_response

    async def stale(request: Any, exc: Exception) -> Any:
        # The row's version changed between the If-Match check and the UPDATE: the
        # ETag the client sent is no longer current (shared.conditional).
        return problem_response(
            request,
            status=412,
            type_slug="precondition-failed",
            title="Precondition failed",
            detail="The record was changed by another request since the ETag you sent "
            "(If-Match); read it again and decide whether the command still applies.",
        )

    async def integrity(request: Any, exc: Exception) -> Any:
        return problem_response(
            request,
            status=409,
            type_slug="constraint-violation",
            title="Constraint violation",
            detail="The change conflicts with stored records.",
        )

    async def unavailable(request: Any, exc: Exception) -> Any:
        # The database is busy beyond the busy timeout (SQLite "database is locked"), a
        # row lock was not granted within the engine's lock_timeout (PostgreSQL 55P03,
        # see create_engine) or the connection is gone: nothing was written; the client
        # may retry. Any other database error (a missing table, say) is a fault: the 500
        # path logs it.
        busy = isinstance(exc, OperationalError) and is_transient(exc)
        if not busy and sqlstate(exc) != LOCK_NOT_AVAILABLE:
            raise exc
        return problem_response(
            request,
            status=503,
            type_slug="database-unavailable",
            title="Database unavailable",
            detail="The database, or the records this request changes, are busy; "
            "nothing was changed. Retry shortly.",
            headers={"Retry-After": "1"},
        )

    app.add_exception_handler(StaleDataError, stale)
    app.add_exception_handler(IntegrityError, integrity)
    # OperationalError included (a DBAPIError).
    app.add_exception_handler(DBAPIError, unavailable)
