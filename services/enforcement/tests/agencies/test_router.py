from __future__ import annotations

import httpx
import pytest

from tests.factories import UNKNOWN_ID
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/enforcement-agencies"


def agency_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "region_code": "421222",
        "name": "通城县市场监督管理局",
        "sector": "市场监管",
    }
    body.update(overrides)
    return body


class TestCreateAgency:
    async def test_created_agency_is_returned_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(PATH, json=agency_body())
        assert response.status_code == 201
        body = response.json()
        assert response.headers["location"] == f"{PATH}/{body['id']}"
        assert (body["region_code"], body["name"], body["sector"]) == (
            "421222",
            "通城县市场监督管理局",
            "市场监管",
        )
        read = await client.get(response.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    async def test_a_name_is_unique_in_its_county(
        self, client: httpx.AsyncClient
    ) -> None:
        await created(client, PATH, agency_body())
        again = await client.post(PATH, json=agency_body(sector="其他"))
        assert problem_type(again, 409) == "agency-name-taken"
        await created(client, PATH, agency_body(region_code="421223"))

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"region_code": "4212"}, "region_code"),
            ({"region_code": "４２１２２２"}, "region_code"),  # full-width digits
            ({"name": ""}, "name"),
            ({"sector": None}, "sector"),
            ({"chief": "x"}, "chief"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, object], field: str
    ) -> None:
        response = await client.post(PATH, json=agency_body(**overrides))
        assert problem_fields(response) == [field]


class TestReadAgency:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{PATH}/{UNKNOWN_ID}")
        assert problem_type(response, 404) == "agency-not-found"

    async def test_malformed_id_names_the_path_parameter(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(f"{PATH}/not-a-uuid")
        assert problem_fields(response) == ["agency_id"]
        assert response.json()["errors"][0]["location"] == "path"


class TestListAgencies:
    async def test_filters_by_region_and_sector(
        self, client: httpx.AsyncClient
    ) -> None:
        a = await created(client, PATH, agency_body(name="甲局"))
        b = await created(client, PATH, agency_body(name="乙局", sector="交通运输"))
        c = await created(client, PATH, agency_body(name="甲局", region_code="421223"))
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, sector="市场监管") == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421223", sector="交通运输") == []

    async def test_pages_cover_every_row_once_in_order(
        self, client: httpx.AsyncClient
    ) -> None:
        made = [
            (await created(client, PATH, agency_body(name=f"局{i}")))["id"]
            for i in range(5)
        ]
        seen: list[str] = []
        token = ""
        while True:
            params = {"page_size": "2", **({"page_token": token} if token else {})}
            page = (await client.get(PATH, params=params)).json()
            seen += [a["id"] for a in page["items"]]
            token = page["next_page_token"]
            if not token:
                break
        assert seen == made


class TestDefaults:
    async def test_readyz_checks_the_migrated_database(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": ["database"]}
