"""Assigned mediators (人民调解法 Art. 19: mediators of the dispute's own committee),
mode with cost saved, and the cross-border partner region of joint mediation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.disputes.test_router import START, command, dispute_body, register


async def committee(client: httpx.AsyncClient, township: str) -> str:
    response = await client.post(
        "/api/v1/committees",
        json={
            "region_code": "421222",
            "township_code": township,
            "name": "人民调解委员会",
            "kind": "township",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def mediator(client: httpx.AsyncClient, committee_id: str, name: str) -> str:
    response = await client.post(
        "/api/v1/mediators",
        json={
            "committee_id": committee_id,
            "name": name,
            "employment": "full_time",
            "recruited_on": "2023-01-05",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
async def setup(client: httpx.AsyncClient) -> dict[str, str]:
    own = await committee(client, "421222100")
    other = await committee(client, "421222101")
    return {
        "committee": own,
        "a": await mediator(client, own, "调解员甲"),
        "b": await mediator(client, own, "调解员乙"),
        "other": await mediator(client, other, "外委调解员"),
    }


def assign(*mediator_ids: str, on: str = "2023-03-02") -> dict[str, Any]:
    return {
        "type": "assign_mediators",
        "occurred_on": on,
        "mediator_ids": list(mediator_ids),
    }


class TestAssignedMediators:
    async def test_mediators_assigned_at_registration_and_replaced_by_command(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        dispute = await register(client, setup["committee"], mediator_ids=[setup["b"]])
        assert dispute["mediator_ids"] == [setup["b"]]
        response = await command(client, dispute["id"], assign(setup["b"], setup["a"]))
        assert response.status_code == 200, response.text
        # Ordered as the mediators were registered.
        assert response.json()["mediator_ids"] == [setup["a"], setup["b"]]
        assert response.json()["version"] == dispute["version"] + 1
        await command(client, dispute["id"], START)
        response = await command(
            client, dispute["id"], assign(setup["a"], on="2023-03-03")
        )
        assert response.json()["mediator_ids"] == [setup["a"]]
        events = await client.get(f"/api/v1/disputes/{dispute['id']}/events")
        assert [e["type"] for e in events.json()["items"]] == [
            "register",
            "assign_mediators",
            "start_mediation",
            "assign_mediators",
        ]
        assert events.json()["items"][-1]["data"] == {"mediator_ids": [setup["a"]]}

    async def test_a_mediator_lists_the_disputes_assigned_to_them(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        both = await register(
            client, setup["committee"], mediator_ids=[setup["a"], setup["b"]]
        )
        only_b = await register(client, setup["committee"], mediator_ids=[setup["b"]])
        await register(client, setup["committee"])  # nobody assigned yet

        async def listed(mediator_id: str) -> set[str]:
            response = await client.get(
                "/api/v1/disputes", params={"mediator_id": mediator_id}
            )
            assert response.status_code == 200, response.text
            return {d["id"] for d in response.json()["items"]}

        assert await listed(setup["a"]) == {both["id"]}
        assert await listed(setup["b"]) == {both["id"], only_b["id"]}
        assert await listed(setup["other"]) == set()
        # Reassigned: the list follows.
        await command(client, only_b["id"], assign(setup["a"]))
        assert await listed(setup["a"]) == {both["id"], only_b["id"]}
        assert await listed(setup["b"]) == {both["id"]}

    async def test_a_mediator_of_another_committee_is_refused(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        response = await client.post(
            "/api/v1/disputes",
            json=dispute_body(
                setup["committee"], mediator_ids=[setup["a"], setup["other"]]
            ),
        )
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == ("mediator_ids.1", "not_of_committee")
        dispute = await register(client, setup["committee"])
        response = await command(client, dispute["id"], assign(setup["other"]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "mediator_ids.0"
        unknown = await command(
            client, dispute["id"], assign("00000000-0000-4000-8000-000000000000")
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["code"] == "unknown"

    async def test_a_concluded_dispute_cannot_be_reassigned(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        dispute = await register(client, setup["committee"])
        await command(client, dispute["id"], START)
        await command(
            client,
            dispute["id"],
            {"type": "fail", "occurred_on": "2023-03-05", "reason": "一方拒绝调解"},
        )
        response = await command(
            client, dispute["id"], assign(setup["a"], on="2023-03-06")
        )
        assert response.status_code == 409
        assert response.json()["current_status"] == "failed"

    async def test_a_mediator_listed_twice_is_refused(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        dispute = await register(client, setup["committee"])
        response = await command(client, dispute["id"], assign(setup["a"], setup["a"]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "mediator_ids"


class TestModeAndPartnerRegion:
    async def test_remote_video_cross_border_joint_mediation(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        dispute = await register(
            client,
            setup["committee"],
            mode="remote_video",
            cost_saved="4680.00",
            partner_region_code="430626",
            partner_committee="湘鄂边界联合人民调解委员会",
        )
        assert dispute["mode"] == "remote_video"
        assert dispute["cost_saved"] == "4680.00"
        assert dispute["partner_region_code"] == "430626"
        assert dispute["partner_province_code"] == "430000"
        assert dispute["partner_committee"] == "湘鄂边界联合人民调解委员会"

    async def test_a_dispute_without_partner_has_no_partner_province(
        self, client: httpx.AsyncClient, setup: dict[str, str]
    ) -> None:
        dispute = await register(client, setup["committee"])
        assert dispute["partner_province_code"] is None
        assert dispute["mediator_ids"] == []
        assert dispute["screening_round_id"] is None
