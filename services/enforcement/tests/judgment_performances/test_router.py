from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency, make_campaign
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/judgment-performances"


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


def performance_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "judgment_reference": "(2022)鄂1222行初15号",
        "found_on": "2023-03-01",
    }
    body.update(overrides)
    return body


def rectify(on: str) -> dict[str, str]:
    return {"type": "rectify", "occurred_on": on}


class TestRecordPerformance:
    async def test_recorded_item_takes_the_agency_region(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        item = await created(client, PATH, performance_body(agency_id))
        assert (item["region_code"], item["rectified_on"]) == ("421222", None)
        assert (await client.get(f"{PATH}/{item['id']}")).json() == item

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"judgment_reference": ""}, "judgment_reference"),
            ({"found_on": None}, "found_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(
            PATH, json={**performance_body(agency_id), **overrides}
        )
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        assert (
            problem_type(await client.get(f"{PATH}/{UNKNOWN_ID}"), 404)
            == "judgment-performance-not-found"
        )


class TestRectify:
    async def test_rectify_is_recorded_once(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        item = await created(client, PATH, performance_body(agency_id))
        events = f"{PATH}/{item['id']}/events"
        rectified = await client.post(events, json=rectify("2023-05-20"))
        assert rectified.status_code == 200
        assert rectified.json()["rectified_on"] == "2023-05-20"
        history = (await client.get(events)).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in history] == [
            ("rectify", "2023-05-20", "test-user")
        ]
        again = await client.post(events, json=rectify("2023-06-01"))
        assert problem_type(again, 409) == "judgment-performance-transition-not-allowed"
        assert again.json()["current_status"] == "rectified"
        assert (await client.get(f"{PATH}/{item['id']}")).json()[
            "rectified_on"
        ] == "2023-05-20"

    async def test_rectify_before_it_was_found_is_refused(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        item = await created(client, PATH, performance_body(agency_id))
        response = await client.post(
            f"{PATH}/{item['id']}/events", json=rectify("2023-02-28")
        )
        assert problem_fields(response) == ["occurred_on"]

    async def test_command_on_unknown_item_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (
            await client.post(f"{PATH}/{UNKNOWN_ID}/events", json=rectify("2023-05-20"))
        ).status_code == 404


class TestListPerformances:
    async def test_filters_by_region_year_agency_and_rectification(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        a = await created(client, PATH, performance_body(agency_id))
        b = await created(
            client, PATH, performance_body(agency_id, found_on="2022-11-01")
        )
        c = await created(client, PATH, performance_body(other))
        await client.post(f"{PATH}/{b['id']}/events", json=rectify("2023-01-10"))
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, year=2023) == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421222", year=2022) == [b["id"]]
        assert await ids(client, PATH, rectified="true") == [b["id"]]
        assert await ids(client, PATH, rectified="false", agency_id=agency_id) == [
            a["id"]
        ]


class TestFoundByCampaign:
    async def test_item_of_a_campaign_is_tracked_to_rectification(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        campaign = str((await make_campaign(session)).id)  # started 2022-03-01
        item = await created(
            client, PATH, performance_body(agency_id, campaign_id=campaign)
        )
        other = await created(client, PATH, performance_body(agency_id))
        assert item["campaign_id"] == campaign
        assert await ids(client, PATH, campaign_id=campaign) == [item["id"]]
        response = await client.post(
            f"{PATH}/{item['id']}/events", json=rectify("2023-05-01")
        )
        assert response.status_code == 200, response.text
        assert await ids(client, PATH, campaign_id=campaign, rectified=True) == [
            item["id"]
        ]
        assert other["campaign_id"] is None

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"campaign_id": UNKNOWN_ID}, "campaign_id"),
            ({"found_on": "2022-02-28"}, "found_on"),
        ],
    )
    async def test_bad_campaign_names_the_field(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        agency_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        campaign = str((await make_campaign(session)).id)
        body = {**performance_body(agency_id, campaign_id=campaign), **overrides}
        assert problem_fields(await client.post(PATH, json=body)) == [field]

    async def test_campaign_of_another_county_is_unknown(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        campaign = str((await make_campaign(session, region_code=OTHER_REGION)).id)
        body = performance_body(agency_id, campaign_id=campaign)
        assert problem_fields(await client.post(PATH, json=body)) == ["campaign_id"]
