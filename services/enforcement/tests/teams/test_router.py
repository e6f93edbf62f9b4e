from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/comprehensive-enforcement-teams"


@pytest.fixture
async def agency_ids(session: AsyncSession) -> list[str]:
    return [str((await make_agency(session)).id) for _ in range(3)]


def team_body(members: list[str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "name": "通城县市场监管综合行政执法大队",
        "established_on": "2023-03-01",
        "member_agency_ids": members,
    }
    body.update(overrides)
    return body


class TestCreateTeam:
    async def test_created_team_keeps_its_members_in_order(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        members = [agency_ids[2], agency_ids[0]]
        team = await created(client, PATH, team_body(members))
        assert team["member_agency_ids"] == members
        assert team["dissolved_on"] is None
        read = await client.get(f"{PATH}/{team['id']}")
        assert read.status_code == 200
        assert read.json() == team

    async def test_unknown_member_names_its_position(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        response = await client.post(PATH, json=team_body([agency_ids[0], UNKNOWN_ID]))
        assert problem_fields(response) == ["member_agency_ids.1"]
        assert response.json()["errors"][0]["code"] == "unknown"

    async def test_repeated_member_is_refused(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        response = await client.post(
            PATH, json=team_body([agency_ids[0], agency_ids[0]])
        )
        assert problem_fields(response) == ["member_agency_ids.1"]
        assert response.json()["errors"][0]["code"] == "duplicate"

    async def test_member_of_another_county_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        elsewhere = await make_agency(session, region_code=OTHER_REGION)
        response = await client.post(PATH, json=team_body([str(elsewhere.id)]))
        assert problem_fields(response) == ["member_agency_ids.0"]
        assert response.json()["errors"][0]["code"] == "not_in_region"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"member_agency_ids": []}, "member_agency_ids"),
            ({"dissolved_on": "2023-02-28"}, "dissolved_on"),
            ({"established_on": "2023-02-30"}, "established_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_ids: list[str],
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(PATH, json=team_body(agency_ids, **overrides))
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        assert (
            problem_type(await client.get(f"{PATH}/{UNKNOWN_ID}"), 404)
            == "team-not-found"
        )


class TestDissolveTeam:
    async def test_dissolve_is_recorded_once(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        team = await created(client, PATH, team_body(agency_ids))
        events = f"{PATH}/{team['id']}/events"
        dissolved = await client.post(
            events, json={"type": "dissolve", "occurred_on": "2023-09-30"}
        )
        assert dissolved.status_code == 200
        assert dissolved.json()["dissolved_on"] == "2023-09-30"
        history = (await client.get(events)).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in history] == [
            ("dissolve", "2023-09-30", "test-user")
        ]
        again = await client.post(
            events, json={"type": "dissolve", "occurred_on": "2023-10-30"}
        )
        assert problem_type(again, 409) == "team-transition-not-allowed"
        assert again.json()["current_status"] == "dissolved"
        assert (await client.get(f"{PATH}/{team['id']}")).json()[
            "dissolved_on"
        ] == "2023-09-30"

    async def test_team_created_dissolved_cannot_be_dissolved(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        team = await created(
            client, PATH, team_body(agency_ids, dissolved_on="2023-06-01")
        )
        response = await client.post(
            f"{PATH}/{team['id']}/events",
            json={"type": "dissolve", "occurred_on": "2023-07-01"},
        )
        assert response.status_code == 409

    async def test_dissolve_before_establishment_is_refused(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        team = await created(client, PATH, team_body(agency_ids))
        response = await client.post(
            f"{PATH}/{team['id']}/events",
            json={"type": "dissolve", "occurred_on": "2023-02-01"},
        )
        assert problem_fields(response) == ["occurred_on"]

    async def test_unknown_command_type_is_refused(
        self, client: httpx.AsyncClient, agency_ids: list[str]
    ) -> None:
        team = await created(client, PATH, team_body(agency_ids))
        response = await client.post(
            f"{PATH}/{team['id']}/events",
            json={"type": "merge", "occurred_on": "2023-07-01"},
        )
        assert problem_fields(response) == ["type"]

    async def test_command_on_unknown_team_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            f"{PATH}/{UNKNOWN_ID}/events",
            json={"type": "dissolve", "occurred_on": "2023-07-01"},
        )
        assert response.status_code == 404


class TestListTeams:
    async def test_filters_by_region_member_and_year_of_existence(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_ids: list[str]
    ) -> None:
        a = await created(
            client, PATH, team_body([agency_ids[0]], established_on="2022-05-01")
        )
        b = await created(
            client,
            PATH,
            team_body(
                agency_ids[1:], established_on="2021-01-01", dissolved_on="2023-01-01"
            ),
        )
        c = await created(
            client, PATH, team_body([agency_ids[0]], established_on="2023-12-31")
        )
        elsewhere = await make_agency(session, region_code=OTHER_REGION)
        await created(
            client, PATH, team_body([str(elsewhere.id)], region_code=OTHER_REGION)
        )
        assert await ids(client, PATH, region_code="421222") == [
            a["id"],
            b["id"],
            c["id"],
        ]
        assert await ids(client, PATH, agency_id=agency_ids[0]) == [a["id"], c["id"]]
        # b was dissolved on 2023-01-01: it existed in 2022 only (and 2021).
        assert await ids(client, PATH, region_code="421222", year=2023) == [
            a["id"],
            c["id"],
        ]
        assert await ids(client, PATH, region_code="421222", year=2022) == [
            a["id"],
            b["id"],
        ]
        assert await ids(client, PATH, region_code="421222", year=2020) == []
