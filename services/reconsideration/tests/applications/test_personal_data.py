"""The applicant's personal data (domain.md §8): validated and normalised, stored encrypted
with a keyed hash, found by that hash, masked without reconsideration:pii, full reads audited."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications.models import ReconsiderationApplication
from shared.testing import TokenIssuer
from tests.applications.test_router import START, application_body

ID_NUMBER = "42122220010612105X"
FORMS = (
    "４２１２２２２００１０６１２１０５ｘ",  # full-width, lower-case x
    "42122220010612105x",
    " 421222 20010612 105X ",
)
OTHER_ID_NUMBER = "421222200106121236"
PHONE = "13800138000"
CREDIT_CODE = "91421222MA4F0K1L2M"
PROBLEM = "application/problem+json"


def reader(issuer: TokenIssuer, *, pii: bool) -> dict[str, str]:
    scopes = {"reconsideration:read"} | ({"reconsideration:pii"} if pii else set())
    return issuer.headers(scopes=scopes)


async def receive(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/applications", json=application_body(**overrides)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def audit_events(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    response = await client.get(
        "/api/v1/audit-events", params={"page_size": 100, **params}
    )
    assert response.status_code == 200, response.text
    return response


def invalid(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


class TestValidation:
    async def test_every_form_of_one_number_is_stored_once_and_found_by_its_hash(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        ids = [(await receive(client, applicant_id_number=f))["id"] for f in FORMS]
        await receive(client, applicant_id_number=OTHER_ID_NUMBER)
        await receive(client)
        hashes = set(
            (
                await session.scalars(
                    select(ReconsiderationApplication.applicant_id_number_hash).where(
                        ReconsiderationApplication.id.in_([uuid.UUID(i) for i in ids])
                    )
                )
            ).all()
        )
        assert len(hashes) == 1
        assert None not in hashes
        for form in (*FORMS, ID_NUMBER):
            response = await client.get(
                "/api/v1/applications", params={"applicant_id_number": form}
            )
            assert response.status_code == 200, response.text
            found = response.json()["items"]
            assert [a["id"] for a in found] == ids
            assert {a["applicant_id_number"] for a in found} == {ID_NUMBER}

    async def test_a_wrong_check_digit_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        errors = invalid(
            await client.post(
                "/api/v1/applications",
                json=application_body(applicant_id_number="421222200106121235"),
            )
        )
        assert [e["field"] for e in errors] == ["applicant_id_number"]
        assert "421222200106121235" not in json.dumps(errors)

    async def test_the_15_digit_form_is_refused_with_the_reason(
        self, client: httpx.AsyncClient
    ) -> None:
        errors = invalid(
            await client.post(
                "/api/v1/applications",
                json=application_body(applicant_id_number="421222850612123"),
            )
        )
        assert [e["field"] for e in errors] == ["applicant_id_number"]
        assert "15-digit" in errors[0]["message"]
        assert "18" in errors[0]["message"]

    async def test_an_invalid_number_in_the_filter_names_the_parameter(
        self, client: httpx.AsyncClient
    ) -> None:
        errors = invalid(
            await client.get(
                "/api/v1/applications",
                params={"applicant_id_number": "421222200106121235"},
            )
        )
        assert [e["field"] for e in errors] == ["applicant_id_number"]

    async def test_an_id_number_is_for_a_person_and_a_credit_code_for_an_organisation(
        self, client: httpx.AsyncClient
    ) -> None:
        errors = invalid(
            await client.post(
                "/api/v1/applications",
                json=application_body(
                    applicant_kind="organisation", applicant_id_number=ID_NUMBER
                ),
            )
        )
        assert [e["field"] for e in errors] == ["applicant_id_number"]
        errors = invalid(
            await client.post(
                "/api/v1/applications",
                json=application_body(applicant_credit_code=CREDIT_CODE),
            )
        )
        assert [e["field"] for e in errors] == ["applicant_credit_code"]
        bad_code = CREDIT_CODE[:-1] + "A"
        errors = invalid(
            await client.post(
                "/api/v1/applications",
                json=application_body(
                    applicant_kind="organisation", applicant_credit_code=bad_code
                ),
            )
        )
        assert [e["field"] for e in errors] == ["applicant_credit_code"]
        company = await receive(
            client,
            applicant_name="通城县某商贸有限公司",
            applicant_kind="organisation",
            applicant_credit_code=CREDIT_CODE.lower(),
            applicant_phone="0715-4321234",
        )
        assert company["applicant_credit_code"] == CREDIT_CODE
        assert company["applicant_phone"] == "07154321234"

    async def test_a_phone_must_be_a_mobile_or_a_landline(
        self, client: httpx.AsyncClient
    ) -> None:
        errors = invalid(
            await client.post(
                "/api/v1/applications", json=application_body(applicant_phone="12345")
            )
        )
        assert [e["field"] for e in errors] == ["applicant_phone"]


class TestMaskingAndAudit:
    async def test_without_pii_the_applicant_is_masked(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        created = await receive(
            client, applicant_id_number=ID_NUMBER, applicant_phone=PHONE
        )
        masked = reader(token_issuer, pii=False)
        one = await client.get(f"/api/v1/applications/{created['id']}", headers=masked)
        listed = await client.get("/api/v1/applications", headers=masked)
        for body in (one.json(), listed.json()["items"][0]):
            assert body["applicant_id_number"] == "4212**********105X"
            assert body["applicant_phone"] == "138****8000"
            assert body["applicant_credit_code"] is None
        logged = (await audit_events(client, actor="test-user")).json()["items"]
        assert {e["action"] for e in logged} == {"create", "read_personal_data"}
        # Only the creator's own full answer was a full read; the masked reads are not.
        assert [e["request_id"] for e in logged if e["action"] == "read_personal_data"]
        assert all(
            e["method"] == "POST" for e in logged if e["action"] == "read_personal_data"
        )

    async def test_with_pii_the_full_value_is_shown_and_the_read_audited(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        created = await receive(
            client, applicant_id_number=ID_NUMBER, applicant_phone=PHONE
        )
        assert created["applicant_id_number"] == ID_NUMBER
        full = reader(token_issuer, pii=True)
        response = await client.get(
            f"/api/v1/applications/{created['id']}",
            headers={**full, "X-Request-ID": "req-full-read-1"},
        )
        assert response.json()["applicant_id_number"] == ID_NUMBER
        assert response.json()["applicant_phone"] == PHONE
        read = (await audit_events(client, request_id="req-full-read-1")).json()
        assert [
            (e["action"], e["method"], e["resource_id"], e["status"], e["changes"])
            for e in read["items"]
        ] == [
            (
                "read_personal_data",
                "GET",
                created["id"],
                200,
                {"fields": ["applicant_id_number", "applicant_phone"]},
            )
        ]

    async def test_a_list_audits_each_application_shown_in_full(
        self, client: httpx.AsyncClient
    ) -> None:
        a = await receive(client, applicant_id_number=ID_NUMBER)
        await receive(client)  # nothing personal to show
        b = await receive(client, applicant_phone=PHONE)
        response = await client.get(
            "/api/v1/applications", headers={"X-Request-ID": "req-full-list-1"}
        )
        assert response.status_code == 200
        read = (await audit_events(client, request_id="req-full-list-1")).json()
        assert [(e["resource_id"], e["changes"]) for e in read["items"]] == [
            (a["id"], {"fields": ["applicant_id_number"]}),
            (b["id"], {"fields": ["applicant_phone"]}),
        ]

    async def test_a_command_answer_in_full_is_audited_with_the_change(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await receive(client, applicant_id_number=ID_NUMBER)
        response = await client.post(
            f"/api/v1/applications/{created['id']}/events",
            json=START,
            headers={"X-Request-ID": "req-command-full-1"},
        )
        assert response.json()["applicant_id_number"] == ID_NUMBER
        logged = (await audit_events(client, request_id="req-command-full-1")).json()
        assert [e["action"] for e in logged["items"]] == [
            "command:start_review",
            "read_personal_data",
        ]

    async def test_the_raw_values_are_never_stored_nor_logged(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        created = await receive(
            client, applicant_id_number=FORMS[1], applicant_phone=PHONE
        )
        await client.get(f"/api/v1/applications/{created['id']}")
        table = ReconsiderationApplication.__table__
        row = (await session.execute(select(table))).mappings().one()
        stored = json.dumps({k: str(v) for k, v in row.items()})
        for raw in (ID_NUMBER, FORMS[1], PHONE, ID_NUMBER.lower()):
            assert raw not in stored
        assert row["applicant_id_number_encrypted"].startswith("v1:")
        assert len(row["applicant_id_number_hash"]) == 64
        log = (await audit_events(client)).text
        for raw in (ID_NUMBER, FORMS[1], PHONE):
            assert raw not in log
        create = next(
            e
            for e in (await audit_events(client)).json()["items"]
            if e["action"] == "create"
        )
        assert create["changes"]["applicant_id_number"] == "4212**********105X"
        assert create["changes"]["applicant_phone"] == "138****8000"
