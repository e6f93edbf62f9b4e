"""Parties' personal data (domain.md §8): validated, stored encrypted with a keyed hash,
shown masked without mediation:pii, each full read audited, found by ID number."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.audit.models import AuditEvent
from mediation.disputes.models import DisputeParty
from shared.testing import ServiceUnderTest
from tests.disputes.test_router import dispute_body
from tests.factories import make_committee

#: Generated for tests (region 421222, born 2000-01-01): valid check digits, nobody's number.
ID_NUMBER = "421222200001011006"
ID_NUMBER_X = "42122220000101109X"
PHONE = "13800000001"
CREDIT_CODE = "91421222MA4F00000U"

FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in ID_NUMBER)  # ４２１２…


@pytest.fixture
async def committee_id(session: AsyncSession) -> str:
    return str((await make_committee(session)).id)


def with_parties(committee_id: str, *first: dict[str, Any]) -> dict[str, Any]:
    parties = [*first, {"kind": "person", "name": "李某"}]
    return dispute_body(committee_id, parties=parties)


def mediator(sut: ServiceUnderTest) -> dict[str, str]:
    """A mediator: reads and writes, no mediation:pii (docs/auth.md)."""
    return sut.issuer.headers(scopes={"mediation:read", "mediation:write"})


async def register(
    client: httpx.AsyncClient, body: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    response = await client.post("/api/v1/disputes", json=body, **kwargs)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def all_rows_text(session: AsyncSession, model: Any) -> str:
    rows = (await session.execute(select(model))).scalars().all()
    return repr(
        [
            {c.key: getattr(row, c.key) for c in model.__mapper__.column_attrs}
            for row in rows
        ]
    )


class TestValidation:
    @pytest.mark.parametrize(
        "sent",
        [
            FULL_WIDTH,
            ID_NUMBER_X.lower(),
            "421222 20000101 1006",
            " 421222200001011006 ",
        ],
    )
    async def test_other_forms_are_normalised_and_found_by_the_hash(
        self, client: httpx.AsyncClient, committee_id: str, sent: str
    ) -> None:
        expected = ID_NUMBER_X if sent == ID_NUMBER_X.lower() else ID_NUMBER
        created = await register(
            client,
            with_parties(
                committee_id, {"kind": "person", "name": "张某", "id_number": sent}
            ),
        )
        assert (
            created["parties"][0]["id_number"] == expected
        )  # full: test caller has pii
        for query in (expected, sent, expected.lower()):
            found = await client.get(
                "/api/v1/disputes", params={"party_id_number": query}
            )
            assert found.status_code == 200, found.text
            assert [d["id"] for d in found.json()["items"]] == [created["id"]]

    async def test_forms_of_one_number_are_one_person(
        self, client: httpx.AsyncClient, committee_id: str, session: AsyncSession
    ) -> None:
        first = await register(
            client,
            with_parties(
                committee_id,
                {"kind": "person", "name": "张某", "id_number": FULL_WIDTH},
            ),
        )
        second = await register(
            client,
            with_parties(
                committee_id,
                {
                    "kind": "person",
                    "name": "张某",
                    "id_number": "4212 2220 0001 0110 06",
                },
            ),
        )
        hashes = (
            (
                await session.execute(
                    select(DisputeParty.id_number_hash).where(
                        DisputeParty.id_number_hash.is_not(None)
                    )
                )
            )
            .scalars()
            .all()
        )
        assert len(hashes) == 2
        assert len(set(hashes)) == 1
        found = await client.get(
            "/api/v1/disputes", params={"party_id_number": ID_NUMBER}
        )
        assert {d["id"] for d in found.json()["items"]} == {first["id"], second["id"]}
        other = await client.get(
            "/api/v1/disputes", params={"party_id_number": "421222200001011014"}
        )
        assert other.json()["items"] == []

    async def test_a_wrong_check_digit_names_the_field(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes",
            json=with_parties(
                committee_id,
                {"kind": "person", "name": "张某", "id_number": "421222200001011007"},
            ),
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "parties.0.id_number"
        assert "check character" in error["message"]
        assert "421222200001011007" not in response.text

    async def test_the_15_digit_old_form_is_refused_with_the_reason(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        response = await client.post(
            "/api/v1/disputes",
            json=with_parties(
                committee_id,
                {"kind": "person", "name": "张某", "id_number": "421222800101100"},
            ),
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "parties.0.id_number"
        assert "15-digit" in error["message"]
        assert "18-character" in error["message"]

    async def test_a_bad_filter_is_422_on_the_query(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            "/api/v1/disputes", params={"party_id_number": "421222200001011007"}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "party_id_number"

    @pytest.mark.parametrize(
        ("party", "field"),
        [
            (
                {"kind": "organisation", "name": "某公司", "id_number": ID_NUMBER},
                "id_number",
            ),
            (
                {"kind": "person", "name": "张某", "credit_code": CREDIT_CODE},
                "credit_code",
            ),
            ({"kind": "person", "name": "张某", "phone": "12345"}, "phone"),
            (
                {
                    "kind": "organisation",
                    "name": "某公司",
                    "credit_code": "91421222MA4F00000A",
                },
                "credit_code",
            ),
        ],
    )
    async def test_identifiers_must_fit(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        party: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(
            "/api/v1/disputes", json=with_parties(committee_id, party)
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [f"parties.0.{field}"]


class TestMaskingAndAudit:
    async def test_a_mediator_sees_masked_values_and_no_read_is_audited(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        service_under_test: ServiceUnderTest,
    ) -> None:
        headers = mediator(service_under_test)
        created = await register(
            client,
            with_parties(
                committee_id,
                {
                    "kind": "person",
                    "name": "张某",
                    "id_number": ID_NUMBER,
                    "phone": "138-0000-0001",
                },
                {
                    "kind": "organisation",
                    "name": "某公司",
                    "credit_code": CREDIT_CODE,
                    "phone": PHONE,
                },
            ),
            headers=headers,
        )
        expected = [
            {
                "kind": "person",
                "name": "张某",
                "id_number": "4212**********1006",
                "credit_code": None,
                "phone": "138****0001",
            },
            {
                "kind": "organisation",
                "name": "某公司",
                "id_number": None,
                "credit_code": CREDIT_CODE,
                "phone": "138****0001",
            },
            {
                "kind": "person",
                "name": "李某",
                "id_number": None,
                "credit_code": None,
                "phone": None,
            },
        ]
        assert created["parties"] == expected
        read = await client.get(f"/api/v1/disputes/{created['id']}", headers=headers)
        assert read.json()["parties"] == expected
        listed = await client.get(
            "/api/v1/disputes", params={"party_id_number": ID_NUMBER}, headers=headers
        )
        assert listed.json()["items"][0]["parties"] == expected
        events = (
            await client.get(
                "/api/v1/audit-events", params={"resource_id": created["id"]}
            )
        ).json()["items"]
        assert [e["action"] for e in events] == ["create"]
        assert events[0]["changes"]["parties"][0] == {
            "kind": "person",
            "name": "张某",
            "id_number": "4212**********1006",
            "phone": "138****0001",
        }

    async def test_an_officer_sees_full_values_and_each_full_read_is_audited(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        service_under_test: ServiceUnderTest,
        session: AsyncSession,
    ) -> None:
        officer = service_under_test.issuer.headers(
            scopes={"mediation:read", "mediation:write", "mediation:pii"},
            subject="officer-1",
        )
        created = await register(
            client,
            with_parties(
                committee_id,
                {
                    "kind": "person",
                    "name": "张某",
                    "id_number": ID_NUMBER,
                    "phone": PHONE,
                },
            ),
            headers=mediator(service_under_test),
        )
        read = await client.get(
            f"/api/v1/disputes/{created['id']}",
            headers={**officer, "X-Request-ID": "req-full-read"},
        )
        assert read.status_code == 200
        assert read.json()["parties"][0]["id_number"] == ID_NUMBER
        assert read.json()["parties"][0]["phone"] == PHONE
        listed = await client.get(
            "/api/v1/disputes", params={"party_id_number": ID_NUMBER}, headers=officer
        )
        assert listed.json()["items"][0]["parties"][0]["id_number"] == ID_NUMBER

        events = (
            await client.get(
                "/api/v1/audit-events", params={"resource_id": created["id"]}
            )
        ).json()["items"]
        assert [(e["action"], e["actor"]) for e in events] == [
            ("create", "test-user"),
            ("read_personal_data", "officer-1"),
            ("read_personal_data", "officer-1"),
        ]
        full_read = events[1]
        assert full_read["request_id"] == "req-full-read"
        assert full_read["resource_type"] == "dispute"
        assert full_read["changes"] == {"fields": ["id_number", "phone"]}

        # The raw values are nowhere: not in the party rows, not in the audit log.
        for text in (
            await all_rows_text(session, DisputeParty),
            await all_rows_text(session, AuditEvent),
            (await client.get("/api/v1/audit-events")).text,
        ):
            assert ID_NUMBER not in text
            assert PHONE not in text
        [party] = (
            (
                await session.execute(
                    select(DisputeParty).where(DisputeParty.id_number_hash.is_not(None))
                )
            )
            .scalars()
            .all()
        )
        assert party.id_number_encrypted is not None
        assert party.id_number_encrypted.startswith("v1:")
        assert party.phone_hash is not None
        assert len(party.phone_hash) == 64

    async def test_a_dispute_without_personal_data_is_no_full_read(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        created = await register(client, dispute_body(committee_id))
        await client.get(f"/api/v1/disputes/{created['id']}")
        events = (
            await client.get(
                "/api/v1/audit-events", params={"resource_id": created["id"]}
            )
        ).json()["items"]
        assert [e["action"] for e in events] == ["create"]
