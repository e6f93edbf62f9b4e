"""Alembic environment of the mediation service (see shared.service.run_migrations)."""

from mediation.config import Settings
from mediation.models import Base
from shared.service import run_migrations

run_migrations(Base.metadata, default_url=lambda: Settings().effective_database_url)
