from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import UNKNOWN_ID

PROBLEM = "application/problem+json"


def case_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "case_number": "(2023)鄂1222行初12号",
        "court": "通城县人民法院",
        "defendant_agency": "县人力资源和社会保障局",
        "county_government_party": True,
        "cause": "工伤认定",
        "stage": "first_instance",
        "filed_on": "2023-03-01",
    }
    body.update(overrides)
    return body


async def file(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/litigation-cases", json=case_body(**overrides)
    )
    assert response.status_code == 201, response.text
    return response.json()


def hearing_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_on": "2023-04-10",
        "head_appeared": True,
        "head_name": "赵某",
        "head_post": "局长",
    }
    body.update(overrides)
    return body


async def add_hearing(
    client: httpx.AsyncClient, case_id: str, **overrides: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/litigation-cases/{case_id}/hearings", json=hearing_body(**overrides)
    )


def conclude(on: str = "2023-05-20", outcome: str = "won") -> dict[str, Any]:
    return {"type": "conclude", "occurred_on": on, "outcome": outcome}


class TestFileLitigationCase:
    async def test_filed_case_is_pending_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await client.post("/api/v1/litigation-cases", json=case_body())
        assert created.status_code == 201
        body = created.json()
        assert created.headers["location"] == f"/api/v1/litigation-cases/{body['id']}"
        assert (
            body["status"],
            body["outcome"],
            body["concluded_on"],
            body["hearings"],
        ) == (
            "pending",
            None,
            None,
            [],
        )
        read = await client.get(created.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    async def test_case_number_is_unique_in_the_region(
        self, client: httpx.AsyncClient
    ) -> None:
        await file(client)
        again = await client.post("/api/v1/litigation-cases", json=case_body())
        assert again.status_code == 409
        assert again.json()["type"] == "urn:fazhi:problem:litigation-case-number-taken"
        await file(client, region_code="421223")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"stage": "appeal"}, "stage"),
            ({"county_government_party": None}, "county_government_party"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        response = await client.post(
            "/api/v1/litigation-cases", json=case_body(**overrides)
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == [field]


class TestReadLitigationCase:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/api/v1/litigation-cases/{UNKNOWN_ID}")
        assert response.status_code == 404
        assert response.json()["type"] == "urn:fazhi:problem:litigation-case-not-found"

    async def test_unknown_hearing_is_a_problem_404(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await file(client)
        response = await client.get(
            f"/api/v1/litigation-cases/{case['id']}/hearings/{UNKNOWN_ID}"
        )
        assert response.status_code == 404
        assert response.json()["type"] == "urn:fazhi:problem:hearing-not-found"


class TestHearings:
    async def test_hearings_are_recorded_readable_and_listed_by_date(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await file(client)
        first = await add_hearing(client, case["id"], held_on="2023-05-02")
        assert first.status_code == 201
        hearing = first.json()
        assert (
            first.headers["location"]
            == f"/api/v1/litigation-cases/{case['id']}/hearings/{hearing['id']}"
        )
        assert (
            hearing["head_appeared"],
            hearing["head_name"],
            hearing["head_post"],
        ) == (True, "赵某", "局长")
        read = await client.get(first.headers["location"])
        assert read.json() == hearing
        assert read.headers["etag"] == first.headers["etag"] == '"1"'
        second = await add_hearing(
            client,
            case["id"],
            held_on="2023-04-10",
            head_appeared=False,
            head_name=None,
            head_post=None,
        )
        assert second.status_code == 201
        listed = (
            await client.get(f"/api/v1/litigation-cases/{case['id']}/hearings")
        ).json()
        # The collection pages in recording order; the case shows its hearings by date.
        assert [h["held_on"] for h in listed["items"]] == ["2023-05-02", "2023-04-10"]
        assert listed["next_page_token"] == ""
        read = (await client.get(f"/api/v1/litigation-cases/{case['id']}")).json()
        assert [h["held_on"] for h in read["hearings"]] == ["2023-04-10", "2023-05-02"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"head_name": None}, "head_name"),
            ({"head_post": ""}, "head_post"),
            ({"head_appeared": False, "head_post": None}, "head_name"),
            ({"held_on": "2023-02-28"}, "held_on"),
        ],
    )
    async def test_bad_hearing_names_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        case = await file(client)
        response = await add_hearing(client, case["id"], **overrides)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field

    async def test_concluded_case_takes_earlier_hearings_only(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await file(client)
        await client.post(
            f"/api/v1/litigation-cases/{case['id']}/events", json=conclude("2023-05-20")
        )
        assert (
            await add_hearing(client, case["id"], held_on="2023-05-20")
        ).status_code == 201
        late = await add_hearing(client, case["id"], held_on="2023-05-21")
        assert late.status_code == 422
        assert late.json()["errors"][0]["field"] == "held_on"

    async def test_hearing_of_unknown_case_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await add_hearing(client, UNKNOWN_ID)).status_code == 404


class TestConclude:
    async def test_pending_case_concludes_once(self, client: httpx.AsyncClient) -> None:
        case = await file(client)
        await add_hearing(client, case["id"])
        concluded = await client.post(
            f"/api/v1/litigation-cases/{case['id']}/events",
            json=conclude(outcome="lost"),
        )
        assert concluded.status_code == 200
        body = concluded.json()
        assert (body["status"], body["outcome"], body["concluded_on"]) == (
            "concluded",
            "lost",
            "2023-05-20",
        )
        again = await client.post(
            f"/api/v1/litigation-cases/{case['id']}/events", json=conclude()
        )
        assert again.status_code == 409
        assert (
            again.json()["type"]
            == "urn:fazhi:problem:litigation-transition-not-allowed"
        )
        assert again.json()["current_status"] == "concluded"
        events = (
            await client.get(f"/api/v1/litigation-cases/{case['id']}/events")
        ).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in events] == [
            ("file", "2023-03-01", "test-user"),
            ("record_hearing", "2023-04-10", "test-user"),
            ("conclude", "2023-05-20", "test-user"),
        ]

    async def test_conclusion_before_the_last_hearing_names_occurred_on(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await file(client)
        await add_hearing(client, case["id"], held_on="2023-06-01")
        response = await client.post(
            f"/api/v1/litigation-cases/{case['id']}/events", json=conclude("2023-05-31")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"

    async def test_unknown_outcome_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await file(client)
        response = await client.post(
            f"/api/v1/litigation-cases/{case['id']}/events",
            json=conclude(outcome="draw"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "outcome"

    async def test_conclude_unknown_case_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            f"/api/v1/litigation-cases/{UNKNOWN_ID}/events", json=conclude()
        )
        assert response.status_code == 404


class TestListLitigationCases:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"region_code": "421222"}, [0, 1]),
            ({"region_code": "421222", "year": 2023}, [0]),
            ({"year": 2023}, [0, 2]),
            ({"status": "concluded"}, [1]),
            ({"county_government_party": "false"}, [1]),
        ],
    )
    async def test_filters(
        self, client: httpx.AsyncClient, params: dict[str, Any], expected: list[int]
    ) -> None:
        ids = [
            (await file(client))["id"],
            (
                await file(
                    client,
                    case_number="(2022)鄂1222行初3号",
                    filed_on="2022-04-01",
                    county_government_party=False,
                )
            )["id"],
            (await file(client, region_code="421223"))["id"],
        ]
        await client.post(
            f"/api/v1/litigation-cases/{ids[1]}/events", json=conclude("2022-09-01")
        )
        page = (await client.get("/api/v1/litigation-cases", params=params)).json()
        assert [x["id"] for x in page["items"]] == [ids[i] for i in expected]
