from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import UNKNOWN_ID

PROBLEM = "application/problem+json"


def letter_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "agency": "县自然资源局",
        "subject": "行政处罚程序不规范",
        "issued_on": "2023-05-08",
        "received_on": "2023-05-10",
    }
    body.update(overrides)
    return body


async def issue(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/opinion-letters", json=letter_body(**overrides)
    )
    assert response.status_code == 201, response.text
    return response.json()


def reply(on: str) -> dict[str, Any]:
    return {"type": "record_reply", "occurred_on": on}


class TestIssueOpinionLetter:
    async def test_issued_letter_is_due_60_calendar_days_after_receipt(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await client.post("/api/v1/opinion-letters", json=letter_body())
        assert created.status_code == 201
        body = created.json()
        assert created.headers["location"] == f"/api/v1/opinion-letters/{body['id']}"
        # 2023-05-10 + 60 days: 21 days left in May, 30 in June, 9 in July: Sunday
        # 2023-07-09, so the next working day.
        assert (body["status"], body["due_on"], body["replied_on"]) == (
            "issued",
            "2023-07-10",
            None,
        )
        assert body["due_unknown_year"] is None
        assert body["reply_state"] == "overdue"
        read = await client.get(created.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    @pytest.mark.parametrize(
        ("received_on", "due_on"),
        [
            # Sat 2023-07-08 (22 days left in May, 30 in June, 8 in July): Monday.
            ("2023-05-09", "2023-07-10"),
            # 2023-10-05, inside the National Day holiday (Sep 29 - Oct 6): the make-up
            # working day Sat 2023-10-07.
            ("2023-08-06", "2023-10-07"),
            # A working day stays.
            ("2023-05-08", "2023-07-07"),
        ],
    )
    async def test_a_due_date_off_work_moves_to_the_next_working_day(
        self, client: httpx.AsyncClient, received_on: str, due_on: str
    ) -> None:
        """Art. 76's 60 days are calendar days; a last day that is not a working day moves
        to the next working day (Art. 88, 民事诉讼法 Art. 85)."""
        body = await issue(client, issued_on=received_on, received_on=received_on)
        assert body["due_on"] == due_on

    async def test_receipt_before_issue_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/opinion-letters", json=letter_body(received_on="2023-05-07")
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"][0]["field"] == "received_on"

    async def test_missing_agency_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        body = letter_body()
        del body["agency"]
        response = await client.post("/api/v1/opinion-letters", json=body)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["agency"]


class TestReadOpinionLetter:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/api/v1/opinion-letters/{UNKNOWN_ID}")
        assert response.status_code == 404
        assert response.json()["type"] == "urn:fazhi:problem:opinion-letter-not-found"


class TestRecordReply:
    async def test_issued_letter_is_replied_once(
        self, client: httpx.AsyncClient
    ) -> None:
        letter = await issue(client)
        replied = await client.post(
            f"/api/v1/opinion-letters/{letter['id']}/events", json=reply("2023-07-01")
        )
        assert replied.status_code == 200
        assert (replied.json()["status"], replied.json()["replied_on"]) == (
            "replied",
            "2023-07-01",
        )
        assert replied.json()["reply_state"] == "replied_on_time"
        again = await client.post(
            f"/api/v1/opinion-letters/{letter['id']}/events", json=reply("2023-07-02")
        )
        assert again.status_code == 409
        assert (
            again.json()["type"]
            == "urn:fazhi:problem:opinion-letter-transition-not-allowed"
        )
        assert again.json()["current_status"] == "replied"
        events = (
            await client.get(f"/api/v1/opinion-letters/{letter['id']}/events")
        ).json()["items"]
        assert [(e["type"], e["occurred_on"], e["data"]) for e in events] == [
            ("issue", "2023-05-08", {}),
            ("record_reply", "2023-07-01", {"on_time": True}),
        ]

    async def test_reply_before_receipt_names_occurred_on(
        self, client: httpx.AsyncClient
    ) -> None:
        letter = await issue(client)
        response = await client.post(
            f"/api/v1/opinion-letters/{letter['id']}/events", json=reply("2023-05-09")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"

    async def test_reply_on_unknown_letter_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            f"/api/v1/opinion-letters/{UNKNOWN_ID}/events", json=reply("2023-07-01")
        )
        assert response.status_code == 404


class TestListOpinionLetters:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"region_code": "421222"}, [0, 1]),
            ({"region_code": "421222", "year": 2023}, [0]),
            ({"year": 2023}, [0, 2]),
            ({"status": "replied"}, [1]),
        ],
    )
    async def test_filters(
        self, client: httpx.AsyncClient, params: dict[str, Any], expected: list[int]
    ) -> None:
        ids = [
            (await issue(client))["id"],
            (await issue(client, issued_on="2022-11-01", received_on="2022-11-03"))[
                "id"
            ],
            (await issue(client, region_code="421223"))["id"],
        ]
        await client.post(
            f"/api/v1/opinion-letters/{ids[1]}/events", json=reply("2022-12-01")
        )
        page = (await client.get("/api/v1/opinion-letters", params=params)).json()
        assert [x["id"] for x in page["items"]] == [ids[i] for i in expected]


class TestReplyDueOnTheCalendar:
    async def test_a_reply_on_the_moved_due_day_is_on_time_and_after_it_late(
        self, client: httpx.AsyncClient
    ) -> None:
        on_time = await issue(client)  # due Mon 2023-07-10 (Sun 07-09 moved)
        late = await issue(client)
        replies = {}
        for letter, on in ((on_time, "2023-07-10"), (late, "2023-07-11")):
            response = await client.post(
                f"/api/v1/opinion-letters/{letter['id']}/events", json=reply(on)
            )
            assert response.status_code == 200
            replies[on] = response.json()["reply_state"]
        assert replies == {
            "2023-07-10": "replied_on_time",
            "2023-07-11": "replied_late",
        }

    async def test_a_due_day_in_an_unknown_year_waits_for_its_calendar(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from shared import working_days

        years = tuple(y for y in working_days.package_years() if y.year < 2027)
        monkeypatch.setattr(working_days, "package_years", lambda: years)
        letter = await issue(client, issued_on="2026-11-20", received_on="2026-11-23")
        assert (letter["due_on"], letter["due_unknown_year"]) == (None, 2027)
        assert letter["reply_state"] == "calendar_unknown"
        loaded = await client.put(
            "/api/v1/calendar-years/2027",
            json={"holidays": ["2027-01-01", "2027-01-22"]},
        )
        assert loaded.status_code == 201, loaded.text
        read = (await client.get(f"/api/v1/opinion-letters/{letter['id']}")).json()
        # 2026-11-23 + 60 days: Fri 2027-01-22, a holiday in the loaded test year.
        assert (read["due_on"], read["due_unknown_year"]) == ("2027-01-25", None)

    async def test_a_reply_within_60_days_is_on_time_while_the_due_day_is_unknown(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The due day is the 60th day or later: a reply by then is on time whatever the
        unloaded year's holidays; a later one is not known yet. The statistics agree."""
        from shared import working_days

        years = tuple(y for y in working_days.package_years() if y.year < 2026)
        monkeypatch.setattr(working_days, "package_years", lambda: years)
        states = {}
        for replied in ("2026-01-02", "2026-01-05"):  # the 60th day, and after it
            letter = await issue(
                client, issued_on="2025-11-01", received_on="2025-11-03"
            )
            assert (letter["due_on"], letter["due_unknown_year"]) == (None, 2026)
            response = await client.post(
                f"/api/v1/opinion-letters/{letter['id']}/events", json=reply(replied)
            )
            assert response.status_code == 200, response.text
            states[replied] = response.json()["reply_state"]
        assert states == {
            "2026-01-02": "replied_on_time",
            "2026-01-05": "calendar_unknown",
        }
        stats = await client.get(
            "/api/v1/statistics", params={"region_code": "421222", "year": 2025}
        )
        figures = stats.json()["figures"]
        assert figures["reconsideration.opinion_letters_issued"]["value"] == 2
        assert figures["reconsideration.opinion_letters_replied_on_time"]["value"] == 1
