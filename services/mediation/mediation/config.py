"""Settings of the mediation service (environment prefix ``MEDIATION_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from shared.service import DataServiceSettings


class Settings(DataServiceSettings):
    """Attributes:
    dispute_time_limit_days: calendar days within which a dispute is generally settled
        (local practice, default 30; research/mission-notes.md §2.4).
    """

    model_config = SettingsConfigDict(env_prefix="MEDIATION_")

    service_name: ClassVar[str] = "mediation"

    dispute_time_limit_days: int = 30
