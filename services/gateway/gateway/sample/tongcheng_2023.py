"""Load the 通城县 2023 sample through the gateway and read the annual report back.

python -m gateway.sample.tongcheng_2023 --gateway-url http://127.0.0.1:8000 [--report markdown|json]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import httpx

from gateway.sample import enforcement, mediation, reconsideration
from gateway.sample.common import REGION_CODE, Api

SEED = 2023


class Loader(Protocol):
    def __call__(
        self, api: Api, *, rng: random.Random
    ) -> Awaitable[dict[str, Any]]: ...


def _client(gateway_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=gateway_url,
        timeout=httpx.Timeout(60.0, connect=5.0),
        limits=httpx.Limits(max_connections=32),
        trust_env=False,
    )


async def load_sample(
    gateway_url: str, *, seed: int = SEED, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Create every record of the sample through the gateway's public API; returns counts by
    service. ``progress`` is told when each service's records are in."""
    started = time.monotonic()

    async def timed(name: str, load: Loader, api: Api) -> dict[str, Any]:
        counts = await load(api, rng=random.Random(f"{seed}-{name}"))
        if progress is not None:
            progress(f"  {name}: {counts} ({time.monotonic() - started:.0f} s)")
        return counts

    async with _client(gateway_url) as client:
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
    region_code: str = REGION_CODE,
    year: int = SEED,
    fmt: str = "json",
) -> str:
    async with _client(gateway_url) as client:
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
        "--report", choices=["markdown", "json", "none"], default="markdown"
    )
    args = parser.parse_args()
    counts = asyncio.run(load_sample(args.gateway_url))
    print(f"loaded: {counts}", file=sys.stderr)
    if args.report != "none":
        print(asyncio.run(report(args.gateway_url, fmt=args.report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
