from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from mediation.disputes.models import Dispute, DisputeEvent
from tests.factories import make_committee


def dispute_body(committee_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "committee_id": committee_id,
        "dispute_type": "neighbour",
        "source": "application",
        "mode": "on_site",
        "summary": "宅基地边界纠纷",
        "parties": [
            {"kind": "person", "name": "张某"},
            {"kind": "person", "name": "李某"},
        ],
        "amount_involved": "12000.50",
        "registered_on": "2023-03-01",
    }
    body.update(overrides)
    return body


@pytest.fixture
async def committee_id(session: AsyncSession) -> str:
    return str((await make_committee(session)).id)


async def register(
    client: httpx.AsyncClient, committee_id: str, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/disputes", json=dispute_body(committee_id, **overrides)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def command(
    client: httpx.AsyncClient, dispute_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"/api/v1/disputes/{dispute_id}/events", json=body)


START = {"type": "start_mediation", "occurred_on": "2023-03-02"}
RESOLVE = {
    "type": "resolve",
    "occurred_on": "2023-03-10",
    "agreement": {
        "form": "written",
        "terms": "甲方赔偿乙方2000元",
        "performance_due_on": "2023-04-10",
    },
}
FAIL = {"type": "fail", "occurred_on": "2023-03-10", "reason": "双方分歧过大"}


class TestRegisterDispute:
    async def test_registered_dispute_takes_region_township_and_time_limit(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        assert dispute["status"] == "registered"
        assert dispute["region_code"] == "421222"
        assert dispute["township_code"] == "421222100"
        assert (
            dispute["time_limit_due_on"] == "2023-03-31"
        )  # 30 calendar days after 2023-03-01
        assert dispute["amount_involved"] == "12000.50"
        assert [p["name"] for p in dispute["parties"]] == ["张某", "李某"]

    async def test_cost_saved_needs_remote_video(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json=dispute_body(committee_id, cost_saved="300.00")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "cost_saved"

    async def test_money_with_three_decimals_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json=dispute_body(committee_id, amount_involved="1.005")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "amount_involved"

    async def test_unknown_committee_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/disputes",
            json=dispute_body("7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "committee_id"

    async def test_a_failing_request_leaves_no_rows(
        self,
        committing_client: httpx.AsyncClient,
        engine: AsyncEngine,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The dispute row is flushed before its history event; if the event fails, neither is kept."""
        from mediation.committees.models import MediationCommittee
        from mediation.disputes import service

        async with AsyncSession(engine, expire_on_commit=False) as s:
            committee = MediationCommittee(
                region_code="421222", name="临时", kind="township"
            )
            s.add(committee)
            await s.commit()
            committee_id = str(committee.id)

        def broken_event(**_: Any) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(service, "DisputeEvent", broken_event)
        try:
            response = await committing_client.post(
                "/api/v1/disputes", json=dispute_body(committee_id)
            )
            assert response.status_code == 500
            assert response.headers["content-type"] == "application/problem+json"
            assert "disk full" not in response.text
            async with AsyncSession(engine, expire_on_commit=False) as s:
                assert await s.scalar(select(func.count()).select_from(Dispute)) == 0
                assert (
                    await s.scalar(select(func.count()).select_from(DisputeEvent)) == 0
                )
        finally:
            async with AsyncSession(engine, expire_on_commit=False) as s:
                await s.delete(await s.get(MediationCommittee, committee.id))
                await s.commit()


class TestDisputeLifecycle:
    async def test_registered_mediating_resolved(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        started = await command(client, dispute["id"], START)
        assert started.status_code == 200
        assert started.json()["status"] == "mediating"
        resolved = await command(client, dispute["id"], RESOLVE)
        assert resolved.status_code == 200
        body = resolved.json()
        assert body["status"] == "resolved"
        assert body["concluded_on"] == "2023-03-10"
        assert body["agreement_form"] == "written"
        assert body["performance_due_on"] == "2023-04-10"
        events = (await client.get(f"/api/v1/disputes/{dispute['id']}/events")).json()[
            "items"
        ]
        assert [e["type"] for e in events] == ["register", "start_mediation", "resolve"]
        assert {e["actor"] for e in events} == {"test-user"}

    async def test_mediating_to_failed(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        await command(client, dispute["id"], START)
        failed = await command(client, dispute["id"], FAIL)
        assert failed.json()["status"] == "failed"
        assert failed.json()["failure_reason"] == "双方分歧过大"

    @pytest.mark.parametrize(
        ("steps", "refused"),
        [
            ([], RESOLVE),
            ([], FAIL),
            ([START], START),
            ([START, RESOLVE], FAIL),
            ([START, RESOLVE], START),
            ([START, FAIL], RESOLVE),
        ],
    )
    async def test_forbidden_transitions_answer_409(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        steps: list[dict[str, Any]],
        refused: dict[str, Any],
    ) -> None:
        dispute = await register(client, committee_id)
        for step in steps:
            assert (await command(client, dispute["id"], step)).status_code == 200
        before = (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()
        response = await command(client, dispute["id"], refused)
        assert response.status_code == 409
        assert (
            response.json()["type"]
            == "urn:fazhi:problem:dispute-transition-not-allowed"
        )
        assert response.json()["current_status"] == before["status"]
        assert (await client.get(f"/api/v1/disputes/{dispute['id']}")).json() == before

    async def test_resolve_without_agreement_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        await command(client, dispute["id"], START)
        response = await command(
            client, dispute["id"], {"type": "resolve", "occurred_on": "2023-03-10"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert [(e["field"], e["code"]) for e in problem["errors"]] == [
            ("agreement", "agreement_required")
        ]
        assert "人民调解法 Art. 28" in problem["detail"]
        assert "use fail" in problem["detail"]
        assert (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()[
            "status"
        ] == "mediating"

    async def test_resolve_with_a_null_agreement_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        await command(client, dispute["id"], START)
        response = await command(
            client,
            dispute["id"],
            {"type": "resolve", "occurred_on": "2023-03-10", "agreement": None},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "agreement"

    async def test_step_dated_before_the_previous_one_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        response = await command(
            client,
            dispute["id"],
            {"type": "start_mediation", "occurred_on": "2023-02-28"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"

    async def test_unknown_command_type_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await register(client, committee_id)
        response = await command(
            client, dispute["id"], {"type": "archive", "occurred_on": "2023-03-02"}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "type"

    async def test_command_on_unknown_dispute_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await command(client, "7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c", START)
        assert response.status_code == 404


class TestListDisputes:
    async def test_filters_by_region_year_and_status(
        self, client: httpx.AsyncClient, session: AsyncSession, committee_id: str
    ) -> None:
        other = await make_committee(session, region_code="421223", township_code=None)
        a = await register(client, committee_id, registered_on="2023-02-01")
        await register(client, committee_id, registered_on="2022-05-01")
        await register(client, str(other.id), registered_on="2023-05-01")
        assert (await command(client, a["id"], START)).status_code == 200

        async def ids(**params: Any) -> list[str]:
            return [
                d["id"]
                for d in (await client.get("/api/v1/disputes", params=params)).json()[
                    "items"
                ]
            ]

        assert len(await ids(region_code="421222")) == 2
        assert await ids(region_code="421222", year=2023) == [a["id"]]
        assert await ids(status="mediating") == [a["id"]]
        assert len(await ids(year=2023)) == 2
