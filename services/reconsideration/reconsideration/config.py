"""Settings of the reconsideration service (environment prefix ``RECONSIDERATION_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from shared.service import DataServiceSettings


class Settings(DataServiceSettings):
    """The reconsideration service has only the settings every data service has."""

    model_config = SettingsConfigDict(env_prefix="RECONSIDERATION_")

    service_name: ClassVar[str] = "reconsideration"
