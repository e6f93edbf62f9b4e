"""Safe writes on disputes: case numbers under concurrency, Idempotency-Key, ETag and
If-Match (shared.testing.WriteContract)."""

from __future__ import annotations

from typing import Any

import httpx

from shared.testing import WriteContract
from tests.disputes.test_router import dispute_body


class TestDisputeWrites(WriteContract):
    collection = "/api/v1/disputes"
    case_number_pattern = "通人调〔2023〕{n}号"
    shared_table = "statistics_rollups"

    async def new_body(self, client: httpx.AsyncClient) -> dict[str, Any]:
        committee = await client.post(
            "/api/v1/committees",
            json={
                "region_code": "421222",
                "township_code": "421222100",
                "name": "隽水镇人民调解委员会",
                "kind": "township",
            },
        )
        assert committee.status_code == 201, committee.text
        return dispute_body(committee.json()["id"])

    def vary(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "summary": "相邻通行纠纷"}

    def commands(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return (
            {"type": "start_mediation", "occurred_on": "2023-03-02"},
            {"type": "start_mediation", "occurred_on": "2023-03-05"},
        )
