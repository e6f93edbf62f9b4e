"""Settings of the gateway (environment prefix ``GATEWAY_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.service import DataServiceSettings


class Settings(DataServiceSettings):
    """Attributes:
    reconsideration_url, mediation_url, enforcement_url: base URLs of the services (scheme,
        host and port, no path); the gateway calls ``<url>/api/v1/...``.
    connect_timeout_s, read_timeout_s, write_timeout_s, pool_timeout_s: seconds, per upstream
        call (``httpx.Timeout``: to connect, between two reads, between two writes, to wait
        for a free connection of the pool); defaults 2, 30, 30 and 5. A routed request may
        take up to ``read_timeout_s`` between two chunks of the upstream's answer.
    max_connections, max_keepalive_connections, keepalive_expiry_s: the connection pool of each
        upstream (one client and pool per upstream, so a slow service cannot starve the
        others); defaults 100, 20, 4 s. The idle expiry stays below the services' keep-alive
        timeout (uvicorn's default 5 s): otherwise a request may be sent on a connection
        the service is closing, and a POST, never retried, would fail.
    upstream_transport: the connection pool under the upstream clients' httpx API:
        ``aiohttp`` (default: httpx-aiohttp's transport over one ``aiohttp`` session per
        upstream, no cookies kept, no proxy variables read; the write timeout has no
        equivalent there) or ``httpx`` (httpcore's pool). aiohttp's costs 4-13x less CPU
        per routed request under concurrency (docs/performance.md).
    report_timeout_s: the annual report's deadline in seconds (default 1.5): every service is
        asked at once, retries included, and a source that has not answered by then is
        reported as ``timeout`` and the report answers without it (``partial: true``).
    route_deadline_s: seconds a routed request may wait for the start of the service's answer,
        retries included (default 30); then it answers 504.
    retries: how often a safe call (GET or HEAD without a body: the report's statistics, a
        routed GET) is retried after a transient failure (the service could not be reached,
        broke the connection, timed out, or answered 502/503/504); 0–2, default 1. Other
        methods (POST, PUT, PATCH, DELETE) are never retried.
    retry_backoff_s, retry_backoff_max_s: before the n-th retry the gateway waits
        ``retry_backoff_s · 2ⁿ⁻¹`` seconds (at most ``retry_backoff_max_s``) plus a random
        jitter of up to ``retry_backoff_s``; defaults 0.1 and 1.0. A retry that could not start
        before the call's deadline is not made.
    breaker_failure_threshold, breaker_window_s, breaker_cooldown_s: each upstream's circuit
        breaker opens after ``breaker_failure_threshold`` transient failures in a row (default
        5), the first at most ``breaker_window_s`` seconds before the last (default 30). While
        open, calls fail fast without reaching the service (a routed request answers 503 with
        ``Retry-After``, a report source is an ``error``) for ``breaker_cooldown_s`` seconds
        (default 5); then one call probes the service: its success closes the breaker, its
        failure opens it again. ``GET /upstreams`` shows each breaker.
    retry_after_s: seconds sent as ``Retry-After`` when a routed service cannot be reached
        (default 5); while its breaker is open, the time left of the cool-down instead.
    max_statistics_bytes: largest statistics payload accepted from a service.

    Identity (docs/auth.md); the gateway's own database holds users, clients, refresh tokens
    and failed logins only (``database_url``, default ``<data_dir>/gateway.sqlite3``):

    token_issuer, token_audience: ``iss`` and ``aud`` of the tokens the gateway issues (and
        checks on its own report endpoint). ``jwks_url`` and ``jwks`` are not used by the
        gateway: it verifies against its own keys.
    access_token_ttl_s: lifetime of an access token (default 15 minutes).
    refresh_token_ttl_s: lifetime of a login session: a refresh token, and every token it is
        rotated into, expires this long after the login that started it (default 8 hours).
    keys_dir: where the Ed25519 signing keys live as PEM files (default ``<data_dir>/keys``);
        every replica of the gateway must see the same directory.
    keys_reload_s: how often a running gateway re-reads ``keys_dir`` (a key added by
        ``rotate-keys`` signs on every replica within this time).
    key_retirement_margin_s: how long, beyond the longest token lifetime, a superseded key
        stays published (covers replicas that have not re-read the keys yet, clock skew and
        the services' verification leeway).
    login_failure_window_s, login_max_failures_per_account, login_max_failures_per_address,
        login_lockout_s: that many failed logins of one account (or from one client address)
        within the window lock further attempts for ``login_lockout_s`` seconds (429). The
        address is the TCP peer: behind a reverse proxy run uvicorn with ``--proxy-headers
        --forwarded-allow-ips=<the proxy's address>``, or every caller shares the proxy's.
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    service_name: ClassVar[str] = "gateway"

    reconsideration_url: str = "http://127.0.0.1:8001"
    mediation_url: str = "http://127.0.0.1:8002"
    enforcement_url: str = "http://127.0.0.1:8003"

    connect_timeout_s: float = Field(default=2.0, gt=0)
    read_timeout_s: float = Field(default=30.0, gt=0)
    write_timeout_s: float = Field(default=30.0, gt=0)
    pool_timeout_s: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    max_keepalive_connections: int = Field(default=20, ge=0)
    keepalive_expiry_s: float = Field(default=4.0, ge=0)
    upstream_transport: Literal["aiohttp", "httpx"] = "aiohttp"

    report_timeout_s: float = Field(default=1.5, gt=0)
    route_deadline_s: float = Field(default=30.0, gt=0)
    retries: int = Field(default=1, ge=0, le=2)
    retry_backoff_s: float = Field(default=0.1, gt=0, le=5)
    retry_backoff_max_s: float = Field(default=1.0, gt=0, le=30)
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_window_s: float = Field(default=30.0, gt=0)
    breaker_cooldown_s: float = Field(default=5.0, gt=0)
    retry_after_s: int = Field(default=5, ge=1)
    max_statistics_bytes: int = Field(default=2_000_000, ge=1024)

    access_token_ttl_s: int = Field(default=900, ge=60, le=86_400)
    refresh_token_ttl_s: int = Field(default=28_800, ge=300, le=30 * 86_400)
    keys_dir: Path | None = None
    keys_reload_s: float = Field(default=30.0, gt=0, le=3600)
    key_retirement_margin_s: int = Field(default=600, ge=0)

    login_failure_window_s: int = Field(default=900, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_lockout_s: int = Field(default=900, ge=1)

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

    @property
    def effective_keys_dir(self) -> Path:
        return self.keys_dir or self.data_dir / "keys"

    @property
    def key_publication_s(self) -> int:
        """How long a superseded signing key stays in the JWKS."""
        return self.access_token_ttl_s + self.key_retirement_margin_s


@lru_cache
def get_settings() -> Settings:
    return Settings()
