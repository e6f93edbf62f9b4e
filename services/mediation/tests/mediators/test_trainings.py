"""Mediators: full-time or part-time, committee, recruitment date and the training
sessions attended (domain.md §4; 人民调解法 Art. 14)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

PROBLEM = "application/problem+json"


async def create(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def county(client: httpx.AsyncClient) -> dict[str, Any]:
    """A township committee, two trainings of its county and one of another county."""
    committee = await create(
        client,
        "/api/v1/committees",
        {
            "region_code": "421222",
            "township_code": "421222100",
            "name": "隽水镇人民调解委员会",
            "kind": "township",
        },
    )

    async def training(title: str, held_on: str, region: str = "421222") -> str:
        body = {
            "region_code": region,
            "title": title,
            "held_on": held_on,
            "attendees_count": 40,
        }
        return str((await create(client, "/api/v1/trainings", body))["id"])

    return {
        "committee_id": committee["id"],
        "spring": await training("春季业务培训", "2023-04-10"),
        "autumn": await training("秋季业务培训", "2023-09-20"),
        "other_county": await training("外县培训", "2023-05-01", region="421223"),
    }


def mediator_body(committee_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "committee_id": committee_id,
        "name": "调解员甲",
        "employment": "full_time",
        "recruited_on": "2023-03-01",
    }
    body.update(overrides)
    return body


class TestMediatorTrainings:
    async def test_a_mediator_lists_the_trainings_attended_oldest_first(
        self, client: httpx.AsyncClient, county: dict[str, Any]
    ) -> None:
        mediator = await create(
            client,
            "/api/v1/mediators",
            mediator_body(
                county["committee_id"],
                employment="part_time",
                training_ids=[county["autumn"], county["spring"]],
            ),
        )
        assert mediator["employment"] == "part_time"
        assert mediator["recruited_on"] == "2023-03-01"
        assert mediator["committee_id"] == county["committee_id"]
        assert [(t["id"], t["held_on"]) for t in mediator["trainings"]] == [
            (county["spring"], "2023-04-10"),
            (county["autumn"], "2023-09-20"),
        ]
        read = await client.get(f"/api/v1/mediators/{mediator['id']}")
        assert read.json() == mediator
        listed = await client.get(
            "/api/v1/mediators", params={"committee_id": county["committee_id"]}
        )
        assert listed.json()["items"] == [mediator]

    async def test_attendance_is_recorded_with_if_match_and_moves_the_etag(
        self, client: httpx.AsyncClient, county: dict[str, Any]
    ) -> None:
        created = await client.post(
            "/api/v1/mediators", json=mediator_body(county["committee_id"])
        )
        mediator = created.json()
        assert mediator["trainings"] == []
        path = f"/api/v1/mediators/{mediator['id']}/trainings"
        missing = await client.post(path, json={"training_id": county["spring"]})
        assert missing.status_code == 428
        response = await client.post(
            path,
            json={"training_id": county["spring"]},
            headers={"If-Match": created.headers["etag"]},
        )
        assert response.status_code == 200, response.text
        assert [t["title"] for t in response.json()["trainings"]] == ["春季业务培训"]
        assert response.headers["etag"] != created.headers["etag"]
        stale = await client.post(
            path,
            json={"training_id": county["autumn"]},
            headers={"If-Match": created.headers["etag"]},
        )
        assert stale.status_code == 412
        again = await client.post(
            path,
            json={"training_id": county["spring"]},
            headers={"If-Match": response.headers["etag"]},
        )
        assert again.status_code == 409
        assert again.headers["content-type"] == PROBLEM
        assert again.json()["type"] == "urn:fazhi:problem:training-already-attended"

    async def test_a_training_of_another_county_or_unknown_is_refused(
        self, client: httpx.AsyncClient, county: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/api/v1/mediators",
            json=mediator_body(
                county["committee_id"],
                training_ids=[county["spring"], county["other_county"]],
            ),
        )
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["training_ids.1"]
        created = await client.post(
            "/api/v1/mediators", json=mediator_body(county["committee_id"])
        )
        unknown = await client.post(
            f"/api/v1/mediators/{created.json()['id']}/trainings",
            json={"training_id": "00000000-0000-4000-8000-000000000000"},
            headers={"If-Match": created.headers["etag"]},
        )
        assert unknown.status_code == 422
        assert [e["field"] for e in unknown.json()["errors"]] == ["training_id"]

    async def test_a_training_listed_twice_is_refused(
        self, client: httpx.AsyncClient, county: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/api/v1/mediators",
            json=mediator_body(
                county["committee_id"],
                training_ids=[county["spring"], county["spring"]],
            ),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "training_ids"

    async def test_recording_an_attendance_is_audited(
        self, client: httpx.AsyncClient, county: dict[str, Any]
    ) -> None:
        created = await client.post(
            "/api/v1/mediators", json=mediator_body(county["committee_id"])
        )
        mediator_id = created.json()["id"]
        await client.post(
            f"/api/v1/mediators/{mediator_id}/trainings",
            json={"training_id": county["autumn"]},
            headers={"If-Match": created.headers["etag"]},
        )
        events = await client.get(
            "/api/v1/audit-events", params={"resource_id": mediator_id}
        )
        assert events.status_code == 200, events.text
        assert [e["action"] for e in events.json()["items"]] == [
            "create",
            "record_training",
        ]
