"""Safe writes on supervision instruments: case numbers under concurrency,
Idempotency-Key, ETag and If-Match (shared.testing.WriteContract)."""

from __future__ import annotations

from typing import Any

import httpx

from shared.testing import WriteContract


class TestInstrumentWrites(WriteContract):
    collection = "/api/v1/supervision-instruments"
    case_number_pattern = "通司执监〔2023〕{n}号"

    async def new_body(self, client: httpx.AsyncClient) -> dict[str, Any]:
        agency = await client.post(
            "/api/v1/enforcement-agencies",
            json={
                "region_code": "421222",
                "name": "通城县市场监督管理局",
                "sector": "市场监管",
            },
        )
        assert agency.status_code == 201, agency.text
        return {
            "kind": "recommendation",
            "agency_id": agency.json()["id"],
            "findings": "行政处罚案件未按规定进行法制审核",
            "required_actions": "完善法制审核程序并报送整改报告",
            "issued_on": "2023-03-01",
        }

    def vary(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "kind": "opinion"}

    def commands(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return (
            {"type": "record_reply", "occurred_on": "2023-03-20", "reply": "已整改"},
            {"type": "record_reply", "occurred_on": "2023-03-21", "reply": "正在整改"},
        )
