from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/supervision-instruments"


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


def instrument_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "recommendation",
        "agency_id": agency_id,
        "findings": "行政处罚案件未按规定进行法制审核",
        "required_actions": "完善法制审核程序并报送整改报告",
        "issued_on": "2023-03-01",
    }
    body.update(overrides)
    return body


async def issue(
    client: httpx.AsyncClient, agency_id: str, **overrides: Any
) -> dict[str, Any]:
    return await created(client, PATH, instrument_body(agency_id, **overrides))


async def command(
    client: httpx.AsyncClient, instrument_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"{PATH}/{instrument_id}/events", json=body)


# Issued 2023-03-01, due 2023-03-31 (30 calendar days).
REPLY = {"type": "record_reply", "occurred_on": "2023-03-20", "reply": "已完成整改"}
VERIFY = {"type": "verify_rectification", "occurred_on": "2023-04-10"}
OVERDUE = {"type": "mark_overdue", "occurred_on": "2023-04-01"}
ESCALATE = {
    "type": "escalate",
    "occurred_on": "2023-04-05",
    "measure": "talk_with_leaders",
}
REFUSE = {
    "type": "refuse_rectification",
    "occurred_on": "2023-03-25",
    "reason": "整改不到位",
}


class TestIssueInstrument:
    async def test_issued_instrument_is_due_30_days_later(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)
        assert instrument["status"] == "issued"
        assert instrument["region_code"] == "421222"
        assert instrument["due_on"] == "2023-03-31"  # 2023-03-01 + 30 calendar days
        assert instrument["status_changed_on"] == "2023-03-01"
        assert (await client.get(f"{PATH}/{instrument['id']}")).json() == instrument
        history = (await client.get(f"{PATH}/{instrument['id']}/events")).json()[
            "items"
        ]
        assert [
            (e["type"], e["occurred_on"], e["actor"], e["data"]) for e in history
        ] == [
            (
                "issue",
                "2023-03-01",
                "test-user",
                {"kind": "recommendation", "due_on": "2023-03-31"},
            )
        ]

    async def test_rectification_period_is_a_setting(
        self,
        client_with: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
        agency_id: str,
    ) -> None:
        async with client_with(rectification_days=15) as client:
            instrument = await issue(client, agency_id, issued_on="2023-12-20")
        assert instrument["due_on"] == "2024-01-04"  # 2023-12-20 + 15 calendar days

    async def test_explicit_due_date_is_kept(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(
            client, agency_id, due_on="2023-05-01", kind="decision"
        )
        assert (instrument["due_on"], instrument["kind"]) == ("2023-05-01", "decision")

    async def test_follow_up_of_an_earlier_instrument(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        first = await issue(client, agency_id)
        second = await issue(
            client,
            agency_id,
            kind="opinion",
            issued_on="2023-05-01",
            follow_up_of=first["id"],
        )
        assert second["follow_up_of"] == first["id"]
        assert await ids(client, PATH, follow_up_of=first["id"]) == [second["id"]]

    async def test_follow_up_must_concern_the_same_agency(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        first = await issue(client, agency_id)
        other = str((await make_agency(session)).id)
        response = await client.post(
            PATH, json=instrument_body(other, follow_up_of=first["id"])
        )
        assert problem_fields(response) == ["follow_up_of"]
        assert response.json()["errors"][0]["code"] == "other_agency"
        unknown = await client.post(
            PATH, json=instrument_body(agency_id, follow_up_of=UNKNOWN_ID)
        )
        assert problem_fields(unknown) == ["follow_up_of"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"kind": "notice"}, "kind"),
            ({"due_on": "2023-02-28"}, "due_on"),
            ({"findings": ""}, "findings"),
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
            PATH, json={**instrument_body(agency_id), **overrides}
        )
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{PATH}/{UNKNOWN_ID}")
        assert problem_type(response, 404) == "instrument-not-found"


class TestInstrumentLifecycle:
    async def test_issued_replied_rectified(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)
        replied = await command(client, instrument["id"], REPLY)
        assert replied.status_code == 200
        assert (
            replied.json()["status"],
            replied.json()["reply"],
            replied.json()["replied_on"],
        ) == (
            "replied",
            "已完成整改",
            "2023-03-20",
        )
        verified = await command(client, instrument["id"], VERIFY)
        assert (verified.json()["status"], verified.json()["rectified_on"]) == (
            "rectified",
            "2023-04-10",
        )
        history = (await client.get(f"{PATH}/{instrument['id']}/events")).json()[
            "items"
        ]
        assert [e["type"] for e in history] == [
            "issue",
            "record_reply",
            "verify_rectification",
        ]
        assert {e["actor"] for e in history} == {"test-user"}

    async def test_overdue_then_replied_and_rectified(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)
        overdue = await command(client, instrument["id"], OVERDUE)
        assert overdue.json()["status"] == "overdue"
        late_reply = {**REPLY, "occurred_on": "2023-04-03"}
        assert (await command(client, instrument["id"], late_reply)).json()[
            "status"
        ] == "replied"
        assert (await command(client, instrument["id"], VERIFY)).json()[
            "status"
        ] == "rectified"

    @pytest.mark.parametrize("on", ["2023-03-31", "2023-03-15"])
    async def test_not_overdue_until_after_the_due_date(
        self, client: httpx.AsyncClient, agency_id: str, on: str
    ) -> None:
        instrument = await issue(client, agency_id)
        response = await command(
            client, instrument["id"], {"type": "mark_overdue", "occurred_on": on}
        )
        assert problem_fields(response) == ["occurred_on"]
        assert response.json()["errors"][0]["code"] == "not_yet_due"
        assert (await client.get(f"{PATH}/{instrument['id']}")).json()[
            "status"
        ] == "issued"

    @pytest.mark.parametrize("steps", [[], [OVERDUE]])
    async def test_escalation_from_issued_or_overdue(
        self, client: httpx.AsyncClient, agency_id: str, steps: list[dict[str, Any]]
    ) -> None:
        instrument = await issue(client, agency_id)
        for step in steps:
            assert (await command(client, instrument["id"], step)).status_code == 200
        escalated = await command(
            client, instrument["id"], {**ESCALATE, "measure": "circulated_criticism"}
        )
        assert escalated.status_code == 200
        body = escalated.json()
        assert (body["status"], body["escalation_measure"]) == (
            "escalated",
            "circulated_criticism",
        )
        history = (await client.get(f"{PATH}/{instrument['id']}/events")).json()[
            "items"
        ]
        assert history[-1]["data"] == {"measure": "circulated_criticism"}

    async def test_no_escalation_before_the_due_date(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)  # due 2023-03-31
        early = await command(
            client, instrument["id"], {**ESCALATE, "occurred_on": "2023-03-31"}
        )
        assert early.status_code == 422
        assert early.json()["errors"][0]["field"] == "occurred_on"
        on_time = await command(
            client, instrument["id"], {**ESCALATE, "occurred_on": "2023-04-01"}
        )
        assert on_time.json()["status"] == "escalated"

    async def test_a_refusal_after_the_due_date_needs_a_new_one(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)  # due 2023-03-31
        await command(client, instrument["id"], REPLY)
        late = {**REFUSE, "occurred_on": "2023-04-02"}
        refused = await command(client, instrument["id"], late)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "due_on"
        with_date = await command(
            client, instrument["id"], {**late, "due_on": "2023-05-02"}
        )
        assert with_date.json()["due_on"] == "2023-05-02"

    async def test_refused_rectification_goes_back_to_issued(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)
        await command(client, instrument["id"], REPLY)
        refused = await command(
            client, instrument["id"], {**REFUSE, "due_on": "2023-04-25"}
        )
        assert refused.status_code == 200
        assert (refused.json()["status"], refused.json()["due_on"]) == (
            "issued",
            "2023-04-25",
        )
        # The new due date counts: 2023-04-20 is not overdue any more.
        early = await command(
            client,
            instrument["id"],
            {"type": "mark_overdue", "occurred_on": "2023-04-20"},
        )
        assert early.status_code == 422
        second_reply = {**REPLY, "occurred_on": "2023-04-20", "reply": "补充整改材料"}
        assert (await command(client, instrument["id"], second_reply)).json()[
            "reply"
        ] == "补充整改材料"
        verify = {**VERIFY, "occurred_on": "2023-04-28"}
        assert (await command(client, instrument["id"], verify)).json()[
            "status"
        ] == "rectified"
        history = (await client.get(f"{PATH}/{instrument['id']}/events")).json()[
            "items"
        ]
        assert [e["type"] for e in history] == [
            "issue",
            "record_reply",
            "refuse_rectification",
            "record_reply",
            "verify_rectification",
        ]
        assert history[2]["data"] == {"reason": "整改不到位", "due_on": "2023-04-25"}

    @pytest.mark.parametrize(
        ("steps", "refused"),
        [
            ([], VERIFY),
            ([], REFUSE),
            ([REPLY], REPLY),
            ([REPLY], OVERDUE),
            ([REPLY], ESCALATE),
            ([REPLY, VERIFY], REPLY),
            ([REPLY, VERIFY], REFUSE),
            ([REPLY, VERIFY], ESCALATE),
            ([OVERDUE], OVERDUE),
            ([OVERDUE], VERIFY),
            ([OVERDUE], REFUSE),
            ([ESCALATE], REPLY),
            ([ESCALATE], OVERDUE),
            ([ESCALATE], ESCALATE),
        ],
    )
    async def test_forbidden_transitions_answer_409(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        steps: list[dict[str, Any]],
        refused: dict[str, Any],
    ) -> None:
        instrument = await issue(client, agency_id)
        for step in steps:
            assert (await command(client, instrument["id"], step)).status_code == 200
        before = (await client.get(f"{PATH}/{instrument['id']}")).json()
        response = await command(
            client, instrument["id"], {**refused, "occurred_on": "2023-06-01"}
        )
        assert problem_type(response, 409) == "instrument-transition-not-allowed"
        assert response.json()["current_status"] == before["status"]
        assert (await client.get(f"{PATH}/{instrument['id']}")).json() == before

    async def test_step_dated_before_the_previous_one_is_refused(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)
        await command(client, instrument["id"], REPLY)
        response = await command(
            client, instrument["id"], {**VERIFY, "occurred_on": "2023-03-19"}
        )
        assert problem_fields(response) == ["occurred_on"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({**ESCALATE, "measure": "fine"}, "measure"),
            (
                {"type": "record_reply", "occurred_on": "2023-03-20"},
                "reply",
            ),
            ({"type": "archive", "occurred_on": "2023-03-20"}, "type"),
            ({**REFUSE, "due_on": "2023-03-24"}, "due_on"),
        ],
    )
    async def test_bad_command_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        body: dict[str, Any],
        field: str,
    ) -> None:
        instrument = await issue(client, agency_id)
        await command(client, instrument["id"], REPLY)
        response = await command(client, instrument["id"], body)
        assert problem_fields(response) == [field]

    async def test_command_on_unknown_instrument_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await command(client, UNKNOWN_ID, REPLY)).status_code == 404


class TestListInstruments:
    async def test_filters_by_region_year_kind_status_and_agency(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        a = await issue(client, agency_id)
        b = await issue(client, agency_id, kind="opinion", issued_on="2022-11-01")
        c = await issue(client, other)
        await command(client, a["id"], REPLY)
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, year=2023) == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421222", year=2022) == [b["id"]]
        assert await ids(client, PATH, kind="recommendation") == [a["id"], c["id"]]
        assert await ids(client, PATH, status="replied") == [a["id"]]
        assert await ids(client, PATH, agency_id=other) == [c["id"]]


class TestDueInstruments:
    """GET /supervision-instruments/due on fixed dates (never today)."""

    async def test_due_before_is_inclusive_and_overdue_is_judged_on_as_of(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        a = await issue(client, agency_id)  # due 2023-03-31
        b = await issue(client, agency_id, issued_on="2023-03-10")  # due 2023-04-09
        c = await issue(client, agency_id, issued_on="2023-03-02")  # due 2023-04-01
        replied = await issue(client, agency_id)  # awaits the bureau, not the agency
        await command(client, replied["id"], REPLY)
        due = f"{PATH}/due"

        assert await ids(client, due, as_of="2023-03-25", due_before="2023-03-31") == [
            a["id"]
        ]
        assert await ids(client, due, as_of="2023-03-25", due_before="2023-03-30") == []
        # Default horizon: as_of + 7 calendar days, inclusive (2023-04-01).
        assert await ids(client, due, as_of="2023-03-25") == [a["id"], c["id"]]
        assert await ids(client, due, as_of="2023-03-24") == [a["id"]]
        assert await ids(client, due, as_of="2023-04-02") == [a["id"], b["id"], c["id"]]

        response = await client.get(due, params={"as_of": "2023-03-31"})
        items = {item["id"]: item for item in response.json()["items"]}
        assert (items[a["id"]]["overdue"], items[a["id"]]["days_left"]) == (False, 0)
        assert (items[c["id"]]["overdue"], items[c["id"]]["days_left"]) == (False, 1)
        response = await client.get(due, params={"as_of": "2023-04-01"})
        items = {item["id"]: item for item in response.json()["items"]}
        assert (items[a["id"]]["overdue"], items[a["id"]]["days_left"]) == (True, -1)
        assert (items[c["id"]]["overdue"], items[c["id"]]["days_left"]) == (False, 0)

        assert await ids(client, due, as_of="2023-04-05", overdue=True) == [
            a["id"],
            c["id"],
        ]
        assert await ids(client, due, as_of="2023-04-05", overdue=False) == [b["id"]]

    async def test_marked_overdue_stays_listed_until_replied(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        instrument = await issue(client, agency_id)
        await command(client, instrument["id"], OVERDUE)
        due = f"{PATH}/due"
        assert await ids(client, due, as_of="2023-04-10", overdue=True) == [
            instrument["id"]
        ]
        await command(client, instrument["id"], {**REPLY, "occurred_on": "2023-04-11"})
        assert await ids(client, due, as_of="2023-04-12") == []

    async def test_filters_and_scope(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        a = await issue(client, agency_id, kind="opinion")
        b = await issue(client, other)
        due = f"{PATH}/due"
        params = {"as_of": "2023-03-30"}
        assert await ids(client, due, **params, region_code="421222") == [a["id"]]
        assert await ids(client, due, **params, agency_id=other) == [b["id"]]
        assert await ids(client, due, **params, kind="opinion") == [a["id"]]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"as_of": "2023-02-30"}, "as_of"),
            ({"due_before": "soon"}, "due_before"),
            ({"kind": "letter"}, "kind"),
        ],
    )
    async def test_bad_query_names_the_field(
        self, client: httpx.AsyncClient, params: dict[str, str], field: str
    ) -> None:
        response = await client.get(f"{PATH}/due", params=params)
        assert problem_fields(response, 422) == [field]
