from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import UNKNOWN_ID
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/social-supervisors"


def supervisor_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "name": "刘某某",
        "sector": "工商联",
        "enterprise_related": True,
        "appointed_on": "2023-05-10",
        "term_ends_on": "2026-05-09",
    }
    body.update(overrides)
    return body


class TestAppointSupervisor:
    async def test_appointed_supervisor_is_returned_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        supervisor = await created(client, PATH, supervisor_body())
        assert (supervisor["enterprise_related"], supervisor["term_ends_on"]) == (
            True,
            "2026-05-09",
        )
        assert (await client.get(f"{PATH}/{supervisor['id']}")).json() == supervisor

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"term_ends_on": "2023-05-09"}, "term_ends_on"),
            ({"region_code": "42122"}, "region_code"),
            ({"enterprise_related": "perhaps"}, "enterprise_related"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        assert problem_fields(
            await client.post(PATH, json=supervisor_body(**overrides))
        ) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{PATH}/{UNKNOWN_ID}")
        assert problem_type(response, 404) == "social-supervisor-not-found"


class TestListSupervisors:
    async def test_filters_by_region_year_and_enterprise_relation(
        self, client: httpx.AsyncClient
    ) -> None:
        a = await created(client, PATH, supervisor_body())
        b = await created(
            client,
            PATH,
            supervisor_body(enterprise_related=False, appointed_on="2022-03-01"),
        )
        c = await created(client, PATH, supervisor_body(region_code="421223"))
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, year=2023) == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421222", year=2022) == [b["id"]]
        assert await ids(client, PATH, enterprise_related="true") == [a["id"], c["id"]]
        assert await ids(client, PATH, enterprise_related="false") == [b["id"]]
