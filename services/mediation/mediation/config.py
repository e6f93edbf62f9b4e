"""Settings of the mediation service (environment prefix ``MEDIATION_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.db import sqlite_url
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Attributes:
    database_url: SQLAlchemy async URL; default an SQLite file ``<data_dir>/mediation.sqlite3``.
    dispute_time_limit_days: calendar days within which a dispute is generally settled
        (local practice, default 30; research/mission-notes.md §2.4).
    """

    model_config = SettingsConfigDict(env_prefix="MEDIATION_")

    database_url: str | None = None
    dispute_time_limit_days: int = 30

    @property
    def effective_database_url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir, "mediation")


@lru_cache
def get_settings() -> Settings:
    return Settings()
