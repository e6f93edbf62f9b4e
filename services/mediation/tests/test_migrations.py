"""The migrations of the mediation database against an empty database (shared.migration_testing):
one head, base -> head -> base -> head, every revision up, down and up again, no model change
without a migration, every CHECK constraint in place."""

from __future__ import annotations

from pathlib import Path

from shared.migration_testing import MigrationContract


class TestMigrations(MigrationContract):
    alembic_ini = Path(__file__).resolve().parents[1] / "alembic.ini"
    service = "mediation"
