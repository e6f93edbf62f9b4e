"""Settings of the reconsideration service (environment prefix ``RECONSIDERATION_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.db import sqlite_url
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Attributes:
    database_url: SQLAlchemy async URL; default an SQLite file ``<data_dir>/reconsideration.sqlite3``.
    """

    model_config = SettingsConfigDict(env_prefix="RECONSIDERATION_")

    database_url: str | None = None

    @property
    def effective_database_url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir, "reconsideration")


@lru_cache
def get_settings() -> Settings:
    return Settings()
