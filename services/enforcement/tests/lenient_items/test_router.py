from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/lenient-enforcement-list-items"


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


def item_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "measure": "exempt",
        "matter": "未按规定公示营业执照，首次被发现且及时改正",
        "legal_basis": "《中华人民共和国行政处罚法》第三十三条第一款",
        "effective_on": "2023-04-01",
    }
    body.update(overrides)
    return body


class TestAddItem:
    async def test_added_item_takes_the_agency_region(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        item = await created(client, PATH, item_body(agency_id))
        assert (item["region_code"], item["measure"]) == ("421222", "exempt")
        assert (await client.get(f"{PATH}/{item['id']}")).json() == item

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"measure": "pardon"}, "measure"),
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"legal_basis": ""}, "legal_basis"),
            ({"effective_on": "someday"}, "effective_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(PATH, json={**item_body(agency_id), **overrides})
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        assert (
            problem_type(await client.get(f"{PATH}/{UNKNOWN_ID}"), 404)
            == "lenient-item-not-found"
        )


class TestListItems:
    async def test_filters_by_region_year_measure_and_agency(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        a = await created(client, PATH, item_body(agency_id))
        b = await created(
            client,
            PATH,
            item_body(agency_id, measure="lighter", effective_on="2022-07-01"),
        )
        c = await created(client, PATH, item_body(other, measure="no_penalty"))
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, year=2023) == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421222", year=2022) == [b["id"]]
        assert await ids(client, PATH, measure="no_penalty") == [c["id"]]
        assert await ids(client, PATH, agency_id=agency_id, measure="lighter") == [
            b["id"]
        ]


class TestEffectiveDates:
    async def test_in_force_on_a_day(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        open_ended = await created(client, PATH, item_body(agency_id))
        ended = await created(
            client,
            PATH,
            item_body(agency_id, measure="lighter", effective_until="2023-12-31"),
        )
        assert ended["effective_until"] == "2023-12-31"
        assert await ids(client, PATH, in_force_on="2023-03-31") == []
        assert await ids(client, PATH, in_force_on="2023-04-01") == [
            open_ended["id"],
            ended["id"],
        ]
        assert await ids(client, PATH, in_force_on="2023-12-31") == [
            open_ended["id"],
            ended["id"],
        ]
        assert await ids(client, PATH, in_force_on="2024-01-01") == [open_ended["id"]]

    async def test_end_before_start_names_the_field(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        response = await client.post(
            PATH, json=item_body(agency_id, effective_until="2023-03-31")
        )
        assert problem_fields(response) == ["effective_until"]
