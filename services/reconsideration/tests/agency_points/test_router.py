from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import UNKNOWN_ID

PROBLEM = "application/problem+json"


def point_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "township_code": "421222100",
        "name": "隽水镇行政复议代办点",
        "established_on": "2023-03-01",
    }
    body.update(overrides)
    return body


async def create(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/agency-points", json=point_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


CLOSE = {"type": "close", "occurred_on": "2023-09-30"}


class TestCreateAgencyPoint:
    async def test_created_point_is_active_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await client.post("/api/v1/agency-points", json=point_body())
        assert created.status_code == 201
        body = created.json()
        assert created.headers["location"] == f"/api/v1/agency-points/{body['id']}"
        assert (body["status"], body["closed_on"], body["established_on"]) == (
            "active",
            None,
            "2023-03-01",
        )
        read = await client.get(created.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    async def test_township_is_required(self, client: httpx.AsyncClient) -> None:
        body = point_body()
        del body["township_code"]
        response = await client.post("/api/v1/agency-points", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == ["township_code"]

    async def test_township_outside_the_region_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/agency-points", json=point_body(township_code="421223100")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "township_code"


class TestReadAgencyPoint:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/api/v1/agency-points/{UNKNOWN_ID}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:fazhi:problem:agency-point-not-found"


class TestCloseAgencyPoint:
    async def test_active_point_closes_once(self, client: httpx.AsyncClient) -> None:
        point = await create(client)
        closed = await client.post(
            f"/api/v1/agency-points/{point['id']}/events", json=CLOSE
        )
        assert closed.status_code == 200
        assert (closed.json()["status"], closed.json()["closed_on"]) == (
            "closed",
            "2023-09-30",
        )
        again = await client.post(
            f"/api/v1/agency-points/{point['id']}/events", json=CLOSE
        )
        assert again.status_code == 409
        assert (
            again.json()["type"]
            == "urn:fazhi:problem:agency-point-transition-not-allowed"
        )
        assert again.json()["current_status"] == "closed"
        events = (
            await client.get(f"/api/v1/agency-points/{point['id']}/events")
        ).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in events] == [
            ("establish", "2023-03-01", "test-user"),
            ("close", "2023-09-30", "test-user"),
        ]

    async def test_closing_before_establishment_names_occurred_on(
        self, client: httpx.AsyncClient
    ) -> None:
        point = await create(client)
        response = await client.post(
            f"/api/v1/agency-points/{point['id']}/events",
            json={"type": "close", "occurred_on": "2023-02-28"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"

    async def test_close_on_unknown_point_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            f"/api/v1/agency-points/{UNKNOWN_ID}/events", json=CLOSE
        )
        assert response.status_code == 404


class TestListAgencyPoints:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"region_code": "421222"}, ["a", "b"]),
            ({"region_code": "421222", "year": 2023}, ["a"]),
            ({"year": 2022}, ["b"]),
            ({"township_code": "421223100"}, ["c"]),
            ({"status": "closed"}, ["b"]),
        ],
    )
    async def test_filters(
        self, client: httpx.AsyncClient, params: dict[str, Any], expected: list[str]
    ) -> None:
        ids = {
            "a": (await create(client))["id"],
            "b": (
                await create(
                    client, established_on="2022-06-01", township_code="421222101"
                )
            )["id"],
            "c": (
                await create(client, region_code="421223", township_code="421223100")
            )["id"],
        }
        await client.post(f"/api/v1/agency-points/{ids['b']}/events", json=CLOSE)
        page = (await client.get("/api/v1/agency-points", params=params)).json()
        assert [p["id"] for p in page["items"]] == [ids[k] for k in expected]
