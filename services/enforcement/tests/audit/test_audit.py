"""The audit log (domain.md §8): one event per change, committed with it; one
``denied`` event per 401/403/404 in a transaction of its own; read-only, for
``audit:read``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from enforcement.audit.models import AuditEvent
from shared.db import install_database
from shared.testing import ServiceUnderTest
from tests.factories import OTHER_REGION, REGION

API = "/api/v1"
EVENTS = f"{API}/audit-events"


def rid() -> str:
    return f"audit-test-{uuid.uuid4().hex}"


async def events(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(EVENTS, params={"page_size": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def post(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], request_id: str
) -> httpx.Response:
    return await client.post(path, json=body, headers={"X-Request-ID": request_id})


def agency_body(region_code: str = REGION) -> dict[str, Any]:
    return {
        "region_code": region_code,
        "name": f"审计测试局{uuid.uuid4().hex[:6]}",
        "sector": "市场监管",
    }


def officer_body(agency_id: str) -> dict[str, Any]:
    return {
        "agency_id": agency_id,
        "name": "张某某",
        "certificate_number": f"A{uuid.uuid4().hex[:10]}",
        "certificate_valid_until": "2028-12-31",
        "hired_on": "2023-03-01",
    }


TRAIN = {"type": "record_training", "occurred_on": "2023-04-01"}


class TestChanges:
    async def test_each_create_and_command_is_one_event(
        self, client: httpx.AsyncClient
    ) -> None:
        r1, r2, r3 = rid(), rid(), rid()
        agency = (
            await post(client, f"{API}/enforcement-agencies", agency_body(), r1)
        ).json()
        response = await post(client, f"{API}/officers", officer_body(agency["id"]), r2)
        assert response.status_code == 201, response.text
        officer = response.json()
        command = await post(
            client, f"{API}/officers/{officer['id']}/events", TRAIN, r3
        )
        assert command.status_code == 200, command.text

        expected = [
            (r1, "create", "enforcement_agency", agency["id"], 201),
            (r2, "create", "officer", officer["id"], 201),
            (r3, "command:record_training", "officer", officer["id"], 200),
        ]
        for request_id, action, resource_type, resource_id, status in expected:
            [event] = await events(client, request_id=request_id)
            assert event["actor"] == "test-user"
            assert event["actor_kind"] == "user"
            assert event["actor_name"] == "测试用户"
            assert event["action"] == action
            assert event["resource_type"] == resource_type
            assert event["resource_id"] == resource_id
            assert event["region_code"] == REGION
            assert event["status"] == status
            assert event["method"] == "POST"
        [create] = await events(client, request_id=r2)
        assert create["changes"]["certificate_number"].startswith("A")
        assert create["changes"]["hired_on"] == "2023-03-01"
        [train] = await events(client, request_id=r3)
        assert train["changes"] == TRAIN
        by_record = await events(client, resource_id=officer["id"])
        assert [e["action"] for e in by_record] == ["create", "command:record_training"]

    async def test_child_create_is_an_event_of_the_child(
        self, client: httpx.AsyncClient
    ) -> None:
        agency = (
            await post(client, f"{API}/enforcement-agencies", agency_body(), rid())
        ).json()
        campaign = await post(
            client,
            f"{API}/special-campaigns",
            {"region_code": REGION, "name": "专项整治", "started_on": "2023-05-01"},
            rid(),
        )
        assert campaign.status_code == 201, campaign.text
        request_id = rid()
        clue = await post(
            client,
            f"{API}/special-campaigns/{campaign.json()['id']}/problem-clues",
            {
                "agency_id": agency["id"],
                "description": "线索",
                "found_on": "2023-05-02",
            },
            request_id,
        )
        assert clue.status_code == 201, clue.text
        [event] = await events(client, request_id=request_id)
        assert (event["action"], event["resource_type"], event["resource_id"]) == (
            "create",
            "problem_clue",
            clue.json()["id"],
        )

    async def test_a_refused_change_leaves_no_event(
        self, client: httpx.AsyncClient
    ) -> None:
        agency = (
            await post(client, f"{API}/enforcement-agencies", agency_body(), rid())
        ).json()
        officer = (
            await post(client, f"{API}/officers", officer_body(agency["id"]), rid())
        ).json()
        path = f"{API}/officers/{officer['id']}/events"
        assert (await post(client, path, TRAIN, rid())).status_code == 200
        conflict, invalid = rid(), rid()
        assert (await post(client, path, TRAIN, conflict)).status_code == 409
        bad = {**officer_body(agency["id"]), "hired_on": "not a date"}
        assert (await post(client, f"{API}/officers", bad, invalid)).status_code == 422
        assert await events(client, request_id=conflict) == []
        assert await events(client, request_id=invalid) == []
        assert len(await events(client, resource_id=officer["id"])) == 2


@pytest.fixture
async def real_app_client(
    service_under_test: ServiceUnderTest, database_url: str, engine: AsyncEngine
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """(anonymous, auditor) clients of the real app on real sessions; the audit events
    their requests leave (request ids ``audit-test-…``) are removed afterwards."""
    app = service_under_test.app(database_url)
    install_database(app.state, engine)
    transport = httpx.ASGITransport(app=app)
    base_url = service_under_test.base_url
    async with (
        httpx.AsyncClient(transport=transport, base_url=base_url) as anonymous,
        httpx.AsyncClient(
            transport=transport,
            base_url=base_url,
            headers=service_under_test.issuer.headers(),
        ) as auditor,
    ):
        yield anonymous, auditor
    async with engine.begin() as conn:
        await conn.execute(
            delete(AuditEvent).where(AuditEvent.request_id.like("audit-test-%"))
        )


class TestDenied:
    async def test_a_request_without_a_token_is_one_denied_event(
        self, real_app_client: tuple[httpx.AsyncClient, httpx.AsyncClient]
    ) -> None:
        anonymous, auditor = real_app_client
        request_id = rid()
        response = await anonymous.get(
            f"{API}/officers", headers={"X-Request-ID": request_id}
        )
        assert response.status_code == 401
        [event] = await events(auditor, request_id=request_id)
        assert event["action"] == "denied"
        assert event["status"] == 401
        assert event["actor"] == "anonymous"
        assert event["path"] == f"{API}/officers"

    async def test_a_path_of_no_operation_is_recorded_with_the_callers_token(
        self,
        isolated_client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
    ) -> None:
        request_id = rid()
        county = service_under_test.issuer.headers(
            scopes={"enforcement:read"}, org={"region_code": REGION}, subject="clerk-7"
        )
        response = await isolated_client.get(
            f"{API}/no-such-things", headers={**county, "X-Request-ID": request_id}
        )
        assert response.status_code == 404
        [event] = await events(isolated_client, request_id=request_id)
        assert (event["action"], event["status"]) == ("denied", 404)
        assert (event["actor"], event["region_code"]) == ("clerk-7", REGION)

    async def test_a_read_outside_the_callers_org_is_one_denied_event(
        self,
        isolated_client: httpx.AsyncClient,
        service_under_test: ServiceUnderTest,
    ) -> None:
        response = await isolated_client.post(
            f"{API}/enforcement-agencies", json=agency_body(OTHER_REGION)
        )
        assert response.status_code == 201, response.text
        path = f"{API}/enforcement-agencies/{response.json()['id']}"
        request_id = rid()
        county = service_under_test.issuer.headers(
            scopes={"enforcement:read"}, org={"region_code": REGION}
        )
        denied = await isolated_client.get(
            path, headers={**county, "X-Request-ID": request_id}
        )
        assert denied.status_code == 404
        [event] = await events(isolated_client, request_id=request_id)
        assert (event["action"], event["status"], event["path"]) == (
            "denied",
            404,
            path,
        )
        assert event["actor"] == "test-user"
        assert event["region_code"] == REGION
        # The successful create is the only other event.
        assert [e["action"] for e in await events(isolated_client)] == [
            "create",
            "denied",
        ]


class TestAccess:
    async def test_the_log_needs_audit_read(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        officer = service_under_test.issuer.headers(
            scopes={"enforcement:read", "enforcement:write", "enforcement:pii"}
        )
        response = await client.get(EVENTS, headers=officer)
        assert response.status_code == 403
        assert "audit:read" in response.json()["detail"]
        auditor = service_under_test.issuer.headers(scopes={"audit:read"})
        assert (await client.get(EVENTS, headers=auditor)).status_code == 200
        # ... and only the log: the records themselves need enforcement:read.
        assert (await client.get(f"{API}/officers", headers=auditor)).status_code == 403

    async def test_a_county_auditor_sees_its_county(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        mine, theirs = rid(), rid()
        await post(client, f"{API}/enforcement-agencies", agency_body(), mine)
        await post(
            client, f"{API}/enforcement-agencies", agency_body(OTHER_REGION), theirs
        )
        auditor = service_under_test.issuer.headers(
            scopes={"audit:read"}, org={"region_code": REGION}
        )
        for request_id, count in ((mine, 1), (theirs, 0)):
            response = await client.get(
                EVENTS, params={"request_id": request_id}, headers=auditor
            )
            assert len(response.json()["items"]) == count

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    async def test_nothing_changes_the_log(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        for path in (EVENTS, f"{EVENTS}/{uuid.uuid4()}"):
            response = await client.request(method, path, json={})
            assert response.status_code in (404, 405), (method, path)
