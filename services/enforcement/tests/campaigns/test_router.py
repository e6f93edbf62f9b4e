from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

CAMPAIGNS = "/api/v1/special-campaigns"
CLUES = "/api/v1/problem-clues"


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


def campaign_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "name": "道路交通安全和运输执法领域突出问题专项整治",
        "started_on": "2023-04-01",
    }
    body.update(overrides)
    return body


def clue_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "found_on": "2023-05-10",
        "description": "违规异地执法",
    }
    body.update(overrides)
    return body


async def add_clue(
    client: httpx.AsyncClient, campaign_id: str, agency_id: str, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{CAMPAIGNS}/{campaign_id}/problem-clues",
        json=clue_body(agency_id, **overrides),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == f"{CLUES}/{body['id']}"
    return body


def rectify(on: str) -> dict[str, str]:
    return {"type": "rectify", "occurred_on": on}


class TestCampaigns:
    async def test_started_campaign_is_returned_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        campaign = await created(client, CAMPAIGNS, campaign_body())
        assert campaign["started_on"] == "2023-04-01"
        assert (await client.get(f"{CAMPAIGNS}/{campaign['id']}")).json() == campaign

    async def test_bad_region_names_the_field(self, client: httpx.AsyncClient) -> None:
        assert problem_fields(
            await client.post(CAMPAIGNS, json=campaign_body(region_code="x"))
        ) == ["region_code"]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        assert (
            problem_type(await client.get(f"{CAMPAIGNS}/{UNKNOWN_ID}"), 404)
            == "special-campaign-not-found"
        )

    async def test_list_filters_by_region_and_year_started(
        self, client: httpx.AsyncClient
    ) -> None:
        a = await created(client, CAMPAIGNS, campaign_body())
        b = await created(client, CAMPAIGNS, campaign_body(started_on="2022-08-01"))
        c = await created(client, CAMPAIGNS, campaign_body(region_code="421223"))
        assert await ids(client, CAMPAIGNS, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, CAMPAIGNS, year=2023) == [a["id"], c["id"]]
        assert await ids(client, CAMPAIGNS, region_code="421222", year=2022) == [
            b["id"]
        ]


class TestProblemClues:
    async def test_clue_takes_the_campaign_and_its_region(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        campaign = await created(client, CAMPAIGNS, campaign_body())
        clue = await add_clue(client, campaign["id"], agency_id)
        assert (clue["campaign_id"], clue["region_code"], clue["rectified_on"]) == (
            campaign["id"],
            "421222",
            None,
        )
        assert (await client.get(f"{CLUES}/{clue['id']}")).json() == clue

    async def test_clue_before_the_campaign_started_is_refused(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        campaign = await created(client, CAMPAIGNS, campaign_body())
        response = await client.post(
            f"{CAMPAIGNS}/{campaign['id']}/problem-clues",
            json=clue_body(agency_id, found_on="2023-03-31"),
        )
        assert problem_fields(response) == ["found_on"]

    async def test_clue_about_an_agency_of_another_county_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        campaign = await created(client, CAMPAIGNS, campaign_body())
        elsewhere = str((await make_agency(session, region_code=OTHER_REGION)).id)
        response = await client.post(
            f"{CAMPAIGNS}/{campaign['id']}/problem-clues", json=clue_body(elsewhere)
        )
        assert problem_fields(response) == ["agency_id"]
        assert response.json()["errors"][0]["code"] == "not_in_region"

    async def test_clue_in_unknown_campaign_is_404(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        response = await client.post(
            f"{CAMPAIGNS}/{UNKNOWN_ID}/problem-clues", json=clue_body(agency_id)
        )
        assert problem_type(response, 404) == "special-campaign-not-found"

    async def test_unknown_clue_is_a_problem_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (
            problem_type(await client.get(f"{CLUES}/{UNKNOWN_ID}"), 404)
            == "problem-clue-not-found"
        )

    async def test_rectify_is_recorded_once(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        campaign = await created(client, CAMPAIGNS, campaign_body())
        clue = await add_clue(client, campaign["id"], agency_id)
        events = f"{CLUES}/{clue['id']}/events"
        rectified = await client.post(events, json=rectify("2023-06-30"))
        assert rectified.status_code == 200
        assert rectified.json()["rectified_on"] == "2023-06-30"
        history = (await client.get(events)).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in history] == [
            ("rectify", "2023-06-30", "test-user")
        ]
        again = await client.post(events, json=rectify("2023-07-01"))
        assert problem_type(again, 409) == "problem-clue-transition-not-allowed"
        assert again.json()["current_status"] == "rectified"

    async def test_rectify_before_the_clue_was_found_is_refused(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        campaign = await created(client, CAMPAIGNS, campaign_body())
        clue = await add_clue(client, campaign["id"], agency_id)
        response = await client.post(
            f"{CLUES}/{clue['id']}/events", json=rectify("2023-05-09")
        )
        assert problem_fields(response) == ["occurred_on"]

    async def test_command_on_unknown_clue_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (
            await client.post(
                f"{CLUES}/{UNKNOWN_ID}/events", json=rectify("2023-06-30")
            )
        ).status_code == 404

    async def test_lists_filter_by_campaign_region_year_and_rectification(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        first = await created(client, CAMPAIGNS, campaign_body(started_on="2022-06-01"))
        second = await created(client, CAMPAIGNS, campaign_body())
        a = await add_clue(client, first["id"], agency_id, found_on="2022-07-01")
        b = await add_clue(client, first["id"], agency_id)
        c = await add_clue(client, second["id"], agency_id)
        await client.post(f"{CLUES}/{b['id']}/events", json=rectify("2023-06-01"))
        elsewhere_campaign = await created(
            client, CAMPAIGNS, campaign_body(region_code=OTHER_REGION)
        )
        elsewhere = str((await make_agency(session, region_code=OTHER_REGION)).id)
        d = await add_clue(client, elsewhere_campaign["id"], elsewhere)
        assert await ids(client, f"{CAMPAIGNS}/{first['id']}/problem-clues") == [
            a["id"],
            b["id"],
        ]
        assert await ids(client, CLUES, campaign_id=second["id"]) == [c["id"]]
        assert await ids(client, CLUES, region_code="421222") == [
            a["id"],
            b["id"],
            c["id"],
        ]
        assert await ids(client, CLUES, year=2023) == [b["id"], c["id"], d["id"]]
        assert await ids(client, CLUES, region_code="421222", year=2022) == [a["id"]]
        assert await ids(client, CLUES, rectified="true") == [b["id"]]
        assert await ids(client, CLUES, rectified="false", region_code="421222") == [
            a["id"],
            c["id"],
        ]
