"""Alembic environment of the enforcement service (async engine from Settings)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from enforcement.config import Settings
from enforcement.models import Base
from shared.db import create_engine, is_sqlite

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or context.get_x_argument(
        as_dictionary=True
    ).get("database_url")
    return str(url or Settings().effective_database_url)


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render the project's column types as their plain SQL type: revisions never import app code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    backend_is_sqlite = is_sqlite(url or _url())
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        render_as_batch=backend_is_sqlite,
        literal_binds=connection is None,
    )


def run_migrations_offline() -> None:
    _configure(url=_url())
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
