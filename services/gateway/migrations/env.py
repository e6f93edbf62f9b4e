"""Alembic environment of the gateway's identity database (see shared.service.run_migrations)."""

from gateway.config import Settings
from gateway.models import Base
from shared.service import run_migrations

run_migrations(Base.metadata, default_url=lambda: Settings().effective_database_url)
