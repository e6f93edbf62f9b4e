"""Load the 通城县 2023 sample through the gateway and read the annual report back.

python -m gateway.sample.tongcheng_2023 --gateway-url http://127.0.0.1:8000 [--report markdown|json]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Protocol

import httpx

from gateway.sample import enforcement, mediation, reconsideration
from gateway.sample.common import REGION_CODE, Api

SEED = 2023


class Loader(Protocol):
    def __call__(
        self, api: Api, *, rng: random.Random
    ) -> Awaitable[dict[str, Any]]: ...


#: What the sample loader's client registration grants (docs/auth.md).
LOADER_SCOPES = (
    "reconsideration:read",
    "reconsideration:write",
    "mediation:read",
    "mediation:write",
    "enforcement:read",
    "enforcement:write",
    "reports:read",
)


class ClientCredentials(httpx.Auth):
    """OAuth2 client-credentials: fetch an access token from the gateway, send it as a
    bearer token, and fetch a new one once when a call answers 401 (the token expired)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self._token: str | None = None
        self._lock = asyncio.Lock()

    async def _fetch(self, stale: str | None) -> str:
        async with self._lock:
            if self._token is None or self._token == stale:
                async with httpx.AsyncClient(timeout=30.0, trust_env=False) as client:
                    response = await client.post(
                        self.token_url,
                        data={"grant_type": "client_credentials"},
                        auth=(self.client_id, self.client_secret),
                    )
                    response.raise_for_status()
                    self._token = str(response.json()["access_token"])
            return self._token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._token or await self._fetch(None)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {await self._fetch(token)}"
            yield request


def _client(gateway_url: str, credentials: tuple[str, str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=gateway_url,
        timeout=httpx.Timeout(60.0, connect=5.0),
        limits=httpx.Limits(max_connections=32),
        trust_env=False,
        auth=ClientCredentials(f"{gateway_url}/api/v1/auth/token", *credentials),
    )


async def load_sample(
    gateway_url: str,
    *,
    credentials: tuple[str, str],
    seed: int = SEED,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Create every record of the sample through the gateway's public API, authenticated as
    the client ``credentials`` (client_id, client_secret; granted :data:`LOADER_SCOPES`).
    Returns counts by service; ``progress`` is told when each service's records are in."""
    started = time.monotonic()

    async def timed(name: str, load: Loader, api: Api) -> dict[str, Any]:
        counts = await load(api, rng=random.Random(f"{seed}-{name}"))
        if progress is not None:
            progress(f"  {name}: {counts} ({time.monotonic() - started:.0f} s)")
        return counts

    async with _client(gateway_url, credentials) as client:
        loaders = {
            "reconsideration": reconsideration.load,
            "mediation": mediation.load,
            "enforcement": enforcement.load,
        }
        async with asyncio.TaskGroup() as group:
            tasks = {
                name: group.create_task(
                    load(
                        Api(client, f"/api/v1/{name}"),
                        rng=random.Random(f"{seed}-{name}"),
                    )
                )
                for name, load in loaders.items()
            }
        return {name: task.result() for name, task in tasks.items()}


async def report(
    gateway_url: str,
    *,
    credentials: tuple[str, str],
    region_code: str = REGION_CODE,
    year: int = SEED,
    fmt: str = "json",
) -> str:
    """The annual report as the client ``credentials`` reads it (needs ``reports:read``)."""
    async with _client(gateway_url, credentials) as client:
        response = await client.get(
            "/api/v1/reports/annual",
            params={"region_code": region_code, "year": year, "format": fmt},
        )
        response.raise_for_status()
        return response.text


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gateway-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--client-id",
        required=True,
        help="a client granted the scopes in LOADER_SCOPES",
    )
    parser.add_argument(
        "--client-secret-stdin",
        action="store_true",
        required=True,
        help="read the client secret from stdin",
    )
    parser.add_argument(
        "--report", choices=["markdown", "json", "none"], default="markdown"
    )
    args = parser.parse_args()
    credentials = (args.client_id, sys.stdin.readline().strip())
    counts = asyncio.run(load_sample(args.gateway_url, credentials=credentials))
    print(f"loaded: {counts}", file=sys.stderr)
    if args.report != "none":
        print(
            asyncio.run(
                report(args.gateway_url, credentials=credentials, fmt=args.report)
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
