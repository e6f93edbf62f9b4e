from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from stack import SERVICES, Stack

from gateway.sample.tongcheng_2023 import LOADER_SCOPES, load_sample
from shared.testing import postgres_admin_url, throwaway_database
from tests.e2e.tokens import token_of


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The four services as real processes on free ports: SQLite files in a temporary
    directory, or throwaway PostgreSQL databases when FAZHI_TEST_POSTGRES_URL is set."""
    with ExitStack() as resources:
        urls: dict[str, str] = {}
        if postgres_admin_url():
            for service in SERVICES:
                urls[service] = resources.enter_context(
                    throwaway_database(service, backend="postgresql")
                )
        data_dir = Path(tmp_path_factory.mktemp("var"))
        running = Stack.on_free_ports(data_dir, database_urls=urls)
        yield resources.enter_context(running.running())


@pytest.fixture(scope="session")
def credentials(stack: Stack) -> tuple[str, str]:
    """An integration client of 通城县 with the sample loader's scopes."""
    return stack.create_client("e2e-loader", LOADER_SCOPES, region_code="421222")


@pytest.fixture(scope="session")
def auth(stack: Stack, credentials: tuple[str, str]) -> dict[str, str]:
    """Authorization headers of that client (a token good for 15 minutes)."""
    return token_of(stack, credentials)


@pytest.fixture(scope="session")
def loaded(stack: Stack, credentials: tuple[str, str]) -> dict[str, Any]:
    """The 通城县 2023 sample, created through the gateway's public API only."""
    started = time.monotonic()
    counts = asyncio.run(load_sample(stack.url(), credentials=credentials))
    backend = "postgresql" if stack.database_urls else "sqlite"
    print(
        f"\nsample loaded on {backend} in {time.monotonic() - started:.1f} s: {counts}"
    )
    return counts
