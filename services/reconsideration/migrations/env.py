"""Alembic environment of the reconsideration service (see shared.service.run_migrations)."""

from reconsideration.config import Settings
from reconsideration.models import Base
from shared.service import run_migrations

run_migrations(Base.metadata, default_url=lambda: Settings().effective_database_url)
