"""Bad input never reaches the database, never echoes back, and always names its field."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.types import today
from tests.disputes.test_router import START, command, dispute_body, register
from tests.factories import make_committee

PROBLEM = "application/problem+json"


@pytest.fixture
async def committee_id(session: AsyncSession) -> str:
    return str((await make_committee(session)).id)


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field]
    return body


class TestDates:
    @pytest.mark.parametrize(
        "day", ["9999-12-31", "2101-01-01", "0001-01-01", "1949-09-30", "2023-02-30"]
    )
    async def test_implausible_dates_are_refused(
        self, client: httpx.AsyncClient, committee_id: str, day: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json=dispute_body(committee_id, registered_on=day)
        )
        assert_problem(response, 422, "registered_on")

    async def test_a_step_dated_in_the_future_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        tomorrow = today().replace(year=today().year + 1).isoformat()
        response = await command(
            client, dispute["id"], {"type": "start_mediation", "occurred_on": tomorrow}
        )
        assert_problem(response, 422, "occurred_on")


class TestMoney:
    @pytest.mark.parametrize(
        ("sent", "stored"), [("12.5", "12.50"), ("0", "0.00"), (100, "100.00")]
    )
    async def test_amounts_come_back_with_two_decimals(
        self, client: httpx.AsyncClient, committee_id: str, sent: Any, stored: str
    ) -> None:
        dispute = await register(client, committee_id, amount_involved=sent)
        assert dispute["amount_involved"] == stored
        assert (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()[
            "amount_involved"
        ] == stored

    @pytest.mark.parametrize(
        "sent", ["1E2", "１２３", " 12 ", "+5", ".5", "-1", "NaN", "1.005", True]
    )
    async def test_odd_spellings_of_money_are_refused(
        self, client: httpx.AsyncClient, committee_id: str, sent: Any
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json=dispute_body(committee_id, amount_involved=sent)
        )
        assert_problem(response, 422, "amount_involved")


class TestText:
    async def test_nul_characters_are_refused_with_the_field(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        body = dispute_body(committee_id)
        body["parties"][1]["name"] = "李\x00某"
        response = await client.post("/api/v1/disputes", json=body)
        assert_problem(response, 422, "parties.1.name")

    async def test_a_bad_command_type_is_not_echoed(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        secret = "110101199003077777 张三 13800138000"
        response = await command(
            client, dispute["id"], {"type": secret, "occurred_on": "2023-03-02"}
        )
        assert_problem(response, 422, "type")
        assert "110101199003077777" not in response.text
        assert "start_mediation" in response.json()["errors"][0]["message"]

    async def test_unknown_field_names_are_cut_short(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json={**dispute_body(committee_id), "x" * 5000: 1}
        )
        problem = assert_problem(response, 422)
        assert len(problem["errors"][0]["field"]) == 100
        assert len(response.content) < 2000


class TestRequestShape:
    async def test_a_body_that_is_not_json_is_415(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/disputes",
            content=b"summary=x",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert_problem(response, 415)

    async def test_malformed_json_names_the_body(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/disputes",
            content=b'{"summary": ',
            headers={"content-type": "application/json"},
        )
        assert_problem(response, 422, "body")

    async def test_a_body_over_the_limit_is_413(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json=dispute_body(committee_id, summary="纠" * 600_000)
        )
        assert_problem(response, 413)

    async def test_a_streamed_body_over_the_limit_is_413(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        body = json.dumps(dispute_body(committee_id, summary="纠" * 600_000)).encode()

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
            for start in range(0, len(body), 65_536):
                yield body[start : start + 65_536]

        response = await client.post(
            "/api/v1/disputes",
            content=chunks(),
            headers={"content-type": "application/json"},
        )
        assert "content-length" not in response.request.headers
        assert_problem(response, 413)

    async def test_unknown_query_parameters_are_400(
        self, client: httpx.AsyncClient
    ) -> None:
        body = assert_problem(
            await client.get("/api/v1/disputes", params={"yaer": 2023}), 400, "yaer"
        )
        assert body["type"] == "urn:fazhi:problem:unknown-query-parameter"
        assert "year" in body["detail"]

    async def test_a_parameter_given_twice_is_400(
        self, client: httpx.AsyncClient
    ) -> None:
        assert_problem(
            await client.get("/api/v1/disputes?year=2023&year=2024"), 400, "year"
        )

    async def test_known_parameters_still_work(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        assert (await command(client, dispute["id"], START)).status_code == 200
        response = await client.get(
            "/api/v1/disputes",
            params={
                "region_code": "421222",
                "year": 2023,
                "status": "mediating",
                "page_size": 5,
            },
        )
        assert [d["id"] for d in response.json()["items"]] == [dispute["id"]]
