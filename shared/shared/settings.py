"""Typed, prefixed settings shared by every Fazhi service.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix``
(``MEDIATION_``, ``GATEWAY_`` ...) and builds an instance on demand: there is
no module-level settings object, so tests pass their own instance to
``create_app(settings)``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Secrets that ship in the repository for local development. Outside
#: ``local`` and ``test`` a service refuses to start with one of them.
PLACEHOLDER_SECRET = "change-me-local-only"


class Environment(StrEnum):
    local = "local"
    test = "test"
    production = "production"


class ServiceSettings(BaseSettings):
    """Settings every service has.

    Attributes:
        environment: ``local`` (default), ``test`` or ``production``.
        log_level: standard logging level name.
        log_json: JSON log lines (default in production) instead of console lines.
        cursor_secret: key for the opaque pagination cursors; must be the same on
            every replica of a service.
        data_dir: where embedded SQLite files live (``var/`` by default).
    """

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    environment: Environment = Environment.local
    log_level: str = "INFO"
    log_json: bool | None = None
    cursor_secret: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    data_dir: Path = Field(default=Path("var"))

    @property
    def logs_as_json(self) -> bool:
        if self.log_json is not None:
            return self.log_json
        return self.environment is Environment.production

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Self:
        if self.environment is Environment.production:
            for name, value in self:
                if (
                    isinstance(value, SecretStr)
                    and value.get_secret_value() == PLACEHOLDER_SECRET
                ):
                    raise ValueError(
                        f"{name} still has the local placeholder value; set a real secret in production"
                    )
        return self
