"""Settings of the reconsideration service (environment prefix ``RECONSIDERATION_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from shared.service import DataServiceSettings


class Settings(DataServiceSettings):
    """The settings every data service has, and:

    Attributes:
        personal_data_key: base64 of the 32-byte key that encrypts and hashes applicants'
            ID numbers, credit codes and phones; when unset, the key file
            ``<data_dir>/reconsideration-personal-data.key`` (created on first start).
    """

    model_config = SettingsConfigDict(env_prefix="RECONSIDERATION_")

    service_name: ClassVar[str] = "reconsideration"

    personal_data_key: SecretStr | None = None
