from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.models import EnforcementAgency
from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency, make_item
from tests.helpers import created, ids, problem_fields, problem_type

ITEMS = "/api/v1/inspection-items"
INSPECTIONS = "/api/v1/random-inspections"


@pytest.fixture
async def agencies(session: AsyncSession) -> list[EnforcementAgency]:
    return [await make_agency(session) for _ in range(3)]


def item_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "name": "食品经营者落实食品安全主体责任情况检查",
        "listed_on": "2022-01-01",
    }
    body.update(overrides)
    return body


def inspection_body(lead: str, items: list[str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "inspected_on": "2023-06-01",
        "lead_agency_id": lead,
        "participating_agency_ids": [],
        "inspection_item_ids": items,
        "entities_inspected": 12,
    }
    body.update(overrides)
    return body


def delist(on: str) -> dict[str, str]:
    return {"type": "delist", "occurred_on": on}


def publish(on: str) -> dict[str, str]:
    return {"type": "publish_results", "occurred_on": on}


class TestInspectionItems:
    async def test_listed_item_takes_the_agency_region(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        item = await created(client, ITEMS, item_body(str(agencies[0].id)))
        assert (item["region_code"], item["delisted_on"]) == ("421222", None)
        assert (await client.get(f"{ITEMS}/{item['id']}")).json() == item

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"delisted_on": "2021-12-31"}, "delisted_on"),
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"name": ""}, "name"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agencies: list[EnforcementAgency],
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(
            ITEMS, json={**item_body(str(agencies[0].id)), **overrides}
        )
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        assert (
            problem_type(await client.get(f"{ITEMS}/{UNKNOWN_ID}"), 404)
            == "inspection-item-not-found"
        )

    async def test_delist_is_recorded_once(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        item = await created(client, ITEMS, item_body(str(agencies[0].id)))
        events = f"{ITEMS}/{item['id']}/events"
        delisted = await client.post(events, json=delist("2023-07-01"))
        assert delisted.status_code == 200
        assert delisted.json()["delisted_on"] == "2023-07-01"
        history = (await client.get(events)).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in history] == [
            ("delist", "2023-07-01", "test-user")
        ]
        again = await client.post(events, json=delist("2023-08-01"))
        assert problem_type(again, 409) == "inspection-item-transition-not-allowed"
        assert again.json()["current_status"] == "delisted"

    async def test_delist_before_listing_is_refused(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        item = await created(client, ITEMS, item_body(str(agencies[0].id)))
        response = await client.post(
            f"{ITEMS}/{item['id']}/events", json=delist("2021-06-01")
        )
        assert problem_fields(response) == ["occurred_on"]

    async def test_delist_on_or_before_a_covering_inspection_is_refused(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        lead = str(agencies[0].id)
        item = await created(client, ITEMS, item_body(lead))
        await created(client, INSPECTIONS, inspection_body(lead, [item["id"]]))
        events = f"{ITEMS}/{item['id']}/events"
        refused = await client.post(events, json=delist("2023-06-01"))
        assert problem_fields(refused) == ["occurred_on"]
        assert refused.json()["errors"][0]["code"] == "inspected_later"
        assert (await client.post(events, json=delist("2023-06-02"))).status_code == 200

    async def test_command_on_unknown_item_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (
            await client.post(f"{ITEMS}/{UNKNOWN_ID}/events", json=delist("2023-01-01"))
        ).status_code == 404

    async def test_list_filters_by_region_agency_and_year_on_the_list(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        agencies: list[EnforcementAgency],
    ) -> None:
        agency = str(agencies[0].id)
        a = await created(client, ITEMS, item_body(agency))
        b = await created(client, ITEMS, item_body(agency, listed_on="2023-12-31"))
        # Delisted on 2023-01-01: on the list until 2022-12-31 only.
        c = await created(
            client, ITEMS, item_body(str(agencies[1].id), delisted_on="2023-01-01")
        )
        elsewhere = await make_agency(session, region_code=OTHER_REGION)
        d = await created(client, ITEMS, item_body(str(elsewhere.id)))
        assert await ids(client, ITEMS, region_code="421222") == [
            a["id"],
            b["id"],
            c["id"],
        ]
        assert await ids(client, ITEMS, agency_id=agency) == [a["id"], b["id"]]
        assert await ids(client, ITEMS, region_code="421222", year=2023) == [
            a["id"],
            b["id"],
        ]
        assert await ids(client, ITEMS, year=2022) == [a["id"], c["id"], d["id"]]
        assert await ids(client, ITEMS, year=2021) == []


class TestRecordInspection:
    async def test_single_department_inspection_is_not_joint(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        lead = str(agencies[0].id)
        item = await make_item_via_api(client, lead)
        inspection = await created(client, INSPECTIONS, inspection_body(lead, [item]))
        assert (inspection["department_count"], inspection["joint"]) == (1, False)
        assert inspection["inspection_item_ids"] == [item]
        assert inspection["region_code"] == "421222"
        assert (
            await client.get(f"{INSPECTIONS}/{inspection['id']}")
        ).json() == inspection

    async def test_inspection_with_participants_is_joint(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        lead, second, third = (str(a.id) for a in agencies)
        items = [
            await make_item_via_api(client, lead),
            await make_item_via_api(client, third),
        ]
        inspection = await created(
            client,
            INSPECTIONS,
            inspection_body(lead, items, participating_agency_ids=[third, second]),
        )
        assert (inspection["department_count"], inspection["joint"]) == (3, True)
        assert inspection["participating_agency_ids"] == [third, second]
        assert inspection["inspection_item_ids"] == items

    async def test_item_of_an_agency_taking_no_part_is_refused(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        lead, second = str(agencies[0].id), str(agencies[1].id)
        foreign = await make_item_via_api(client, second)
        response = await client.post(INSPECTIONS, json=inspection_body(lead, [foreign]))
        assert problem_fields(response) == ["inspection_item_ids.0"]
        assert response.json()["errors"][0]["code"] == "not_participating"

    @pytest.mark.parametrize(
        ("listed", "inspected_on"),
        [
            ({"listed_on": "2023-07-01"}, "2023-06-30"),  # not yet listed
            ({"delisted_on": "2023-06-01"}, "2023-06-01"),  # off the list from that day
        ],
    )
    async def test_item_off_the_list_on_the_day_is_refused(
        self,
        client: httpx.AsyncClient,
        agencies: list[EnforcementAgency],
        listed: dict[str, str],
        inspected_on: str,
    ) -> None:
        lead = str(agencies[0].id)
        item = (await created(client, ITEMS, item_body(lead, **listed)))["id"]
        response = await client.post(
            INSPECTIONS, json=inspection_body(lead, [item], inspected_on=inspected_on)
        )
        assert problem_fields(response) == ["inspection_item_ids.0"]
        assert response.json()["errors"][0]["code"] == "not_listed"

    async def test_department_lists_are_checked(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        agencies: list[EnforcementAgency],
    ) -> None:
        lead, second = str(agencies[0].id), str(agencies[1].id)
        item = await make_item_via_api(client, lead)
        elsewhere = str((await make_agency(session, region_code=OTHER_REGION)).id)
        cases: list[tuple[dict[str, Any], str, str]] = [
            (
                {"participating_agency_ids": [second, lead]},
                "participating_agency_ids.1",
                "lead_repeated",
            ),
            (
                {"participating_agency_ids": [second, second]},
                "participating_agency_ids.1",
                "duplicate",
            ),
            (
                {"participating_agency_ids": [elsewhere]},
                "participating_agency_ids.0",
                "not_in_region",
            ),
            (
                {"participating_agency_ids": [UNKNOWN_ID]},
                "participating_agency_ids.0",
                "unknown",
            ),
            ({"lead_agency_id": UNKNOWN_ID}, "lead_agency_id", "unknown"),
            (
                {"inspection_item_ids": [item, item]},
                "inspection_item_ids.1",
                "duplicate",
            ),
            ({"inspection_item_ids": [UNKNOWN_ID]}, "inspection_item_ids.0", "unknown"),
        ]
        for overrides, field, code in cases:
            response = await client.post(
                INSPECTIONS, json={**inspection_body(lead, [item]), **overrides}
            )
            assert problem_fields(response) == [field], overrides
            assert response.json()["errors"][0]["code"] == code

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"inspection_item_ids": []}, "inspection_item_ids"),
            ({"entities_inspected": -1}, "entities_inspected"),
            ({"results_published_on": "2023-05-31"}, "results_published_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agencies: list[EnforcementAgency],
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        lead = str(agencies[0].id)
        item = await make_item_via_api(client, lead)
        response = await client.post(
            INSPECTIONS, json={**inspection_body(lead, [item]), **overrides}
        )
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{INSPECTIONS}/{UNKNOWN_ID}")
        assert problem_type(response, 404) == "random-inspection-not-found"


class TestPublishResults:
    async def test_results_are_published_once(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        lead = str(agencies[0].id)
        inspection = await created(
            client,
            INSPECTIONS,
            inspection_body(lead, [await make_item_via_api(client, lead)]),
        )
        events = f"{INSPECTIONS}/{inspection['id']}/events"
        published = await client.post(events, json=publish("2023-06-20"))
        assert published.status_code == 200
        assert published.json()["results_published_on"] == "2023-06-20"
        history = (await client.get(events)).json()["items"]
        assert [(e["type"], e["occurred_on"], e["actor"]) for e in history] == [
            ("publish_results", "2023-06-20", "test-user")
        ]
        again = await client.post(events, json=publish("2023-06-21"))
        assert problem_type(again, 409) == "random-inspection-transition-not-allowed"
        assert again.json()["current_status"] == "published"

    async def test_publication_before_the_inspection_is_refused(
        self, client: httpx.AsyncClient, agencies: list[EnforcementAgency]
    ) -> None:
        lead = str(agencies[0].id)
        inspection = await created(
            client,
            INSPECTIONS,
            inspection_body(lead, [await make_item_via_api(client, lead)]),
        )
        response = await client.post(
            f"{INSPECTIONS}/{inspection['id']}/events", json=publish("2023-05-31")
        )
        assert problem_fields(response) == ["occurred_on"]

    async def test_command_on_unknown_inspection_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            f"{INSPECTIONS}/{UNKNOWN_ID}/events", json=publish("2023-06-20")
        )
        assert response.status_code == 404


class TestListInspections:
    async def test_filters_by_region_year_joint_and_agency(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        agencies: list[EnforcementAgency],
    ) -> None:
        lead, second, third = (str(a.id) for a in agencies)
        item = await make_item_via_api(client, lead)
        a = await created(client, INSPECTIONS, inspection_body(lead, [item]))
        b = await created(
            client,
            INSPECTIONS,
            inspection_body(
                lead,
                [item],
                participating_agency_ids=[second],
                inspected_on="2022-09-01",
            ),
        )
        elsewhere = await make_agency(session, region_code=OTHER_REGION)
        other_item = (await make_item(session, elsewhere)).id
        c = await created(
            client, INSPECTIONS, inspection_body(str(elsewhere.id), [str(other_item)])
        )
        assert await ids(client, INSPECTIONS, region_code="421222") == [
            a["id"],
            b["id"],
        ]
        assert await ids(client, INSPECTIONS, year=2023) == [a["id"], c["id"]]
        assert await ids(client, INSPECTIONS, region_code="421222", year=2022) == [
            b["id"]
        ]
        assert await ids(client, INSPECTIONS, joint="true") == [b["id"]]
        assert await ids(client, INSPECTIONS, joint="false", region_code="421222") == [
            a["id"]
        ]
        assert await ids(client, INSPECTIONS, agency_id=second) == [b["id"]]
        assert await ids(client, INSPECTIONS, agency_id=lead) == [a["id"], b["id"]]
        assert await ids(client, INSPECTIONS, agency_id=third) == []


async def make_item_via_api(client: httpx.AsyncClient, agency_id: str) -> str:
    return str((await created(client, ITEMS, item_body(agency_id)))["id"])
