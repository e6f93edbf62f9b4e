"""Safe writes on applications: case numbers under concurrency, Idempotency-Key, ETag
and If-Match (shared.testing.WriteContract)."""

from __future__ import annotations

from typing import Any

import httpx

from shared.testing import WriteContract


class TestApplicationWrites(WriteContract):
    collection = "/api/v1/applications"
    case_number_pattern = "通政复〔2023〕{n}号"

    async def new_body(self, client: httpx.AsyncClient) -> dict[str, Any]:
        return {
            "region_code": "421222",
            "received_on": "2023-03-01",
            "receipt_channel": "in_person",
            "applicant_name": "张某",
            "applicant_kind": "person",
            "respondent": "县市场监督管理局",
            "matter_type": "penalty",
        }

    def vary(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "applicant_name": "李某"}

    def commands(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return (
            {"type": "start_review", "occurred_on": "2023-03-02"},
            {"type": "start_review", "occurred_on": "2023-03-04"},
        )
