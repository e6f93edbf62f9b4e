"""Alembic environment of the enforcement service (see shared.service.run_migrations)."""

from enforcement.config import Settings
from enforcement.models import Base
from shared.service import run_migrations

run_migrations(Base.metadata, default_url=lambda: Settings().effective_database_url)
