from __future__ import annotations

import httpx
import pytest

PROBLEM = "application/problem+json"


def committee_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "region_code": "421222",
        "township_code": "421222100",
        "name": "隽水镇人民调解委员会",
        "kind": "township",
        "founded_on": "2023-04-01",
    }
    body.update(overrides)
    return body


class TestCreateCommittee:
    async def test_created_committee_is_returned_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await client.post("/api/v1/committees", json=committee_body())
        assert created.status_code == 201
        body = created.json()
        assert created.headers["location"] == f"/api/v1/committees/{body['id']}"
        assert body["kind"] == "township"
        assert body["founded_on"] == "2023-04-01"
        read = await client.get(created.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    async def test_bad_region_code_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/committees", json=committee_body(region_code="4212")
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"] == "urn:fazhi:problem:validation-error"
        assert [e["field"] for e in problem["errors"]] == ["region_code"]
        assert "4212" not in response.text  # input is never echoed

    async def test_full_width_digits_are_not_a_region_code(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/committees", json=committee_body(region_code="４２１２２２")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "region_code"

    async def test_township_outside_the_region_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/committees", json=committee_body(township_code="421223100")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "township_code"

    async def test_unknown_body_field_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/committees", json=committee_body(chairman="x")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "chairman"


class TestReadCommittee:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/api/v1/committees/7d0f7a38-3c41-4c3c-9a5f-2f1a2f5a0b1c"
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:fazhi:problem:committee-not-found"
        assert response.json()["request_id"] == response.headers["x-request-id"]

    async def test_malformed_id_names_the_path_parameter(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/v1/committees/not-a-uuid")
        assert response.status_code == 422
        assert response.json()["errors"][0] == {
            "field": "committee_id",
            "location": "path",
            "message": response.json()["errors"][0]["message"],
            "code": "uuid_parsing",
        }


class TestListCommittees:
    async def test_pages_cover_every_row_once_in_order(
        self, client: httpx.AsyncClient
    ) -> None:
        ids = []
        for i in range(5):
            r = await client.post(
                "/api/v1/committees", json=committee_body(name=f"调委会{i}")
            )
            ids.append(r.json()["id"])
        seen: list[str] = []
        token = ""
        pages = 0
        while True:
            params = {"region_code": "421222", "page_size": "2"}
            if token:
                params["page_token"] = token
            page = (await client.get("/api/v1/committees", params=params)).json()
            pages += 1
            seen += [c["id"] for c in page["items"]]
            token = page["next_page_token"]
            if not token:
                break
        assert pages == 3
        assert seen == ids

    async def test_token_cannot_be_reused_with_other_filters(
        self, client: httpx.AsyncClient
    ) -> None:
        for i in range(3):
            await client.post(
                "/api/v1/committees", json=committee_body(name=f"调委会{i}")
            )
        first = (
            await client.get(
                "/api/v1/committees", params={"page_size": 1, "region_code": "421222"}
            )
        ).json()
        other = await client.get(
            "/api/v1/committees",
            params={
                "page_size": 1,
                "region_code": "421223",
                "page_token": first["next_page_token"],
            },
        )
        assert other.status_code == 422
        assert other.json()["errors"][0]["field"] == "page_token"

    @pytest.mark.parametrize(("year", "expected"), [(2023, 1), (2022, 1), (2021, 0)])
    async def test_year_filters_on_founding_date(
        self, client: httpx.AsyncClient, year: int, expected: int
    ) -> None:
        await client.post(
            "/api/v1/committees", json=committee_body(founded_on="2023-04-01")
        )
        await client.post(
            "/api/v1/committees", json=committee_body(founded_on="2022-12-31")
        )
        page = (await client.get("/api/v1/committees", params={"year": year})).json()
        assert len(page["items"]) == expected

    async def test_page_size_is_capped(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/committees", params={"page_size": 100000})
        assert response.status_code == 200
        bad = await client.get("/api/v1/committees", params={"page_size": 0})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "page_size"


class TestDefaults:
    async def test_unknown_route_is_problem_json(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/v1/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM

    async def test_livez(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/livez")).json() == {"status": "ok"}

    async def test_readyz_checks_the_migrated_database(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": ["database"]}
