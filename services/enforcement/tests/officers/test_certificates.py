"""Certificates expiring within N days, and officers acting without a valid certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, make_agency, make_item, make_officer
from tests.helpers import created, ids, problem_fields

OFFICERS = "/api/v1/officers"
D = dt.date


class TestCertificatesExpiring:
    async def test_valid_certificates_expiring_within_n_days(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        agency = await make_agency(session)
        expired = await make_officer(
            session, agency, certificate_valid_until=D(2023, 5, 31)
        )
        today = await make_officer(
            session, agency, certificate_valid_until=D(2023, 6, 1)
        )
        edge = await make_officer(
            session, agency, certificate_valid_until=D(2023, 7, 1)
        )
        later = await make_officer(
            session, agency, certificate_valid_until=D(2023, 7, 2)
        )
        path = f"{OFFICERS}/certificates-expiring"
        # 30 calendar days after 2023-06-01 is 2023-07-01, inclusive.
        assert await ids(client, path, as_of="2023-06-01") == [
            str(today.id),
            str(edge.id),
        ]
        assert await ids(client, path, as_of="2023-06-01", within_days=31) == [
            str(today.id),
            str(edge.id),
            str(later.id),
        ]
        assert await ids(client, path, as_of="2023-06-01", within_days=0) == [
            str(today.id)
        ]
        assert await ids(client, path, as_of="2023-05-31", within_days=0) == [
            str(expired.id)
        ]
        response = await client.get(path, params={"as_of": "2023-06-01"})
        assert [i["days_left"] for i in response.json()["items"]] == [0, 30]

    async def test_filters_by_region_and_agency(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        a = await make_agency(session)
        b = await make_agency(session, region_code=OTHER_REGION)
        x = await make_officer(session, a, certificate_valid_until=D(2023, 6, 10))
        y = await make_officer(session, b, certificate_valid_until=D(2023, 6, 10))
        path = f"{OFFICERS}/certificates-expiring"
        params: dict[str, Any] = {"as_of": "2023-06-01"}
        assert await ids(client, path, **params, region_code="421222") == [str(x.id)]
        assert await ids(client, path, **params, agency_id=str(b.id)) == [str(y.id)]

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"within_days": -1}, "within_days"), ({"as_of": "2023-13-01"}, "as_of")],
    )
    async def test_bad_query_names_the_field(
        self, client: httpx.AsyncClient, params: dict[str, Any], field: str
    ) -> None:
        response = await client.get(f"{OFFICERS}/certificates-expiring", params=params)
        assert problem_fields(response) == [field]


class TestActingWithoutCertificate:
    async def test_inspecting_or_handling_a_case_after_expiry(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        agency = await make_agency(session)
        item = await make_item(session, agency)
        valid = await make_officer(session, agency)
        lapsed = await make_officer(
            session, agency, certificate_valid_until=D(2023, 6, 30)
        )
        other = await make_officer(
            session, agency, certificate_valid_until=D(2023, 3, 31)
        )

        async def inspect(on: str, *officers: Any) -> dict[str, Any]:
            return await created(
                client,
                "/api/v1/random-inspections",
                {
                    "inspected_on": on,
                    "lead_agency_id": str(agency.id),
                    "inspection_item_ids": [str(item.id)],
                    "inspector_officer_ids": [str(o.id) for o in officers],
                    "entities_inspected": 2,
                },
            )

        await inspect("2023-06-30", lapsed, valid)  # its last valid day: in time
        late = await inspect("2023-07-01", lapsed, valid)  # the day after: without
        assert late["inspector_officer_ids"] == [str(lapsed.id), str(valid.id)]
        review = await created(
            client,
            "/api/v1/case-file-reviews",
            {
                "agency_id": str(agency.id),
                "case_reference": "通执罚〔2023〕77号",
                "reviewed_on": "2023-09-01",
                "reviewer": "评查组",
                "total_score": "88",
                "handling_officer_ids": [str(other.id), str(lapsed.id)],
                "case_decided_on": "2023-08-15",
            },
        )
        assert review["handling_officer_ids"] == [str(other.id), str(lapsed.id)]
        await inspect("2024-01-05", other)  # another year

        response = await client.get(
            f"{OFFICERS}/acting-without-certificate", params={"year": 2023}
        )
        assert response.status_code == 200, response.text
        found = {
            item["id"]: [
                (a["kind"], a["record_id"], a["acted_on"]) for a in item["acts"]
            ]
            for item in response.json()["items"]
        }
        assert found == {
            str(lapsed.id): [
                ("random_inspection", late["id"], "2023-07-01"),
                ("case_file", review["id"], "2023-08-15"),
            ],
            str(other.id): [("case_file", review["id"], "2023-08-15")],
        }
        assert [
            i["id"]
            for i in (
                await client.get(
                    f"{OFFICERS}/acting-without-certificate", params={"year": 2024}
                )
            ).json()["items"]
        ] == [str(other.id)]

    async def test_officers_must_belong_to_the_departments(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        agency = await make_agency(session)
        outsider = await make_officer(session, await make_agency(session))
        item = await make_item(session, agency)
        response = await client.post(
            "/api/v1/random-inspections",
            json={
                "inspected_on": "2023-06-01",
                "lead_agency_id": str(agency.id),
                "inspection_item_ids": [str(item.id)],
                "inspector_officer_ids": [str(outsider.id)],
                "entities_inspected": 2,
            },
        )
        assert problem_fields(response) == ["inspector_officer_ids.0"]
        base = {
            "agency_id": str(agency.id),
            "case_reference": "通执罚〔2023〕78号",
            "reviewed_on": "2023-09-01",
            "reviewer": "评查组",
            "total_score": "88",
        }
        for extra, field in (
            (
                {
                    "handling_officer_ids": [str(outsider.id)],
                    "case_decided_on": "2023-08-01",
                },
                "handling_officer_ids.0",
            ),
            ({"handling_officer_ids": [str(outsider.id)]}, "case_decided_on"),
            ({"case_decided_on": "2023-09-02"}, "case_decided_on"),
        ):
            response = await client.post(
                "/api/v1/case-file-reviews", json={**base, **extra}
            )
            assert problem_fields(response) == [field]

    async def test_year_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{OFFICERS}/acting-without-certificate")
        assert problem_fields(response) == ["year"]
