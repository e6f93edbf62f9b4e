from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/officers"


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


def officer_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "name": "张某某",
        "certificate_number": "42122223001",
        "certificate_valid_until": "2028-12-31",
        "hired_on": "2023-03-01",
    }
    body.update(overrides)
    return body


def train(on: str) -> dict[str, str]:
    return {"type": "record_training", "occurred_on": on}


class TestCreateOfficer:
    async def test_created_officer_takes_the_agency_region(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        officer = await created(client, PATH, officer_body(agency_id))
        assert officer["region_code"] == "421222"
        assert officer["training_completed_on"] is None
        assert (await client.get(f"{PATH}/{officer['id']}")).json() == officer

    async def test_certificate_number_is_unique(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        await created(client, PATH, officer_body(agency_id))
        again = await client.post(PATH, json=officer_body(agency_id, name="李某"))
        assert problem_type(again, 409) == "certificate-number-taken"
        assert "42122223001" not in again.text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"training_completed_on": "2023-02-28"}, "training_completed_on"),
            ({"certificate_number": "42 12"}, "certificate_number"),
            ({"hired_on": None}, "hired_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        body = {**officer_body(agency_id), **overrides}
        response = await client.post(PATH, json=body)
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        assert (
            problem_type(await client.get(f"{PATH}/{UNKNOWN_ID}"), 404)
            == "officer-not-found"
        )


class TestRecordTraining:
    async def test_training_is_recorded_once(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        officer = await created(client, PATH, officer_body(agency_id))
        events = f"{PATH}/{officer['id']}/events"
        trained = await client.post(events, json=train("2023-04-15"))
        assert trained.status_code == 200
        assert trained.json()["training_completed_on"] == "2023-04-15"
        history = (await client.get(events)).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in history] == [
            ("record_training", "2023-04-15", "test-user")
        ]
        again = await client.post(events, json=train("2023-05-01"))
        assert problem_type(again, 409) == "officer-transition-not-allowed"
        assert again.json()["current_status"] == "trained"

    async def test_training_given_at_creation_cannot_be_recorded_again(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        officer = await created(
            client, PATH, officer_body(agency_id, training_completed_on="2023-03-20")
        )
        response = await client.post(
            f"{PATH}/{officer['id']}/events", json=train("2023-04-01")
        )
        assert response.status_code == 409

    async def test_training_before_hiring_is_refused(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        officer = await created(client, PATH, officer_body(agency_id))
        response = await client.post(
            f"{PATH}/{officer['id']}/events", json=train("2023-02-01")
        )
        assert problem_fields(response) == ["occurred_on"]

    async def test_command_on_unknown_officer_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            f"{PATH}/{UNKNOWN_ID}/events", json=train("2023-04-01")
        )
        assert response.status_code == 404


class TestListOfficers:
    async def test_filters_by_region_year_agency_and_training(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        a = await created(
            client,
            PATH,
            officer_body(
                agency_id, certificate_number="A1", training_completed_on="2023-05-01"
            ),
        )
        b = await created(
            client,
            PATH,
            officer_body(agency_id, certificate_number="A2", hired_on="2022-06-01"),
        )
        c = await created(client, PATH, officer_body(other, certificate_number="A3"))
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, year=2023) == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421222", year=2022) == [b["id"]]
        assert await ids(client, PATH, trained="true") == [a["id"]]
        assert await ids(client, PATH, trained="false", agency_id=agency_id) == [
            b["id"]
        ]
