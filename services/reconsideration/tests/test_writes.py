"""Safe writes on applications: case numbers under concurrency, Idempotency-Key, ETag
and If-Match (shared.testing.WriteContract)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from shared.testing import (
    ServiceUnderTest,
    WriteContract,
    downgrade,
    migrate,
    throwaway_database,
)

#: The revision before ``idempotency keys and case numbers`` (ec2e1fb8b70b).
CASE_NUMBERS_DOWN_REVISION = "3516ece8839f"

APPLICATION: dict[str, Any] = {
    "region_code": "421222",
    "received_on": "2023-03-01",
    "receipt_channel": "in_person",
    "applicant_name": "张某",
    "applicant_kind": "person",
    "respondent": "县市场监督管理局",
    "matter_type": "penalty",
}


class TestApplicationWrites(WriteContract):
    collection = "/api/v1/applications"
    case_number_pattern = "通政复〔2023〕{n}号"

    async def new_body(self, client: httpx.AsyncClient) -> dict[str, Any]:
        return dict(APPLICATION)

    def vary(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "applicant_name": "李某"}

    def commands(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return (
            {"type": "start_review", "occurred_on": "2023-03-02"},
            {"type": "start_review", "occurred_on": "2023-03-04"},
        )


async def test_the_migration_numbers_applications_stored_before_case_numbers(
    service_under_test: ServiceUnderTest,
) -> None:
    """The revision that brings case numbers numbers the stored applications per county
    and year, in the order received, and leaves the counters after them."""
    body = APPLICATION
    received = [
        ("421222", "2023-05-02"),
        ("421222", "2023-01-09"),
        ("421223", "2023-03-01"),
        ("421222", "2024-02-01"),
    ]
    with throwaway_database(service_under_test.name) as url:
        migrate(service_under_test.alembic_ini, url)
        ids = []
        async with _running(service_under_test, url) as client:
            for region_code, day in received:
                response = await client.post(
                    "/api/v1/applications",
                    json={**body, "region_code": region_code, "received_on": day},
                )
                assert response.status_code == 201, response.text
                ids.append(response.json()["id"])
        # Down to the revision before case numbers (not "-1": later revisions follow it).
        downgrade(service_under_test.alembic_ini, url, CASE_NUMBERS_DOWN_REVISION)
        migrate(service_under_test.alembic_ini, url)
        async with _running(service_under_test, url) as client:
            numbers = [
                (await client.get(f"/api/v1/applications/{i}")).json()["case_number"]
                for i in ids
            ]
            assert numbers == [
                "通政复〔2023〕2号",
                "通政复〔2023〕1号",
                "421223政复〔2023〕1号",
                "通政复〔2024〕1号",
            ]
            after = await client.post("/api/v1/applications", json=body)
            assert after.json()["case_number"] == "通政复〔2023〕3号"


@asynccontextmanager
async def _running(
    service_under_test: ServiceUnderTest, url: str
) -> AsyncIterator[httpx.AsyncClient]:
    app = service_under_test.app(url)
    async with app.router.lifespan_context(app), service_under_test.client(app) as c:
        yield c
