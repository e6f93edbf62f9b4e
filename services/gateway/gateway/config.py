"""Settings of the gateway (environment prefix ``GATEWAY_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Attributes:
    reconsideration_url, mediation_url, enforcement_url: base URLs of the services (scheme,
        host and port, no path); the gateway calls ``<url>/api/v1/...``.
    connect_timeout_s, read_timeout_s, write_timeout_s, pool_timeout_s: seconds, per upstream
        call (``httpx.Timeout``); a proxied request may take up to ``read_timeout_s`` between
        two chunks of the upstream's answer.
    max_connections, max_keepalive_connections, keepalive_expiry_s: the connection pool of each
        upstream (one pool per upstream, so a slow service cannot starve the others).
    report_timeout_s: seconds each statistics call of a report may take; a source slower than
        this is reported as ``timeout`` and the report answers without it.
    retry_after_s: seconds sent as ``Retry-After`` when a proxied service cannot be reached.
    max_statistics_bytes: largest statistics payload accepted from a service.
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    reconsideration_url: str = "http://127.0.0.1:8001"
    mediation_url: str = "http://127.0.0.1:8002"
    enforcement_url: str = "http://127.0.0.1:8003"

    connect_timeout_s: float = Field(default=2.0, gt=0)
    read_timeout_s: float = Field(default=30.0, gt=0)
    write_timeout_s: float = Field(default=30.0, gt=0)
    pool_timeout_s: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    max_keepalive_connections: int = Field(default=20, ge=0)
    keepalive_expiry_s: float = Field(default=30.0, ge=0)

    report_timeout_s: float = Field(default=5.0, gt=0)
    retry_after_s: int = Field(default=5, ge=1)
    max_statistics_bytes: int = Field(default=2_000_000, ge=1024)

    @field_validator("reconsideration_url", "mediation_url", "enforcement_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("an upstream URL starts with http:// or https://")
        return value.rstrip("/")

    def upstream_url(self, name: str) -> str:
        """Base URL of the upstream called ``name`` (reconsideration, mediation or enforcement)."""
        url: str = getattr(self, f"{name}_url")
        return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
