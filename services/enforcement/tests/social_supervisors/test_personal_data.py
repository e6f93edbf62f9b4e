"""The social supervisor's phone (domain.md §8): normalised and validated, stored
encrypted with a keyed hash, found by the hash, masked unless ``enforcement:pii``, and
every full read audited; the raw number is in no column and in no audit event."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.social_supervisors.models import SocialSupervisor
from shared.testing import ServiceUnderTest
from tests.factories import REGION
from tests.helpers import created, problem_fields

PATH = "/api/v1/social-supervisors"
EVENTS = "/api/v1/audit-events"
PHONE = "13812348000"
MASKED = "138****8000"


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "region_code": REGION,
        "name": "王某某",
        "sector": "律师",
        "enterprise_related": False,
        "appointed_on": "2023-05-01",
        "term_ends_on": "2025-04-30",
        **overrides,
    }


def masked_caller(service_under_test: ServiceUnderTest) -> dict[str, str]:
    return service_under_test.issuer.headers(
        scopes={"enforcement:read", "enforcement:write"}
    )


async def read_events(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(EVENTS, params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestStored:
    @pytest.mark.parametrize(
        "written",
        [
            "138 1234 8000",
            "138-1234-8000",
            "１３８１２３４８０００",
            "+86 138 1234 8000",
        ],
    )
    async def test_any_form_is_stored_once_and_found_by_the_hash(
        self, client: httpx.AsyncClient, session: AsyncSession, written: str
    ) -> None:
        supervisor = await created(client, PATH, body(phone=written))
        assert supervisor["phone"] == PHONE
        await created(client, PATH, body(name="李某某"))  # no phone
        for asked in (PHONE, "138-1234-8000", "１３８ １２３４ ８０００"):
            found = await client.get(PATH, params={"phone": asked})
            assert [s["id"] for s in found.json()["items"]] == [supervisor["id"]]
        stored = await session.scalar(
            select(SocialSupervisor).where(SocialSupervisor.name == "王某某")
        )
        assert stored is not None
        assert stored.phone_hash is not None
        assert stored.phone_encrypted is not None
        assert PHONE not in stored.phone_encrypted

    async def test_the_raw_number_is_in_no_column(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await created(client, PATH, body(phone=PHONE))
        rows = (await session.execute(text("SELECT * FROM social_supervisors"))).all()
        assert rows
        assert not any(PHONE in str(value) for row in rows for value in row)

    @pytest.mark.parametrize("phone", ["12345", "23812348000", "1381234800a"])
    async def test_an_invalid_phone_is_422_naming_the_field(
        self, client: httpx.AsyncClient, phone: str
    ) -> None:
        response = await client.post(PATH, json=body(phone=phone))
        assert problem_fields(response) == ["phone"]
        assert "mobile" in response.text

    async def test_the_phone_is_optional(self, client: httpx.AsyncClient) -> None:
        supervisor = await created(client, PATH, body())
        assert supervisor["phone"] is None
        assert await read_events(client, action="read_personal_data") == []


class TestMasked:
    async def test_masked_without_pii_and_full_with_it_audited(
        self, client: httpx.AsyncClient, service_under_test: ServiceUnderTest
    ) -> None:
        masked = masked_caller(service_under_test)
        response = await client.post(PATH, json=body(phone=PHONE), headers=masked)
        assert response.status_code == 201, response.text
        supervisor_id = response.json()["id"]
        assert response.json()["phone"] == MASKED
        one = await client.get(f"{PATH}/{supervisor_id}", headers=masked)
        assert one.json()["phone"] == MASKED
        listed = await client.get(PATH, headers=masked)
        assert [s["phone"] for s in listed.json()["items"]] == [MASKED]
        assert await read_events(client, action="read_personal_data") == []

        full = await client.get(
            f"{PATH}/{supervisor_id}", headers={"X-Request-ID": "pii-read-00000001"}
        )
        assert full.json()["phone"] == PHONE
        [event] = await read_events(client, request_id="pii-read-00000001")
        assert event["action"] == "read_personal_data"
        assert (event["resource_type"], event["resource_id"]) == (
            "social_supervisor",
            supervisor_id,
        )
        assert event["changes"] == {"fields": ["phone"]}
        assert event["actor"] == "test-user"

        await client.get(PATH, headers={"X-Request-ID": "pii-list-00000001"})
        assert len(await read_events(client, request_id="pii-list-00000001")) == 1

    async def test_the_raw_number_is_in_no_audit_event(
        self, client: httpx.AsyncClient
    ) -> None:
        supervisor = await created(client, PATH, body(phone="138 1234 8000"))
        await client.get(f"{PATH}/{supervisor['id']}")
        log = await client.get(EVENTS, params={"resource_id": supervisor["id"]})
        actions = [e["action"] for e in log.json()["items"]]
        assert actions == ["create", "read_personal_data", "read_personal_data"]
        assert log.json()["items"][0]["changes"]["phone"] == MASKED
        assert PHONE not in log.text
        assert "1234 8000" not in log.text
