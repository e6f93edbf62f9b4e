"""The working-day calendar and deadline API: years and their sources, loading a year
(scope, If-Match, validation, audit), and the deadline of a clock, which fails closed on a
year nobody knows until an administrator loads it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.testing import TokenIssuer

PROBLEM = "application/problem+json"
YEARS = "/api/v1/calendar-years"
#: Test data shaped like a notice, not the State Council's 2027 notice.
YEAR_2027: dict[str, Any] = {
    "holidays": ["2027-01-01", *[f"2027-02-{d:02d}" for d in range(5, 13)]],
    "makeup_working_days": ["2027-02-20"],
    "notice": "测试数据 (not the State Council's notice)",
}
ADMIN = {"reconsideration:read", "reconsideration:write", "reconsideration:calendar"}
OFFICER = {"reconsideration:read", "reconsideration:write", "reconsideration:pii"}
#: A decision accepted on 2026-12-01 falls due in 2027 (60 days: Sat 2027-01-30).
DECISION_2027 = {
    "received_on": "2026-11-30",
    "starts_on": "2026-12-01",
    "procedure": "ordinary",
}


def decision(params: dict[str, str]) -> str:
    return "/api/v1/deadlines/decision?" + "&".join(
        f"{k}={v}" for k, v in params.items()
    )


async def load(
    client: httpx.AsyncClient,
    year: int,
    body: dict[str, Any],
    token_issuer: TokenIssuer,
    **headers: str,
) -> httpx.Response:
    return await client.put(
        f"{YEARS}/{year}",
        json=body,
        headers={**token_issuer.headers(scopes=ADMIN), **headers},
    )


class TestListCalendarYears:
    async def test_the_package_years_with_their_source(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(YEARS)
        assert response.status_code == 200, response.text
        body = response.json()
        years = {item["year"]: item for item in body["items"]}
        assert body["next_page_token"] == ""
        assert sorted(years) == list(range(2004, 2027))
        year_2024 = years[2024]
        assert (
            year_2024["source"],
            year_2024["source_detail"],
            year_2024["overrides_package"],
            year_2024["version"],
        ) == ("package", "chinesecalendar 1.11.0", False, None)
        assert "2024-02-10" in year_2024["holidays"]
        assert year_2024["makeup_working_days"] == [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ]

    async def test_a_loaded_year_is_listed_in_place_of_the_packages(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        body = {"holidays": ["2025-01-01"], "makeup_working_days": []}
        assert (await load(client, 2025, body, token_issuer)).status_code == 201
        await load(client, 2027, YEAR_2027, token_issuer)
        items = (await client.get(YEARS)).json()["items"]
        by_year = {item["year"]: item for item in items}
        assert [item["year"] for item in items] == list(range(2004, 2028))
        assert (by_year[2025]["source"], by_year[2025]["overrides_package"]) == (
            "loaded",
            True,
        )
        assert by_year[2025]["holidays"] == ["2025-01-01"]
        assert (by_year[2027]["source"], by_year[2027]["overrides_package"]) == (
            "loaded",
            False,
        )

    async def test_reading_needs_the_reconsideration_read_permission(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        other = token_issuer.headers(scopes={"enforcement:read"})
        assert (await client.get(YEARS, headers=other)).status_code == 403
        reader = token_issuer.headers(scopes={"reconsideration:read"})
        assert (await client.get(f"{YEARS}/2024", headers=reader)).status_code == 200


class TestReadCalendarYear:
    async def test_a_year_nobody_knows_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{YEARS}/2027")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:fazhi:problem:calendar-year-not-found"

    async def test_a_package_year_has_no_etag(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{YEARS}/2025")
        assert response.status_code == 200
        assert "etag" not in response.headers
        assert response.json()["source"] == "package"

    @pytest.mark.parametrize("year", [1948, 2101])
    async def test_a_year_outside_the_span_is_422(
        self, client: httpx.AsyncClient, year: int
    ) -> None:
        response = await client.get(f"{YEARS}/{year}")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "year"


class TestLoadCalendarYear:
    async def test_loading_an_unknown_year_makes_its_deadlines_work(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        refused = await client.get(decision(DECISION_2027))
        assert refused.status_code == 409
        assert refused.headers["content-type"] == PROBLEM
        problem = refused.json()
        assert (problem["type"], problem["year"]) == (
            "urn:fazhi:problem:calendar-year-unknown",
            2027,
        )
        assert "PUT /api/v1/calendar-years/2027" in problem["detail"]

        loaded = await load(client, 2027, YEAR_2027, token_issuer)
        assert loaded.status_code == 201, loaded.text
        assert loaded.headers["location"] == f"{YEARS}/2027"
        assert loaded.headers["etag"] == '"1"'
        body = loaded.json()
        assert (body["source"], body["loaded_by"], body["version"]) == (
            "loaded",
            "test-user",
            1,
        )
        assert (await client.get(f"{YEARS}/2027")).json() == body

        answered = await client.get(decision(DECISION_2027))
        assert answered.status_code == 200, answered.text
        # Sat 2027-01-30, then Mon 2027-02-01.
        assert answered.json()["due_on"] == "2027-02-01"

    async def test_a_loaded_year_overrides_the_package(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        review = "/api/v1/deadlines/acceptance_review?received_on=2025-01-24&starts_on=2025-01-24"
        # The package (the notice) makes Sunday 2025-01-26 a working day.
        assert (await client.get(review)).json()["due_on"] == "2025-02-07"
        without_makeup = await load(
            client,
            2025,
            {
                "holidays": [f"2025-01-{d}" for d in range(28, 32)]
                + ["2025-02-03", "2025-02-04"]
            },
            token_issuer,
        )
        assert without_makeup.status_code == 201, without_makeup.text
        assert without_makeup.json()["overrides_package"] is True
        # Now 01-27, 02-05, 02-06, 02-07, 02-10.
        assert (await client.get(review)).json()["due_on"] == "2025-02-10"

    async def test_replacing_a_loaded_year_needs_its_etag(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        first = await load(client, 2027, YEAR_2027, token_issuer)
        changed = {**YEAR_2027, "makeup_working_days": ["2027-02-20", "2027-01-31"]}
        missing = await load(client, 2027, changed, token_issuer)
        assert missing.status_code == 428
        assert missing.json()["type"] == "urn:fazhi:problem:precondition-required"
        stale = await load(client, 2027, changed, token_issuer, **{"If-Match": '"7"'})
        assert stale.status_code == 412
        assert stale.headers["etag"] == first.headers["etag"]
        guarded = await load(
            client, 2027, changed, token_issuer, **{"If-None-Match": "*"}
        )
        assert guarded.status_code == 412
        replaced = await load(
            client, 2027, changed, token_issuer, **{"If-Match": first.headers["etag"]}
        )
        assert replaced.status_code == 200, replaced.text
        assert "location" not in replaced.headers
        assert replaced.headers["etag"] == '"2"'
        assert replaced.json()["makeup_working_days"] == ["2027-01-31", "2027-02-20"]
        # Sat 2027-01-30 moves to the make-up Sunday 01-31 now.
        assert (await client.get(decision(DECISION_2027))).json()[
            "due_on"
        ] == "2027-01-31"

    async def test_if_match_for_a_year_never_loaded_is_412(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        response = await load(
            client, 2027, YEAR_2027, token_issuer, **{"If-Match": '"1"'}
        )
        assert response.status_code == 412
        assert (await client.get(f"{YEARS}/2027")).status_code == 404

    async def test_loading_needs_the_calendar_permission(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        officer = await client.put(
            f"{YEARS}/2027",
            json=YEAR_2027,
            headers=token_issuer.headers(scopes=OFFICER),
        )
        assert officer.status_code == 403
        assert "reconsideration:calendar" in officer.json()["detail"]
        calendar_only = await client.put(
            f"{YEARS}/2027",
            json=YEAR_2027,
            headers=token_issuer.headers(
                scopes={"reconsideration:read", "reconsideration:calendar"}
            ),
        )
        assert calendar_only.status_code == 403
        assert "reconsideration:write" in calendar_only.json()["detail"]
        assert (await client.get(f"{YEARS}/2027")).status_code == 404

    @pytest.mark.parametrize(
        ("body", "field", "code"),
        [
            ({"holidays": ["2026-12-31"]}, "holidays.0", "not_in_year"),
            (
                {"holidays": ["2027-01-01", "2027-01-01"]},
                "holidays.1",
                "repeated",
            ),
            (
                {"holidays": ["2027-01-01"], "makeup_working_days": ["2027-02-01"]},
                "makeup_working_days.0",
                "not_a_weekend_day",
            ),
            (
                {"holidays": ["2027-01-02"], "makeup_working_days": ["2027-01-02"]},
                "makeup_working_days.0",
                "also_a_holiday",
            ),
            ({"holidays": []}, "holidays", "too_short"),
            (
                {"holidays": ["2027-01-01"], "weekends": []},
                "weekends",
                "extra_forbidden",
            ),
        ],
    )
    async def test_a_calendar_that_cannot_be_is_422(
        self,
        client: httpx.AsyncClient,
        token_issuer: TokenIssuer,
        body: dict[str, Any],
        field: str,
        code: str,
    ) -> None:
        response = await load(client, 2027, body, token_issuer)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code)
        assert (await client.get(f"{YEARS}/2027")).status_code == 404

    async def test_loads_are_audited(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        admin = token_issuer.headers(
            scopes=ADMIN, org={"region_code": "421222"}, subject="county-admin"
        )
        first = await client.put(f"{YEARS}/2027", json=YEAR_2027, headers=admin)
        assert first.status_code == 201, first.text
        again = await client.put(
            f"{YEARS}/2027",
            json=YEAR_2027,
            headers={**admin, "If-Match": first.headers["etag"]},
        )
        assert again.status_code == 200, again.text
        events = await client.get(
            "/api/v1/audit-events", params={"resource_type": "calendar_year"}
        )
        assert events.status_code == 200, events.text
        logged = [
            (e["actor"], e["action"], e["method"], e["status"], e["region_code"])
            for e in events.json()["items"]
        ]
        assert logged == [
            ("county-admin", "create", "PUT", 201, "421222"),
            ("county-admin", "replace", "PUT", 200, "421222"),
        ]
        assert events.json()["items"][0]["changes"]["makeup_working_days"] == [
            "2027-02-20"
        ]


class TestDeadline:
    async def test_the_answer_names_the_law_the_article_and_the_unit(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            "/api/v1/deadlines/copy_to_respondent",
            params={
                "received_on": "2024-09-20",
                "starts_on": "2024-09-26",
                "procedure": "ordinary",
            },
        )
        assert response.status_code == 200, response.text
        assert response.json() == {
            "clock": "copy_to_respondent",
            "law": "law_2023",
            "law_title": "中华人民共和国行政复议法(2023修订)",
            "article": "复议法(2023) 第48条",
            "unit": "working_days",
            "days": 7,
            "direction": "after",
            "counts_from": "acceptance",
            "starts_on": "2024-09-26",
            "extension_days": 0,
            "suspended_days": 0,
            # 09-27, make-up Sunday 09-29, 09-30, then after the National Day 10-08..11.
            "due_on": "2024-10-11",
            "note": None,
        }

    @pytest.mark.parametrize(
        ("received_on", "law", "due_on"),
        [
            ("2023-12-29", "law_1999", "2024-01-08"),
            ("2024-01-02", "law_2023", "2024-01-09"),
        ],
    )
    async def test_the_receipt_date_chooses_the_law(
        self, client: httpx.AsyncClient, received_on: str, law: str, due_on: str
    ) -> None:
        response = await client.get(
            "/api/v1/deadlines/acceptance_review",
            params={"received_on": received_on, "starts_on": received_on},
        )
        assert response.status_code == 200, response.text
        assert (response.json()["law"], response.json()["due_on"]) == (law, due_on)

    async def test_an_extension_adds_its_days(self, client: httpx.AsyncClient) -> None:
        params = {
            "received_on": "2024-03-01",
            "starts_on": "2024-03-01",
            "procedure": "ordinary",
            "extension_days": "30",
        }
        response = await client.get(decision(params))
        assert response.json()["due_on"] == "2024-05-30"
        too_long = await client.get(decision({**params, "extension_days": "31"}))
        assert too_long.status_code == 422
        assert too_long.json()["type"] == "urn:fazhi:problem:extension-not-allowed"
        assert too_long.json()["errors"][0]["field"] == "extension_days"

    @pytest.mark.parametrize(
        ("path", "params", "problem"),
        [
            (
                "decision",
                {
                    "received_on": "2023-12-29",
                    "starts_on": "2023-12-29",
                    "procedure": "simplified",
                },
                ("clock-not-in-law", "procedure"),
            ),
            (
                "decision",
                {"received_on": "2024-01-02", "starts_on": "2024-01-02"},
                ("procedure-required", "procedure"),
            ),
            (
                "acceptance_review",
                {"received_on": "1999-09-30", "starts_on": "1999-09-30"},
                ("law-version-unknown", "received_on"),
            ),
            (
                "acceptance_review",
                {"received_on": "2024-01-02", "starts_on": "2024-01-01"},
                ("validation-error", "starts_on"),
            ),
            (
                "no_such_clock",
                {"received_on": "2024-01-02", "starts_on": "2024-01-02"},
                ("validation-error", "clock"),
            ),
        ],
    )
    async def test_what_the_law_does_not_give_is_422(
        self,
        client: httpx.AsyncClient,
        path: str,
        params: dict[str, str],
        problem: tuple[str, str],
    ) -> None:
        response = await client.get(f"/api/v1/deadlines/{path}", params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        kind, field = problem
        assert response.json()["type"] == f"urn:fazhi:problem:{kind}"
        assert [e["field"] for e in response.json()["errors"]] == [field]
