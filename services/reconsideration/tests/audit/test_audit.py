"""The audit log (shared.audit, domain.md §8): one event per change, committed with it;
denied attempts; read with audit:read only; nothing changes it through the API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from reconsideration.audit.models import AuditEvent
from shared.testing import TokenIssuer
from tests.agency_points.test_router import point_body
from tests.applications.test_router import ACCEPT, START, application_body
from tests.collective_discussions.test_router import discussion_body
from tests.factories import UNKNOWN_ID
from tests.litigation.test_router import case_body, conclude, hearing_body
from tests.opinion_letters.test_router import letter_body, reply

AUDIT = "/api/v1/audit-events"
ClientWith = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def events(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await client.get(AUDIT, params={"page_size": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def changes_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in items if e["action"] != "denied"]


async def post(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], request_id: str
) -> dict[str, Any]:
    response = await client.post(path, json=body, headers={"X-Request-ID": request_id})
    assert response.status_code in (200, 201), response.text
    assert response.headers["x-request-id"] == request_id
    result: dict[str, Any] = response.json()
    return result


class TestChanges:
    async def test_a_create_and_a_command_leave_one_event_each(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await post(
            client, "/api/v1/applications", application_body(), "req-create-0001"
        )
        await post(
            client,
            f"/api/v1/applications/{created['id']}/events",
            START,
            "req-command-0001",
        )
        logged = await events(client, resource_id=created["id"])
        assert [
            (
                e["actor"],
                e["actor_kind"],
                e["request_id"],
                e["action"],
                e["method"],
                e["status"],
                e["resource_type"],
                e["resource_id"],
                e["region_code"],
            )
            for e in logged
        ] == [
            (
                "test-user",
                "user",
                "req-create-0001",
                "create",
                "POST",
                201,
                "application",
                created["id"],
                "421222",
            ),
            (
                "test-user",
                "user",
                "req-command-0001",
                "command:start_review",
                "POST",
                200,
                "application",
                created["id"],
                "421222",
            ),
        ]
        assert logged[0]["changes"]["applicant_name"] == "张某"
        assert logged[0]["path"] == "/api/v1/applications"
        assert logged[1]["changes"] == {
            "type": "start_review",
            "occurred_on": "2023-03-02",
        }
        assert logged[0]["actor_name"] == "测试用户"

    async def test_every_aggregate_audits_its_creates_and_commands(
        self, client: httpx.AsyncClient
    ) -> None:
        point = await post(client, "/api/v1/agency-points", point_body(), "req-point-1")
        await post(
            client,
            f"/api/v1/agency-points/{point['id']}/events",
            {"type": "close", "occurred_on": "2023-09-30"},
            "req-point-2",
        )
        meeting = await post(
            client, "/api/v1/collective-discussions", discussion_body(), "req-meet-1"
        )
        letter = await post(
            client, "/api/v1/opinion-letters", letter_body(), "req-letter-1"
        )
        await post(
            client,
            f"/api/v1/opinion-letters/{letter['id']}/events",
            reply("2023-07-01"),
            "req-letter-2",
        )
        case = await post(client, "/api/v1/litigation-cases", case_body(), "req-case-1")
        hearing = await post(
            client,
            f"/api/v1/litigation-cases/{case['id']}/hearings",
            hearing_body(),
            "req-case-2",
        )
        await post(
            client,
            f"/api/v1/litigation-cases/{case['id']}/events",
            conclude(),
            "req-case-3",
        )
        logged = changes_of(await events(client))
        assert [
            (e["request_id"], e["action"], e["resource_type"], e["resource_id"])
            for e in logged
        ] == [
            ("req-point-1", "create", "agency_point", point["id"]),
            ("req-point-2", "command:close", "agency_point", point["id"]),
            ("req-meet-1", "create", "collective_discussion", meeting["id"]),
            ("req-letter-1", "create", "opinion_letter", letter["id"]),
            ("req-letter-2", "command:record_reply", "opinion_letter", letter["id"]),
            ("req-case-1", "create", "litigation_case", case["id"]),
            ("req-case-2", "create", "hearing", hearing["id"]),
            ("req-case-3", "command:conclude", "litigation_case", case["id"]),
        ]
        assert {e["region_code"] for e in logged} == {"421222"}

    async def test_failed_requests_leave_no_change(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await post(
            client, "/api/v1/applications", application_body(), "req-create-0002"
        )
        refused = await client.post(
            f"/api/v1/applications/{created['id']}/events", json=ACCEPT
        )
        assert refused.status_code == 409
        invalid = await client.post(
            "/api/v1/applications", json=application_body(region_code="4212")
        )
        assert invalid.status_code == 422
        duplicate = await client.post("/api/v1/litigation-cases", json=case_body())
        assert duplicate.status_code == 201
        taken = await client.post("/api/v1/litigation-cases", json=case_body())
        assert taken.status_code == 409
        assert [(e["action"], e["resource_type"]) for e in await events(client)] == [
            ("create", "application"),
            ("create", "litigation_case"),
        ]


class TestDeniedAttempts:
    @pytest.fixture
    async def anonymous(
        self, client_with: ClientWith
    ) -> AsyncIterator[httpx.AsyncClient]:
        """The real app on the test's rolled-back session, without a token."""
        async with client_with() as c:
            del c.headers["Authorization"]
            yield c

    async def test_a_request_without_a_token_is_recorded_as_denied(
        self, anonymous: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        response = await anonymous.post(
            "/api/v1/applications",
            json=application_body(),
            headers={"X-Request-ID": "req-anonymous-1"},
        )
        assert response.status_code == 401
        response = await anonymous.get(
            AUDIT, params={"page_size": 100}, headers=token_issuer.headers()
        )
        assert response.status_code == 200, response.text
        assert [
            (e["actor"], e["action"], e["status"], e["method"], e["path"], e["changes"])
            for e in response.json()["items"]
            if e["request_id"] == "req-anonymous-1"
        ] == [("anonymous", "denied", 401, "POST", "/api/v1/applications", {})]

    async def test_a_read_outside_the_callers_county_is_recorded_as_denied(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        created = await post(
            client, "/api/v1/applications", application_body(), "req-create-0003"
        )
        other_county = token_issuer.headers(
            subject="outsider", org={"region_code": "421223"}
        )
        response = await client.get(
            f"/api/v1/applications/{created['id']}",
            headers={**other_county, "X-Request-ID": "req-outsider-1"},
        )
        assert response.status_code == 404
        denied = await events(client, request_id="req-outsider-1")
        assert [
            (e["actor"], e["action"], e["status"], e["region_code"]) for e in denied
        ] == [("outsider", "denied", 404, "421223")]
        # The other county's auditor sees its own denials, not this county's changes.
        theirs = await client.get(
            AUDIT,
            headers=token_issuer.headers(
                scopes={"audit:read"}, org={"region_code": "421223"}
            ),
        )
        assert {e["action"] for e in theirs.json()["items"]} == {"denied"}


class TestReadingTheLog:
    async def test_without_audit_read_the_log_is_403(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        officer = token_issuer.headers(
            scopes={
                "reconsideration:read",
                "reconsideration:write",
                "reconsideration:pii",
            }
        )
        response = await client.get(AUDIT, headers=officer)
        assert response.status_code == 403
        assert "audit:read" in response.json()["detail"]

    async def test_an_auditor_needs_nothing_but_audit_read(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        auditor = token_issuer.headers(scopes={"audit:read"})
        assert (await client.get(AUDIT, headers=auditor)).status_code == 200
        assert (
            await client.get("/api/v1/applications", headers=auditor)
        ).status_code == 403

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    async def test_nothing_changes_the_log(
        self, client: httpx.AsyncClient, method: str
    ) -> None:
        created = await post(
            client, "/api/v1/applications", application_body(), "req-create-0004"
        )
        (event,) = changes_of(await events(client))
        assert (await client.request(method, AUDIT, json={})).status_code in (404, 405)
        response = await client.request(method, f"{AUDIT}/{event['id']}", json={})
        assert response.status_code in (404, 405)
        assert changes_of(await events(client)) == [event]
        assert event["resource_id"] == created["id"]


async def test_a_denial_commits_in_a_transaction_of_its_own(
    committing_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """With real sessions: the 404 changed nothing, yet its denial is committed."""
    request_id = f"req-real-{uuid.uuid4().hex}"
    try:
        response = await committing_client.get(
            f"/api/v1/applications/{UNKNOWN_ID}", headers={"X-Request-ID": request_id}
        )
        assert response.status_code == 404
        denied = await events(committing_client, request_id=request_id)
        assert [(e["action"], e["status"], e["actor"]) for e in denied] == [
            ("denied", 404, "test-user")
        ]
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                delete(AuditEvent).where(AuditEvent.request_id == request_id)
            )
