"""The audit log (domain.md §8): one event per change, in the change's transaction; every
denied attempt in a transaction of its own; read-only for auditors."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from mediation.audit.models import AuditEvent
from shared.db import install_database
from shared.testing import ServiceUnderTest
from tests.disputes.test_router import START, dispute_body
from tests.factories import make_committee

EVENTS = "/api/v1/audit-events"


@pytest.fixture
async def committee_id(session: AsyncSession) -> str:
    return str((await make_committee(session)).id)


async def events_of(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await client.get(EVENTS, params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestChanges:
    async def test_a_create_and_a_command_are_one_event_each(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await client.post(
            "/api/v1/disputes",
            json=dispute_body(committee_id),
            headers={"X-Request-ID": "req-create-1"},
        )
        assert created.status_code == 201, created.text
        dispute_id = created.json()["id"]
        started = await client.post(
            f"/api/v1/disputes/{dispute_id}/events",
            json=START,
            headers={"X-Request-ID": "req-start-1"},
        )
        assert started.status_code == 200, started.text

        events = await events_of(client, resource_id=dispute_id)
        assert [
            (e["action"], e["request_id"], e["status"], e["method"]) for e in events
        ] == [
            ("create", "req-create-1", 201, "POST"),
            ("command:start_mediation", "req-start-1", 200, "POST"),
        ]
        for event in events:
            assert event["actor"] == "test-user"
            assert event["actor_kind"] == "user"
            assert event["resource_type"] == "dispute"
            assert event["region_code"] == "421222"
        assert events[0]["changes"]["summary"] == "宅基地边界纠纷"
        assert events[0]["changes"]["parties"][0] == {"kind": "person", "name": "张某"}
        assert events[1]["changes"] == START

    @pytest.mark.parametrize(
        ("path", "body", "resource_type"),
        [
            (
                "/api/v1/committees",
                {
                    "region_code": "421222",
                    "name": "测试人民调解委员会",
                    "kind": "village",
                },
                "committee",
            ),
            (
                "/api/v1/trainings",
                {
                    "region_code": "421222",
                    "title": "调解员培训",
                    "held_on": "2023-05-10",
                    "attendees_count": 40,
                },
                "training",
            ),
        ],
    )
    async def test_other_creates_are_audited(
        self,
        client: httpx.AsyncClient,
        path: str,
        body: dict[str, Any],
        resource_type: str,
    ) -> None:
        created = await client.post(path, json=body)
        assert created.status_code == 201, created.text
        [event] = await events_of(client, resource_id=created.json()["id"])
        assert (event["action"], event["resource_type"], event["status"]) == (
            "create",
            resource_type,
            201,
        )

    async def test_a_mediator_create_is_audited(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await client.post(
            "/api/v1/mediators",
            json={
                "committee_id": committee_id,
                "name": "王某某",
                "employment": "full_time",
                "recruited_on": "2023-07-10",
            },
        )
        assert created.status_code == 201, created.text
        [event] = await events_of(client, resource_id=created.json()["id"])
        assert (event["action"], event["resource_type"]) == ("create", "mediator")

    async def test_failed_requests_leave_no_event_of_a_change(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await client.post("/api/v1/disputes", json=dispute_body(committee_id))
        dispute_id = created.json()["id"]
        conflict = await client.post(
            f"/api/v1/disputes/{dispute_id}/events",
            json={**START, "type": "fail", "reason": "x"},
            headers={"X-Request-ID": "req-409"},
        )
        assert conflict.status_code == 409, conflict.text
        invalid = await client.post(
            "/api/v1/disputes",
            json=dispute_body(committee_id, parties=[]),
            headers={"X-Request-ID": "req-422"},
        )
        assert invalid.status_code == 422, invalid.text
        assert await events_of(client, request_id="req-409") == []
        assert await events_of(client, request_id="req-422") == []
        assert [
            e["action"] for e in await events_of(client, resource_id=dispute_id)
        ] == ["create"]


class TestTheLogItself:
    async def test_a_caller_without_audit_read_is_refused(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        officer = service_under_test.issuer.headers(
            scopes={"mediation:read", "mediation:write", "mediation:pii"}
        )
        response = await client.get(EVENTS, headers=officer)
        assert response.status_code == 403
        assert "audit:read" in response.json()["detail"]

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    async def test_nobody_can_change_it(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        for path in (EVENTS, f"{EVENTS}/{uuid.uuid4()}"):
            response = await client.request(method, path, json={})
            assert response.status_code in (404, 405), (method, path)


@pytest.fixture
async def real_app(
    service_under_test: ServiceUnderTest, database_url: str, engine: AsyncEngine
) -> Any:
    """The app on real sessions (requests commit); the test removes what it made."""
    app = service_under_test.app(database_url)
    install_database(app.state, engine)
    return app


async def remove_events(engine: AsyncEngine, *request_ids: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            delete(AuditEvent).where(AuditEvent.request_id.in_(request_ids))
        )


class TestDeniedAttempts:
    async def test_a_request_without_a_token_is_one_denied_event(
        self,
        real_app: Any,
        service_under_test: ServiceUnderTest,
        committing_client: httpx.AsyncClient,
        engine: AsyncEngine,
    ) -> None:
        anonymous = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=real_app),
            base_url=service_under_test.base_url,
        )
        try:
            async with anonymous:
                response = await anonymous.get(
                    "/api/v1/disputes", headers={"X-Request-ID": "req-anon-1"}
                )
            assert response.status_code == 401
            [event] = await events_of(committing_client, request_id="req-anon-1")
            assert (event["action"], event["status"], event["actor"]) == (
                "denied",
                401,
                "anonymous",
            )
            assert (event["method"], event["path"]) == ("GET", "/api/v1/disputes")
        finally:
            await remove_events(engine, "req-anon-1")

    async def test_a_read_outside_the_callers_org_is_one_denied_event(
        self,
        committing_client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
        engine: AsyncEngine,
    ) -> None:
        # Any id outside the caller's county answers 404, whether it exists or not.
        path = f"/api/v1/disputes/{uuid.uuid4()}"
        neighbour = service_under_test.issuer.headers(org={"region_code": "421223"})
        try:
            response = await committing_client.get(
                path, headers={**neighbour, "X-Request-ID": "req-outside-1"}
            )
            assert response.status_code == 404
            [event] = await events_of(committing_client, request_id="req-outside-1")
            assert (event["action"], event["status"], event["actor"]) == (
                "denied",
                404,
                "test-user",
            )
            assert event["path"] == path
            assert event["region_code"] == "421223"
        finally:
            await remove_events(engine, "req-outside-1")

    async def test_an_existing_dispute_of_another_county_is_denied(
        self, isolated_client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        committee = await isolated_client.post(
            "/api/v1/committees",
            json={
                "region_code": "421222",
                "name": "隽水镇人民调解委员会",
                "kind": "township",
            },
        )
        created = await isolated_client.post(
            "/api/v1/disputes", json=dispute_body(committee.json()["id"])
        )
        assert created.status_code == 201, created.text
        response = await isolated_client.get(
            f"/api/v1/disputes/{created.json()['id']}",
            headers={
                **service_under_test.issuer.headers(org={"region_code": "421223"}),
                "X-Request-ID": "req-outside-2",
            },
        )
        assert response.status_code == 404
        [event] = await events_of(isolated_client, request_id="req-outside-2")
        assert (event["action"], event["status"]) == ("denied", 404)
        # The create is audited and committed with the dispute.
        [create] = await events_of(isolated_client, resource_id=created.json()["id"])
        assert create["action"] == "create"
