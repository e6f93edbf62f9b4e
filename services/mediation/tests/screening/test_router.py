"""Screening rounds (矛盾纠纷排查, mission-notes §2.8): date, level, area, disputes found,
zero reports, and disputes registered from a round with source ``screening``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.testing import ServiceUnderTest
from tests.disputes.test_router import dispute_body

PROBLEM = "application/problem+json"
ROUNDS = "/api/v1/screening-rounds"


def round_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "township_code": "421222100",
        "level": "village",
        "area": "隽水镇城东村",
        "screened_on": "2023-03-01",
        "disputes_found": 2,
    }
    body.update(overrides)
    return body


@pytest.fixture
async def committee_id(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/api/v1/committees",
        json={
            "region_code": "421222",
            "township_code": "421222100",
            "name": "城东村人民调解委员会",
            "kind": "village",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def open_round(client: httpx.AsyncClient, **overrides: Any) -> httpx.Response:
    response = await client.post(ROUNDS, json=round_body(**overrides))
    assert response.status_code == 201, response.text
    return response


class TestCreateRound:
    async def test_a_round_is_created_read_and_listed(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await open_round(client, committee_id=committee_id)
        body = created.json()
        assert created.headers["location"] == f"{ROUNDS}/{body['id']}"
        assert body["level"] == "village"
        assert body["disputes_found"] == 2
        assert body["zero_report"] is False
        assert body["disputes_opened"] == 0
        read = await client.get(created.headers["location"])
        assert read.json() == body
        assert read.headers["etag"] == created.headers["etag"]

    async def test_a_zero_report_is_allowed(self, client: httpx.AsyncClient) -> None:
        created = await open_round(client, disputes_found=0, zero_report=True)
        assert created.json()["zero_report"] is True
        listed = await client.get(ROUNDS, params={"zero_report": "true"})
        assert [r["id"] for r in listed.json()["items"]] == [created.json()["id"]]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"disputes_found": 0}, "zero_report"),
            ({"disputes_found": 3, "zero_report": True}, "zero_report"),
            ({"disputes_found": -1}, "disputes_found"),
            ({"level": "county"}, "township_code"),
            ({"level": "township", "township_code": None}, "township_code"),
            ({"township_code": "421223100"}, "township_code"),
            ({"level": "district"}, "level"),
            ({"area": ""}, "area"),
            ({"screened_on": "2999-01-01"}, "screened_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        response = await client.post(ROUNDS, json=round_body(**overrides))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == [field]

    async def test_a_committee_outside_the_township_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            ROUNDS,
            json=round_body(township_code="421222101", committee_id=committee_id),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "committee_id"

    async def test_a_retried_create_answers_the_first_response(
        self, client: httpx.AsyncClient
    ) -> None:
        key = {"Idempotency-Key": "5f0c6a1e-3b7d-4d2a-9a57-0d1e2f3a4b5c"}
        first = await client.post(ROUNDS, json=round_body(), headers=key)
        again = await client.post(ROUNDS, json=round_body(), headers=key)
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        other = await client.post(
            ROUNDS, json=round_body(area="隽水镇城西村"), headers=key
        )
        assert other.status_code == 422
        listed = await client.get(ROUNDS)
        assert len(listed.json()["items"]) == 1

    async def test_list_pages_with_a_cursor(self, client: httpx.AsyncClient) -> None:
        ids = [
            (await open_round(client, area=f"第{i}村")).json()["id"] for i in range(3)
        ]
        seen: list[str] = []
        params: dict[str, Any] = {"page_size": 2, "year": 2023, "level": "village"}
        while True:
            page = (await client.get(ROUNDS, params=params)).json()
            seen += [r["id"] for r in page["items"]]
            if not page["next_page_token"]:
                break
            params["page_token"] = page["next_page_token"]
        assert seen == ids


class TestDisputesFromRound:
    async def test_disputes_found_are_registered_with_source_screening(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await open_round(client, committee_id=committee_id)
        path = f"{created.headers['location']}/disputes"
        body = dispute_body(committee_id, registered_on="2023-03-02")
        del body["source"]
        first = await client.post(
            path, json=body, headers={"If-Match": created.headers["etag"]}
        )
        assert first.status_code == 201, first.text
        dispute = first.json()
        assert first.headers["location"] == f"/api/v1/disputes/{dispute['id']}"
        assert dispute["source"] == "screening"
        assert dispute["screening_round_id"] == created.json()["id"]
        assert dispute["status"] == "registered"
        round_ = await client.get(created.headers["location"])
        assert round_.json()["disputes_opened"] == 1
        assert round_.headers["etag"] != created.headers["etag"]
        stale = await client.post(
            path, json=body, headers={"If-Match": created.headers["etag"]}
        )
        assert stale.status_code == 412
        second = await client.post(
            path, json=body, headers={"If-Match": round_.headers["etag"]}
        )
        assert second.status_code == 201
        round_ = await client.get(created.headers["location"])
        third = await client.post(
            path, json=body, headers={"If-Match": round_.headers["etag"]}
        )
        assert third.status_code == 409
        assert third.json()["type"] == "urn:fazhi:problem:screening-round-exhausted"
        assert third.json()["disputes_found"] == 2
        found = await client.get(
            "/api/v1/disputes", params={"screening_round_id": created.json()["id"]}
        )
        assert {d["id"] for d in found.json()["items"]} == {
            dispute["id"],
            second.json()["id"],
        }

    async def test_a_zero_report_opens_no_dispute(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await open_round(client, disputes_found=0, zero_report=True)
        response = await client.post(
            f"{created.headers['location']}/disputes",
            json=dispute_body(committee_id, source="screening"),
            headers={"If-Match": created.headers["etag"]},
        )
        assert response.status_code == 409

    async def test_if_match_is_required(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await open_round(client)
        response = await client.post(
            f"{created.headers['location']}/disputes",
            json=dispute_body(committee_id, source="screening"),
        )
        assert response.status_code == 428

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"registered_on": "2023-02-28", "source": "screening"}, "registered_on"),
            ({"source": "application"}, "source"),
        ],
    )
    async def test_bad_dispute_names_the_field(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        created = await open_round(client)
        response = await client.post(
            f"{created.headers['location']}/disputes",
            json=dispute_body(committee_id, **overrides),
            headers={"If-Match": created.headers["etag"]},
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]


class TestScope:
    async def test_a_township_caller_sees_and_writes_its_township_only(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        mine = (await open_round(client)).json()
        theirs = (await open_round(client, township_code="421222101")).json()
        headers = service_under_test.issuer.headers(
            scopes={"mediation:read", "mediation:write"},
            org={"region_code": "421222", "township_code": "421222100"},
        )
        listed = await client.get(ROUNDS, headers=headers)
        assert [r["id"] for r in listed.json()["items"]] == [mine["id"]]
        hidden = await client.get(f"{ROUNDS}/{theirs['id']}", headers=headers)
        assert hidden.status_code == 404
        assert hidden.json()["type"] == "urn:fazhi:problem:screening-round-not-found"
        forbidden = await client.post(
            ROUNDS, json=round_body(township_code="421222101"), headers=headers
        )
        assert forbidden.status_code == 403
