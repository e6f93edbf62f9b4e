"""Settings of the mediation service (environment prefix ``MEDIATION_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from shared.service import DataServiceSettings


class Settings(DataServiceSettings):
    """Attributes:
    dispute_time_limit_days: calendar days within which a dispute is generally settled
        (local practice, default 30; research/mission-notes.md §2.4).
    personal_data_key: base64 of the 32-byte key that encrypts and hashes parties' ID
        numbers, credit codes and phones; when unset, the key in
        ``<data_dir>/mediation-personal-data.key`` (created on first start).
    """

    model_config = SettingsConfigDict(env_prefix="MEDIATION_")

    service_name: ClassVar[str] = "mediation"

    dispute_time_limit_days: int = 30
    personal_data_key: SecretStr | None = None
