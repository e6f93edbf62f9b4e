"""The address the services record is the one the gateway saw: a caller cannot choose it
with an ``X-Forwarded-For`` header of its own (the gateway is the entry point and runs
without uvicorn's proxy headers; behind a reverse proxy it is told which one to trust)."""

from __future__ import annotations

import uuid

import httpx
from stack import Stack

from tests.e2e.tokens import token_of


def test_a_forged_forwarded_for_is_not_the_recorded_address(
    stack: Stack, auth: dict[str, str]
) -> None:
    request_id = f"e2e-xff-{uuid.uuid4().hex[:16]}"
    # A caller without audit:read asking for the audit log: a denied attempt, recorded
    # with the caller, its county and its address.
    denied = httpx.get(
        f"{stack.url()}/api/v1/mediation/audit-events",
        headers={**auth, "X-Forwarded-For": "203.0.113.9", "X-Request-ID": request_id},
        trust_env=False,
    )
    assert denied.status_code == 403

    auditor = token_of(
        stack,
        stack.create_client("e2e-auditor", ("audit:read",), region_code="421222"),
    )
    events = httpx.get(
        f"{stack.url()}/api/v1/mediation/audit-events",
        params={"request_id": request_id},
        headers=auditor,
        trust_env=False,
    )
    assert events.status_code == 200, events.text
    assert [(e["status"], e["client_address"]) for e in events.json()["items"]] == [
        (403, "127.0.0.1")
    ]
