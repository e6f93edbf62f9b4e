from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import UNKNOWN_ID, make_agency_point

PROBLEM = "application/problem+json"


def application_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "received_on": "2023-03-01",
        "receipt_channel": "in_person",
        "applicant_name": "张某",
        "applicant_kind": "person",
        "respondent": "县市场监督管理局",
        "matter_type": "penalty",
    }
    body.update(overrides)
    return body


async def receive(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/applications", json=application_body(**overrides)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def command(
    client: httpx.AsyncClient, application_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"/api/v1/applications/{application_id}/events", json=body)


async def run(
    client: httpx.AsyncClient, application_id: str, *steps: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for s in steps:
        response = await command(client, application_id, s)
        assert response.status_code == 200, (s, response.text)
        body = response.json()
    return body


def c(type_: str, on: str = "2023-03-02", **fields: Any) -> dict[str, Any]:
    return {"type": type_, "occurred_on": on, **fields}


START = c("start_review")
REQUEST = c("request_correction", items=["身份证明复印件", "行政处罚决定书"])
RECORD = c("record_correction")
ABANDON = c("deem_abandoned")
ACCEPT = c("accept", procedure="ordinary")
#: The acceptance review of an application received Wed 2023-03-01 ends on Wed 03-08 (5
#: working days): deemed accepted from that day (复议法 第30条).
DEEM = c("deem_accepted", "2023-03-08")
NOT_ACCEPT = c(
    "not_accept", reason="不属于本机关管辖", competent_organ="咸宁市人民政府"
)
COPY = c("copy_to_respondent")
SUSPEND = c("suspend", ground="depends_on_other_case")
RESUME = c("resume")
UPHOLD = c("decide", decision_type="uphold")
TERMINATE = c("terminate", ground="withdrawal")
MEDIATE = c("record_mediation_statement")


@pytest.fixture
async def point_id(session: AsyncSession) -> str:
    return str((await make_agency_point(session)).id)


class TestReceiveApplication:
    async def test_received_application_is_returned_and_readable(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await client.post("/api/v1/applications", json=application_body())
        assert created.status_code == 201
        body = created.json()
        assert created.headers["location"] == f"/api/v1/applications/{body['id']}"
        assert (body["status"], body["status_since"], body["deemed_accepted"]) == (
            "received",
            "2023-03-01",
            False,
        )
        assert body["procedure"] is None
        read = await client.get(created.headers["location"])
        assert read.status_code == 200
        assert read.json() == body

    async def test_agency_point_receipt_keeps_both_dates_and_the_township(
        self, client: httpx.AsyncClient, point_id: str
    ) -> None:
        body = await receive(
            client,
            receipt_channel="agency_point",
            agency_point_id=point_id,
            agency_point_received_on="2023-04-03",
            received_on="2023-04-05",
        )
        assert (
            body["agency_point_id"],
            body["agency_point_received_on"],
            body["received_on"],
        ) == (
            point_id,
            "2023-04-03",
            "2023-04-05",
        )
        assert body["township_code"] == "421222100"
        assert (
            body["status_since"] == "2023-04-05"
        )  # the office's receipt starts the clocks

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            (
                {
                    "receipt_channel": "agency_point",
                    "agency_point_received_on": "2023-02-27",
                },
                "agency_point_id",
            ),
            (
                {"receipt_channel": "agency_point", "agency_point_id": UNKNOWN_ID},
                "agency_point_received_on",
            ),
            ({"agency_point_id": UNKNOWN_ID}, "agency_point_id"),
            (  # handed in at the point after the office received it
                {
                    "receipt_channel": "agency_point",
                    "agency_point_id": UNKNOWN_ID,
                    "agency_point_received_on": "2023-03-02",
                },
                "agency_point_received_on",
            ),
            ({"matter_type": "tax"}, "matter_type"),
            ({"applicant_kind": "robot"}, "applicant_kind"),
            ({"township_code": "421223100"}, "township_code"),
            ({"received_on": "2023-02-30"}, "received_on"),
        ],
    )
    async def test_bad_input_names_the_field(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        response = await client.post(
            "/api/v1/applications", json=application_body(**overrides)
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == [field]

    async def test_unknown_agency_point_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/api/v1/applications",
            json=application_body(
                receipt_channel="agency_point",
                agency_point_id=UNKNOWN_ID,
                agency_point_received_on="2023-03-01",
            ),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "agency_point_id"

    async def test_agency_point_of_another_region_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        other = await make_agency_point(
            session, region_code="421223", township_code="421223100"
        )
        response = await client.post(
            "/api/v1/applications",
            json=application_body(
                receipt_channel="agency_point",
                agency_point_id=str(other.id),
                agency_point_received_on="2023-03-01",
            ),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "agency_point_id"

    @pytest.mark.parametrize("handed_in_on", ["2023-02-28", "2023-06-30"])
    async def test_agency_point_must_be_open_on_the_day(
        self, client: httpx.AsyncClient, session: AsyncSession, handed_in_on: str
    ) -> None:
        point = await make_agency_point(
            session, established_on=dt.date(2023, 3, 1), closed_on=dt.date(2023, 6, 30)
        )
        response = await client.post(
            "/api/v1/applications",
            json=application_body(
                receipt_channel="agency_point",
                agency_point_id=str(point.id),
                agency_point_received_on=handed_in_on,
                received_on="2023-07-01",
            ),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "agency_point_received_on"


class TestReadApplication:
    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/api/v1/applications/{UNKNOWN_ID}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:fazhi:problem:application-not-found"

    async def test_command_on_unknown_application_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await command(client, UNKNOWN_ID, START)).status_code == 404


class TestApplicationLifecycle:
    async def test_correction_acceptance_suspension_and_revocation(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client)
        requested = await run(client, app["id"], START, REQUEST)
        assert requested["status"] == "correction_requested"
        assert requested["correction_items"] == ["身份证明复印件", "行政处罚决定书"]
        assert (await run(client, app["id"], c("record_correction", "2023-03-10")))[
            "status"
        ] == "under_review"
        accepted = await run(
            client, app["id"], c("accept", "2023-03-13", procedure="simplified")
        )
        assert (accepted["status"], accepted["accepted_on"], accepted["procedure"]) == (
            "accepted",
            "2023-03-13",
            "simplified",
        )
        assert accepted["deemed_accepted"] is False
        in_progress = await run(
            client, app["id"], c("copy_to_respondent", "2023-03-14")
        )
        assert (in_progress["status"], in_progress["copied_to_respondent_on"]) == (
            "in_progress",
            "2023-03-14",
        )
        suspended = await run(
            client,
            app["id"],
            c("suspend", "2023-03-20", ground="depends_on_other_case"),
        )
        assert (suspended["status"], suspended["suspension_ground"]) == (
            "suspended",
            "depends_on_other_case",
        )
        assert (await run(client, app["id"], c("resume", "2023-04-20")))[
            "status"
        ] == "in_progress"
        decided = await run(
            client,
            app["id"],
            c("decide", "2023-04-28", decision_type="revoke", redo_ordered=True),
        )
        assert (
            decided["status"],
            decided["concluded_on"],
            decided["decision_type"],
            decided["redo_ordered"],
        ) == (
            "decided",
            "2023-04-28",
            "revoke",
            True,
        )
        events = (await client.get(f"/api/v1/applications/{app['id']}/events")).json()[
            "items"
        ]
        assert [e["type"] for e in events] == [
            "receive",
            "start_review",
            "request_correction",
            "record_correction",
            "accept",
            "copy_to_respondent",
            "suspend",
            "resume",
            "decide",
        ]
        assert {e["actor"] for e in events} == {"test-user"}
        assert events[-1]["data"] == {"decision_type": "revoke"}

    async def test_correction_unanswered_is_deemed_abandoned(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client)
        body = await run(
            client, app["id"], START, REQUEST, c("deem_abandoned", "2023-03-20")
        )
        assert (body["status"], body["status_since"]) == (
            "deemed_abandoned",
            "2023-03-20",
        )

    @pytest.mark.parametrize(
        ("received_on", "early", "due"),
        [
            # Wed 2023-03-01: 03-02, 03-03, 03-06, 03-07, 03-08.
            ("2023-03-01", "2023-03-07", "2023-03-08"),
            # Mon 2024-09-30: 10-08..10-11 after National Day, then Sat 10-12 (make-up).
            ("2024-09-30", "2024-10-11", "2024-10-12"),
        ],
    )
    async def test_no_deemed_acceptance_before_the_review_period_ends(
        self, client: httpx.AsyncClient, received_on: str, early: str, due: str
    ) -> None:
        app = await receive(client, received_on=received_on)
        response = await command(client, app["id"], c("deem_accepted", early))
        assert response.status_code == 409, response.text
        assert f"runs until {due}" in response.json()["detail"]
        body = await run(client, app["id"], c("deem_accepted", due))
        assert (body["status"], body["accepted_on"]) == ("deemed_accepted", due)

    async def test_no_abandonment_before_the_correction_period_ends(
        self, client: httpx.AsyncClient
    ) -> None:
        # Requested Mon 2024-03-04: 10 working days end Mon 03-18.
        app = await receive(client, received_on="2024-03-01")
        await run(
            client,
            app["id"],
            c("start_review", "2024-03-01"),
            c("request_correction", "2024-03-04", items=["身份证明"]),
        )
        on_last_day = await command(
            client, app["id"], c("deem_abandoned", "2024-03-18")
        )
        assert on_last_day.status_code == 409, on_last_day.text
        assert "from 2024-03-19" in on_last_day.json()["detail"]
        body = await run(client, app["id"], c("deem_abandoned", "2024-03-19"))
        assert body["status"] == "deemed_abandoned"

    @pytest.mark.parametrize("before", [[], [START]])
    async def test_deemed_acceptance_stays_flagged(
        self, client: httpx.AsyncClient, before: list[dict[str, Any]]
    ) -> None:
        app = await receive(client)
        deemed = await run(client, app["id"], *before, c("deem_accepted", "2023-03-08"))
        assert (
            deemed["status"],
            deemed["deemed_accepted"],
            deemed["accepted_on"],
            deemed["procedure"],
        ) == (
            "deemed_accepted",
            True,
            "2023-03-08",
            "ordinary",
        )
        decided = await run(
            client,
            app["id"],
            c("copy_to_respondent", "2023-03-09"),
            c(
                "decide",
                "2023-04-10",
                decision_type="order_performance",
                performance_deadline="2023-05-10",
            ),
        )
        assert (
            decided["status"],
            decided["deemed_accepted"],
            decided["performance_deadline"],
        ) == (
            "decided",
            True,
            "2023-05-10",
        )

    async def test_not_accepted_with_reason_and_competent_organ(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client)
        body = await run(client, app["id"], START, NOT_ACCEPT)
        assert (body["status"], body["not_accepted_on"], body["accepted_on"]) == (
            "not_accepted",
            "2023-03-02",
            None,
        )
        assert (body["not_accept_reason"], body["competent_organ"]) == (
            "不属于本机关管辖",
            "咸宁市人民政府",
        )

    @pytest.mark.parametrize(
        "before",
        [[START, ACCEPT], [DEEM], [START, ACCEPT, COPY]],
        ids=["accepted", "deemed_accepted", "in_progress"],
    )
    @pytest.mark.parametrize(
        ("conclusion", "status"),
        [(UPHOLD, "decided"), (TERMINATE, "terminated"), (MEDIATE, "mediated")],
        ids=["decide", "terminate", "record_mediation_statement"],
    )
    async def test_conclusions_from_every_open_accepted_status(
        self,
        client: httpx.AsyncClient,
        before: list[dict[str, Any]],
        conclusion: dict[str, Any],
        status: str,
    ) -> None:
        app = await receive(client)
        body = await run(
            client, app["id"], *before, {**conclusion, "occurred_on": "2023-03-09"}
        )
        assert (body["status"], body["concluded_on"]) == (status, "2023-03-09")

    async def test_suspended_case_can_be_terminated_by_settlement(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client)
        body = await run(
            client,
            app["id"],
            START,
            ACCEPT,
            COPY,
            c("suspend", ground="mediation_or_settlement"),
            c("terminate", ground="settlement"),
        )
        assert (body["status"], body["termination_ground"]) == (
            "terminated",
            "settlement",
        )

    @pytest.mark.parametrize(
        ("before", "refused"),
        [
            ([], REQUEST),
            ([], ACCEPT),
            ([], NOT_ACCEPT),
            ([], COPY),
            ([], UPHOLD),
            ([], TERMINATE),
            ([], MEDIATE),
            ([START], START),
            ([START], RECORD),
            ([START], ABANDON),
            ([START, REQUEST], ACCEPT),
            ([START, REQUEST], DEEM),
            ([START, ACCEPT], SUSPEND),
            ([START, ACCEPT], RESUME),
            ([START, ACCEPT], DEEM),
            ([DEEM], ACCEPT),
            ([DEEM], NOT_ACCEPT),
            ([START, ACCEPT, COPY], COPY),
            ([START, ACCEPT, COPY, SUSPEND], UPHOLD),
            ([START, ACCEPT, COPY, SUSPEND], MEDIATE),
            ([START, ACCEPT, COPY, SUSPEND], SUSPEND),
            ([START, ACCEPT, COPY, UPHOLD], TERMINATE),
            ([START, ACCEPT, TERMINATE], UPHOLD),
            ([START, ACCEPT, MEDIATE], RESUME),
            ([START, NOT_ACCEPT], ACCEPT),
            ([START, REQUEST, ABANDON], RECORD),
        ],
    )
    async def test_forbidden_transitions_answer_409(
        self,
        client: httpx.AsyncClient,
        before: list[dict[str, Any]],
        refused: dict[str, Any],
    ) -> None:
        app = await receive(client)
        await run(client, app["id"], *before)
        before_body = (await client.get(f"/api/v1/applications/{app['id']}")).json()
        response = await command(client, app["id"], refused)
        assert response.status_code == 409
        assert (
            response.json()["type"]
            == "urn:fazhi:problem:application-transition-not-allowed"
        )
        assert response.json()["current_status"] == before_body["status"]
        assert (
            await client.get(f"/api/v1/applications/{app['id']}")
        ).json() == before_body

    async def test_step_dated_before_the_previous_one_names_occurred_on(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client)
        await run(client, app["id"], c("start_review", "2023-03-05"))
        response = await command(
            client, app["id"], c("accept", "2023-03-04", procedure="ordinary")
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"
        early = await command(
            client, (await receive(client))["id"], c("start_review", "2023-02-28")
        )
        assert early.status_code == 422
        assert early.json()["errors"][0]["field"] == "occurred_on"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (c("request_correction", items=[]), "items"),
            (c("accept", procedure="fast"), "procedure"),
            (c("not_accept"), "reason"),
            (c("decide", decision_type="order_performance"), "performance_deadline"),
            (
                c(
                    "decide",
                    decision_type="order_performance",
                    performance_deadline="2023-03-01",
                ),
                "performance_deadline",
            ),
            (
                c("decide", decision_type="uphold", performance_deadline="2023-05-01"),
                "performance_deadline",
            ),
            (c("decide", decision_type="uphold", redo_ordered=True), "redo_ordered"),
            (c("decide", decision_type="mediation_statement"), "decision_type"),
            (c("terminate", ground="bored"), "ground"),
            (c("archive"), "type"),
            ({"type": "start_review"}, "occurred_on"),
        ],
    )
    async def test_bad_command_names_the_field(
        self, client: httpx.AsyncClient, body: dict[str, Any], field: str
    ) -> None:
        app = await receive(client)
        await run(client, app["id"], START, ACCEPT)
        response = await command(client, app["id"], body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


class TestListApplications:
    async def test_filters_by_region_year_status_and_matter_type(
        self, client: httpx.AsyncClient
    ) -> None:
        a = await receive(client, received_on="2023-02-01")
        b = await receive(client, received_on="2022-05-01", matter_type="licensing")
        await receive(client, region_code="421223", received_on="2023-05-01")
        await run(client, a["id"], START)

        async def ids(**params: Any) -> list[str]:
            response = await client.get("/api/v1/applications", params=params)
            assert response.status_code == 200, response.text
            return [x["id"] for x in response.json()["items"]]

        assert await ids(region_code="421222") == [a["id"], b["id"]]
        assert await ids(region_code="421222", year=2023) == [a["id"]]
        assert await ids(status="under_review") == [a["id"]]
        assert await ids(matter_type="licensing") == [b["id"]]
        assert len(await ids(year=2023)) == 2
