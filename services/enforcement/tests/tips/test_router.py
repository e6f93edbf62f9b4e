"""Social supervisors' tips: a tip can open a supervision instrument, and the supervisor
sees what came of it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency, make_supervisor
from tests.helpers import created, ids, problem_fields, problem_type

TIPS = "/api/v1/tips"
INSTRUMENTS = "/api/v1/supervision-instruments"


@pytest.fixture
async def ids_(session: AsyncSession) -> dict[str, str]:
    supervisor = await make_supervisor(session)  # term from 2023-05-01
    agency = await make_agency(session)
    return {"supervisor": str(supervisor.id), "agency": str(agency.id)}


def tip_body(ids_: dict[str, str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "supervisor_id": ids_["supervisor"],
        "agency_id": ids_["agency"],
        "received_on": "2023-06-01",
        "content": "某执法人员在涉企检查中未出示执法证件",
    }
    body.update(overrides)
    return body


OPEN = {
    "type": "open_instrument",
    "occurred_on": "2023-06-10",
    "kind": "recommendation",
    "findings": "涉企检查未出示执法证件",
    "required_actions": "规范亮证执法并报送整改情况",
}
DISMISS = {"type": "dismiss", "occurred_on": "2023-06-05", "reason": "经核实不属实"}


async def command(
    client: httpx.AsyncClient, tip_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"{TIPS}/{tip_id}/events", json=body)


class TestTips:
    async def test_tip_opens_an_instrument_and_the_supervisor_sees_it_through(
        self, client: httpx.AsyncClient, ids_: dict[str, str]
    ) -> None:
        tip = await created(client, TIPS, tip_body(ids_))
        assert (tip["status"], tip["instrument"], tip["region_code"]) == (
            "received",
            None,
            "421222",
        )
        response = await command(client, tip["id"], OPEN)
        assert response.status_code == 200, response.text
        opened = response.json()
        assert (opened["status"], opened["closed_on"]) == (
            "instrument_opened",
            "2023-06-10",
        )
        instrument = opened["instrument"]
        assert (instrument["kind"], instrument["status"], instrument["due_on"]) == (
            "recommendation",
            "issued",
            "2023-07-10",  # 30 calendar days
        )
        assert instrument["case_number"].startswith("通司执监〔2023〕")
        issued = (await client.get(f"{INSTRUMENTS}/{instrument['id']}")).json()
        assert issued["agency_id"] == ids_["agency"]

        for step in (
            {"type": "record_reply", "occurred_on": "2023-07-01", "reply": "已整改"},
            {"type": "verify_rectification", "occurred_on": "2023-07-05"},
        ):
            r = await client.post(f"{INSTRUMENTS}/{instrument['id']}/events", json=step)
            assert r.status_code == 200, r.text
        seen = (
            await client.get(f"/api/v1/social-supervisors/{ids_['supervisor']}/tips")
        ).json()["items"]
        assert [(t["id"], t["instrument"]["status"]) for t in seen] == [
            (tip["id"], "rectified")
        ]
        assert seen[0]["instrument"]["rectified_on"] == "2023-07-05"

    async def test_dismissed_tip_shows_the_reason(
        self, client: httpx.AsyncClient, ids_: dict[str, str]
    ) -> None:
        tip = await created(client, TIPS, tip_body(ids_))
        response = await command(client, tip["id"], DISMISS)
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["reason"]) == (
            "no_action",
            "经核实不属实",
        )
        assert await ids(client, TIPS, status="no_action") == [tip["id"]]

    @pytest.mark.parametrize(
        ("first", "refused"),
        [(OPEN, OPEN), (OPEN, DISMISS), (DISMISS, DISMISS), (DISMISS, OPEN)],
    )
    async def test_a_handled_tip_refuses_commands_with_409(
        self,
        client: httpx.AsyncClient,
        ids_: dict[str, str],
        first: dict[str, Any],
        refused: dict[str, Any],
    ) -> None:
        tip = await created(client, TIPS, tip_body(ids_))
        assert (await command(client, tip["id"], first)).status_code == 200
        before = (await client.get(f"{TIPS}/{tip['id']}")).json()
        response = await command(client, tip["id"], refused)
        assert problem_type(response, 409) == "tip-transition-not-allowed"
        assert (await client.get(f"{TIPS}/{tip['id']}")).json() == before

    async def test_a_tip_naming_no_agency_needs_one_to_open_an_instrument(
        self, client: httpx.AsyncClient, ids_: dict[str, str]
    ) -> None:
        tip = await created(client, TIPS, tip_body(ids_, agency_id=None))
        assert problem_fields(await command(client, tip["id"], OPEN)) == ["agency_id"]
        response = await command(
            client, tip["id"], {**OPEN, "agency_id": ids_["agency"]}
        )
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"received_on": "2023-04-30"}, "received_on"),  # before the term
            ({"supervisor_id": UNKNOWN_ID}, "supervisor_id"),
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"content": ""}, "content"),
        ],
    )
    async def test_bad_tip_names_the_field(
        self,
        client: httpx.AsyncClient,
        ids_: dict[str, str],
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(TIPS, json=tip_body(ids_, **overrides))
        assert problem_fields(response) == [field]

    async def test_agency_of_another_county_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession, ids_: dict[str, str]
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        response = await client.post(TIPS, json=tip_body(ids_, agency_id=other))
        assert problem_fields(response) == ["agency_id"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({**OPEN, "occurred_on": "2023-05-31"}, "occurred_on"),
            ({**OPEN, "due_on": "2023-06-09"}, "due_on"),
            ({**OPEN, "kind": "letter"}, "kind"),
        ],
    )
    async def test_bad_command_names_the_field(
        self,
        client: httpx.AsyncClient,
        ids_: dict[str, str],
        body: dict[str, Any],
        field: str,
    ) -> None:
        tip = await created(client, TIPS, tip_body(ids_))
        assert problem_fields(await command(client, tip["id"], body)) == [field]

    async def test_unknown_tip_is_404(self, client: httpx.AsyncClient) -> None:
        assert problem_type(await client.get(f"{TIPS}/{UNKNOWN_ID}"), 404) == (
            "tip-not-found"
        )
        response = await client.get(f"/api/v1/social-supervisors/{UNKNOWN_ID}/tips")
        assert response.status_code == 404
