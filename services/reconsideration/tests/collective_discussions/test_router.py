from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import UNKNOWN_ID, make_application

PROBLEM = "application/problem+json"


def discussion_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "held_on": "2023-05-10",
        "chair": "分管副县长",
    }
    body.update(overrides)
    return body


class TestCreateCollectiveDiscussion:
    async def test_meeting_without_cases_is_created_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await client.post(
            "/api/v1/collective-discussions", json=discussion_body()
        )
        assert created.status_code == 201
        body = created.json()
        assert (
            created.headers["location"]
            == f"/api/v1/collective-discussions/{body['id']}"
        )
        assert (body["held_on"], body["chair"], body["application_ids"]) == (
            "2023-05-10",
            "分管副县长",
            [],
        )
        read = await client.get(created.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    async def test_discussed_applications_are_kept_once_in_order(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        a = str((await make_application(session)).id)
        b = str((await make_application(session)).id)
        response = await client.post(
            "/api/v1/collective-discussions",
            json=discussion_body(application_ids=[b, a, b]),
        )
        assert response.status_code == 201
        assert response.json()["application_ids"] == [b, a]

    async def test_unknown_or_foreign_application_names_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        foreign = str((await make_application(session, region_code="421223")).id)
        for ids in ([UNKNOWN_ID], [foreign]):
            response = await client.post(
                "/api/v1/collective-discussions",
                json=discussion_body(application_ids=ids),
            )
            assert response.status_code == 422
            assert response.json()["errors"][0]["field"] == "application_ids"

    async def test_missing_chair_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        body = discussion_body()
        del body["chair"]
        response = await client.post("/api/v1/collective-discussions", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == ["chair"]


class TestReadCollectiveDiscussion:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/api/v1/collective-discussions/{UNKNOWN_ID}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert (
            response.json()["type"]
            == "urn:fazhi:problem:collective-discussion-not-found"
        )


class TestListCollectiveDiscussions:
    async def test_filters_by_region_and_year(self, client: httpx.AsyncClient) -> None:
        ids = []
        for overrides in ({}, {"held_on": "2022-12-31"}, {"region_code": "421223"}):
            ids.append(
                (
                    await client.post(
                        "/api/v1/collective-discussions",
                        json=discussion_body(**overrides),
                    )
                ).json()["id"]
            )

        async def listed(**params: Any) -> list[str]:
            return [
                d["id"]
                for d in (
                    await client.get("/api/v1/collective-discussions", params=params)
                ).json()["items"]
            ]

        assert await listed(region_code="421222") == ids[:2]
        assert await listed(region_code="421222", year=2023) == ids[:1]
        assert await listed(year=2023) == [ids[0], ids[2]]
