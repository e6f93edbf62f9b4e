"""The lifecycle steps that carry documents (domain.md §3.1; 复议法(2023)): forwarding by the
penalising agency (第32条), the respondent's receipt and reply (第48条), hearings and their
notice (第50-51条), committee consultations (第52条), suspension and resumption notices
(第39条), decisions with their details and approval (第61-66条), termination grounds
(第41条), mediation statements and settlements (第73-74条).

The due days were counted by hand on the State Council's 2024 notice (国办发明电〔2023〕7号):
Spring Festival off Sat 02-10 to Sat 02-17 with Sun 02-04 and Sun 02-18 make-up working
days; National Day off 10-01 to 10-07 with Sun 09-29 and Sat 10-12 make-up working days.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.applications.test_router import c, command, receive, run

ACCEPT = c("accept", "2024-01-26", procedure="ordinary")
START = c("start_review", "2024-01-23")


def clock(application: dict[str, Any], name: str) -> tuple[Any, ...]:
    """(starts_on, due_on, state, met_on, late) of one clock."""
    (d,) = [d for d in application["deadlines"] if d["clock"] == name]
    return d["starts_on"], d["due_on"], d["state"], d["met_on"], d["late"]


def clock_names(application: dict[str, Any]) -> list[str]:
    return [d["clock"] for d in application["deadlines"]]


async def in_progress(client: httpx.AsyncClient, **copy_fields: Any) -> dict[str, Any]:
    """An application of 2024 accepted on 01-26 and copied to the respondent on 01-30."""
    app = await receive(client, received_on="2024-01-22")
    return await run(
        client,
        app["id"],
        START,
        ACCEPT,
        c("copy_to_respondent", "2024-01-30", **copy_fields),
    )


async def events(client: httpx.AsyncClient, app: dict[str, Any]) -> list[Any]:
    response = await client.get(f"/api/v1/applications/{app['id']}/events")
    return response.json()["items"]


async def refused(
    client: httpx.AsyncClient, app: dict[str, Any], body: dict[str, Any]
) -> httpx.Response:
    """The command answers 409 and changes nothing."""
    before = (await client.get(f"/api/v1/applications/{app['id']}")).json()
    response = await command(client, app["id"], body)
    assert response.status_code == 409, response.text
    assert response.json()["type"] == (
        "urn:fazhi:problem:application-transition-not-allowed"
    )
    after = (await client.get(f"/api/v1/applications/{app['id']}")).json()
    assert after == before
    return response


class TestForwardedByThePenalisingAgency:
    async def test_both_receipts_kept_and_the_forwarding_clock_met_late(
        self, client: httpx.AsyncClient
    ) -> None:
        # 5 working days from Fri 09-27: Sun 09-29 (make-up), Mon 09-30, then 10-08,
        # 10-09, 10-10 after the National Day holiday. Forwarded on 10-11: late.
        app = await receive(
            client,
            receipt_channel="forwarded_by_agency",
            forwarding_agency="县交通运输局",
            forwarding_agency_received_on="2024-09-27",
            received_on="2024-10-11",
        )
        assert (
            app["forwarding_agency"],
            app["forwarding_agency_received_on"],
            app["received_on"],
        ) == ("县交通运输局", "2024-09-27", "2024-10-11")
        assert clock(app, "forwarding") == (
            "2024-09-27",
            "2024-10-10",
            "met",
            "2024-10-11",
            True,
        )
        on_time = await receive(
            client,
            receipt_channel="forwarded_by_agency",
            forwarding_agency="县交通运输局",
            forwarding_agency_received_on="2024-09-27",
            received_on="2024-10-10",
        )
        assert clock(on_time, "forwarding")[2:] == ("met", "2024-10-10", False)

    async def test_no_forwarding_clock_under_the_1999_law_or_other_channels(
        self, client: httpx.AsyncClient
    ) -> None:
        old = await receive(
            client,
            receipt_channel="forwarded_by_agency",
            forwarding_agency="县公安局",
            forwarding_agency_received_on="2023-12-20",
            received_on="2023-12-29",
        )
        assert "forwarding" not in clock_names(old)
        assert "forwarding" not in clock_names(
            await receive(client, received_on="2024-10-11")
        )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"receipt_channel": "forwarded_by_agency"}, "forwarding_agency"),
            (
                {
                    "receipt_channel": "forwarded_by_agency",
                    "forwarding_agency": "县公安局",
                },
                "forwarding_agency_received_on",
            ),
            ({"forwarding_agency": "县公安局"}, "forwarding_agency"),
            (
                {
                    "receipt_channel": "forwarded_by_agency",
                    "forwarding_agency": "县公安局",
                    "forwarding_agency_received_on": "2023-03-02",
                },
                "forwarding_agency_received_on",
            ),
        ],
    )
    async def test_channel_fields_are_checked(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        from tests.applications.test_router import application_body

        response = await client.post(
            "/api/v1/applications", json=application_body(**overrides)
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


class TestRespondentReply:
    async def test_receipt_with_the_copy_starts_the_reply_period(
        self, client: httpx.AsyncClient
    ) -> None:
        # 10 working days from Thu 02-01: 02-02, Sun 02-04 (make-up), 02-05..02-09,
        # Sun 02-18 (make-up), 02-19, 02-20.
        app = await in_progress(client, respondent_received_on="2024-02-01")
        assert app["respondent_received_copy_on"] == "2024-02-01"
        assert clock(app, "respondent_reply") == (
            "2024-02-01",
            "2024-02-20",
            "open",
            None,
            False,
        )
        replied = await run(
            client,
            app["id"],
            c("record_respondent_reply", "2024-02-21", evidence_submitted=False),
        )
        assert (
            replied["respondent_replied_on"],
            replied["respondent_evidence_submitted"],
            replied["status"],
        ) == ("2024-02-21", False, "in_progress")
        assert clock(replied, "respondent_reply") == (
            "2024-02-01",
            "2024-02-20",
            "met",
            "2024-02-21",
            True,
        )
        await refused(
            client,
            replied,
            c("record_respondent_reply", "2024-02-22", evidence_submitted=True),
        )

    async def test_receipt_recorded_later_once(self, client: httpx.AsyncClient) -> None:
        app = await in_progress(client)
        assert "respondent_reply" not in clock_names(app)
        received = await run(
            client, app["id"], c("record_respondent_receipt", "2024-02-01")
        )
        assert clock(received, "respondent_reply")[:3] == (
            "2024-02-01",
            "2024-02-20",
            "open",
        )
        await refused(client, received, c("record_respondent_receipt", "2024-02-02"))

    async def test_simplified_reply_is_five_working_days(
        self, client: httpx.AsyncClient
    ) -> None:
        # 5 working days from Thu 02-01: 02-02, Sun 02-04 (make-up), 02-05, 02-06, 02-07.
        app = await receive(client, received_on="2024-01-22")
        body = await run(
            client,
            app["id"],
            START,
            c("accept", "2024-01-26", procedure="simplified"),
            c("copy_to_respondent", "2024-01-30", respondent_received_on="2024-02-01"),
        )
        assert clock(body, "respondent_reply")[1] == "2024-02-07"

    async def test_receipt_before_the_copy_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2024-01-22")
        await run(client, app["id"], START, ACCEPT)
        response = await command(
            client,
            app["id"],
            c("copy_to_respondent", "2024-01-30", respondent_received_on="2024-01-29"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "respondent_received_on"

    async def test_reply_before_the_copy_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2024-01-22")
        accepted = await run(client, app["id"], START, ACCEPT)
        await refused(
            client,
            accepted,
            c("record_respondent_reply", "2024-01-29", evidence_submitted=True),
        )
        await refused(client, accepted, c("record_respondent_receipt", "2024-01-29"))


HEARING = {"presiding_officer": "李某", "place": "县司法局听证室"}


class TestHearings:
    async def test_notice_five_working_days_before_then_held(
        self, client: httpx.AsyncClient
    ) -> None:
        # Back from Wed 10-09: 10-08, 09-30, Sun 09-29 (make-up), 09-27, 09-26.
        app = await in_progress(client)
        scheduled = await run(
            client,
            app["id"],
            c("schedule_hearing", "2024-09-26", hearing_on="2024-10-09", **HEARING),
        )
        assert clock(scheduled, "hearing_notice") == (
            "2024-10-09",
            "2024-09-26",
            "met",
            "2024-09-26",
            False,
        )
        (hearing,) = scheduled["hearings"]
        assert (hearing["hearing_on"], hearing["notified_on"], hearing["held_on"]) == (
            "2024-10-09",
            "2024-09-26",
            None,
        )
        held = await run(
            client,
            app["id"],
            c(
                "record_hearing",
                "2024-10-09",
                applicant_appeared=True,
                respondent_head_appeared=True,
                respondent_representative="王某（局长）",
            ),
        )
        (hearing,) = held["hearings"]
        assert (
            hearing["held_on"],
            hearing["applicant_appeared"],
            hearing["respondent_head_appeared"],
            hearing["respondent_representative"],
        ) == ("2024-10-09", True, True, "王某（局长）")
        assert held["status"] == "in_progress"
        assert [e["type"] for e in await events(client, held)][-2:] == [
            "schedule_hearing",
            "record_hearing",
        ]

    async def test_a_short_notice_is_late_and_rescheduling_moves_it(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        short = await run(
            client,
            app["id"],
            c("schedule_hearing", "2024-09-27", hearing_on="2024-10-09", **HEARING),
        )
        assert clock(short, "hearing_notice")[1:] == (
            "2024-09-26",
            "met",
            "2024-09-27",
            True,
        )
        # Moved to Tue 10-15: back 10-14, Sat 10-12 (make-up), 10-11, 10-10, 10-09.
        moved = await run(
            client,
            app["id"],
            c("schedule_hearing", "2024-09-30", hearing_on="2024-10-15", **HEARING),
        )
        assert len(moved["hearings"]) == 1
        assert clock(moved, "hearing_notice") == (
            "2024-10-15",
            "2024-10-09",
            "met",
            "2024-09-30",
            False,
        )
        assert (await events(client, moved))[-1]["data"] == {
            "hearing_on": "2024-10-15",
            "rescheduled_from": "2024-10-09",
        }

    async def test_hearing_recorded_on_another_day_names_occurred_on(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        await run(
            client,
            app["id"],
            c("schedule_hearing", "2024-09-26", hearing_on="2024-10-09", **HEARING),
        )
        response = await command(
            client,
            app["id"],
            c(
                "record_hearing",
                "2024-10-10",
                applicant_appeared=True,
                respondent_head_appeared=False,
            ),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"

    async def test_hearing_not_scheduled_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        await refused(
            client,
            app,
            c(
                "record_hearing",
                "2024-02-05",
                applicant_appeared=True,
                respondent_head_appeared=False,
            ),
        )

    async def test_hearing_on_must_follow_the_notice(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        response = await command(
            client,
            app["id"],
            c("schedule_hearing", "2024-02-05", hearing_on="2024-02-05", **HEARING),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "hearing_on"

    async def test_no_notice_period_under_the_1999_law(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2023-12-29")
        body = await run(
            client,
            app["id"],
            c("start_review", "2024-01-02"),
            c("accept", "2024-01-03", procedure="ordinary"),
            c("copy_to_respondent", "2024-01-04"),
            c("schedule_hearing", "2024-01-05", hearing_on="2024-01-08", **HEARING),
        )
        assert len(body["hearings"]) == 1
        assert "hearing_notice" not in clock_names(body)


class TestCommitteeConsultation:
    async def test_opinion_and_vote_are_recorded(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        body = await run(
            client,
            app["id"],
            c(
                "record_committee_consultation",
                "2024-02-05",
                ground="major_complex",
                opinion="建议撤销原处罚决定",
                votes_for=5,
                votes_against=1,
                votes_abstaining=1,
            ),
        )
        (consultation,) = body["committee_consultations"]
        assert {k: v for k, v in consultation.items() if k != "id"} == {
            "consulted_on": "2024-02-05",
            "ground": "major_complex",
            "opinion": "建议撤销原处罚决定",
            "votes_for": 5,
            "votes_against": 1,
            "votes_abstaining": 1,
        }
        decided = await run(
            client, app["id"], c("decide", "2024-02-06", decision_type="revoke")
        )
        await refused(
            client,
            decided,
            c(
                "record_committee_consultation",
                "2024-02-07",
                ground="major_complex",
                opinion="…",
            ),
        )

    async def test_unknown_ground_names_the_field(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        response = await command(
            client,
            app["id"],
            c(
                "record_committee_consultation",
                "2024-02-05",
                ground="hunch",
                opinion="…",
            ),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == ("ground")


class TestSuspensionNotices:
    async def test_notices_are_kept_with_the_steps(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        await run(
            client,
            app["id"],
            c(
                "suspend",
                "2024-02-05",
                ground="depends_on_other_case",
                reason="须以另案审理结果为依据",
                notice_served_on="2024-02-06",
            ),
            c("resume", "2024-03-05", notice_served_on="2024-03-06"),
        )
        suspend, resume = (await events(client, app))[-2:]
        assert suspend["data"] == {
            "ground": "depends_on_other_case",
            "reason": "须以另案审理结果为依据",
            "notice_served_on": "2024-02-06",
        }
        assert resume["data"] == {"notice_served_on": "2024-03-06"}


class TestDecisionDetails:
    async def test_partial_revocation_with_a_redo_deadline_approved_by_the_head(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        body = await run(
            client,
            app["id"],
            c(
                "decide",
                "2024-03-01",
                decision_type="revoke",
                partial_revocation=True,
                redo_ordered=True,
                redo_deadline="2024-04-30",
                approval="head_approval",
            ),
        )
        assert (
            body["partial_revocation"],
            body["redo_ordered"],
            body["redo_deadline"],
            body["decision_approval"],
            body["collective_discussion_id"],
        ) == (True, True, "2024-04-30", "head_approval", None)

    async def test_approval_by_a_collective_discussion_of_the_case(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        other = await in_progress(client)

        async def meeting(held_on: str, *ids: str) -> str:
            response = await client.post(
                "/api/v1/collective-discussions",
                json={
                    "region_code": "421222",
                    "held_on": held_on,
                    "chair": "县政府分管副县长",
                    "application_ids": list(ids),
                },
            )
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        def decide(meeting_id: str) -> dict[str, Any]:
            return c(
                "decide",
                "2024-03-01",
                decision_type="uphold",
                approval="collective_discussion",
                collective_discussion_id=meeting_id,
            )

        for meeting_id in (
            await meeting("2024-02-28", other["id"]),  # not this case
            await meeting("2024-03-02", app["id"]),  # after the decision
            "00000000-0000-4000-8000-000000000000",  # no such meeting
        ):
            response = await command(client, app["id"], decide(meeting_id))
            assert response.status_code == 422, response.text
            assert response.json()["errors"][0]["field"] == "collective_discussion_id"
        ok = await meeting("2024-02-28", app["id"], other["id"])
        body = await run(client, app["id"], decide(ok))
        assert (body["decision_approval"], body["collective_discussion_id"]) == (
            "collective_discussion",
            ok,
        )

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            (
                {"decision_type": "uphold", "partial_revocation": True},
                "partial_revocation",
            ),
            (
                {"decision_type": "revoke", "redo_deadline": "2024-04-30"},
                "redo_deadline",
            ),
            (
                {
                    "decision_type": "revoke",
                    "redo_ordered": True,
                    "redo_deadline": "2024-02-01",
                },
                "redo_deadline",
            ),
            (
                {"decision_type": "uphold", "approval": "collective_discussion"},
                "collective_discussion_id",
            ),
            (
                {
                    "decision_type": "uphold",
                    "approval": "head_approval",
                    "collective_discussion_id": "00000000-0000-4000-8000-000000000000",
                },
                "collective_discussion_id",
            ),
        ],
    )
    async def test_inconsistent_details_name_the_field(
        self, client: httpx.AsyncClient, fields: dict[str, Any], field: str
    ) -> None:
        app = await in_progress(client)
        response = await command(client, app["id"], c("decide", "2024-03-01", **fields))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


class TestTerminationGrounds:
    async def test_a_lapsed_suspension_ends_the_case_after_sixty_days(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        suspended = await run(
            client, app["id"], c("suspend", "2024-02-05", ground="applicant_died")
        )
        # 60 calendar days from 02-05 (2024 is a leap year): 04-05.
        early = await refused(
            client,
            suspended,
            c("terminate", "2024-04-04", ground="suspension_not_lifted"),
        )
        assert "2024-04-05" in early.json()["detail"]
        body = await run(
            client,
            app["id"],
            c("terminate", "2024-04-05", ground="suspension_not_lifted"),
        )
        assert (body["status"], body["termination_ground"]) == (
            "terminated",
            "suspension_not_lifted",
        )

    async def test_other_suspension_grounds_do_not_lapse(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        suspended = await run(
            client, app["id"], c("suspend", "2024-02-05", ground="force_majeure")
        )
        await refused(
            client,
            suspended,
            c("terminate", "2024-06-05", ground="suspension_not_lifted"),
        )
        running = await in_progress(client)
        await refused(
            client,
            running,
            c("terminate", "2024-06-05", ground="suspension_not_lifted"),
        )

    @pytest.mark.parametrize(
        "ground", ["withdrawal", "no_successor", "criminal_compulsory_measure", "other"]
    )
    async def test_grounds_of_article_41(
        self, client: httpx.AsyncClient, ground: str
    ) -> None:
        app = await in_progress(client)
        body = await run(client, app["id"], c("terminate", "2024-02-05", ground=ground))
        assert (body["status"], body["termination_ground"]) == ("terminated", ground)

    async def test_settlement_and_mediation_statement_keep_their_terms(
        self, client: httpx.AsyncClient
    ) -> None:
        settled = await in_progress(client)
        await run(
            client,
            settled["id"],
            c(
                "terminate",
                "2024-02-05",
                ground="settlement",
                settlement_terms="被申请人退还罚款2000元，申请人撤回申请",
            ),
        )
        assert (await events(client, settled))[-1]["data"] == {
            "ground": "settlement",
            "settlement_terms": "被申请人退还罚款2000元，申请人撤回申请",
        }
        mediated = await in_progress(client)
        body = await run(
            client,
            mediated["id"],
            c("record_mediation_statement", "2024-02-05", terms="变更罚款为1000元"),
        )
        assert body["status"] == "mediated"
        assert (await events(client, mediated))[-1]["data"] == {
            "terms": "变更罚款为1000元"
        }
        response = await command(
            client,
            (await in_progress(client))["id"],
            c("terminate", "2024-02-05", ground="withdrawal", settlement_terms="…"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "settlement_terms"


@pytest.mark.parametrize(
    ("body", "status_after"),
    [
        (
            c("schedule_hearing", "2024-02-05", hearing_on="2024-02-20", **HEARING),
            "accepted",
        ),
        (
            c(
                "record_committee_consultation",
                "2024-02-05",
                ground="major_complex",
                opinion="…",
            ),
            "accepted",
        ),
        (
            c("schedule_hearing", "2024-03-05", hearing_on="2024-03-20", **HEARING),
            "suspended",
        ),
        (
            c(
                "record_committee_consultation",
                "2024-03-05",
                ground="major_complex",
                opinion="…",
            ),
            "suspended",
        ),
    ],
)
async def test_document_steps_need_a_case_in_progress(
    client: httpx.AsyncClient, body: dict[str, Any], status_after: str
) -> None:
    app = await receive(client, received_on="2024-01-22")
    steps = [START, ACCEPT]
    if status_after == "suspended":
        steps += [
            c("copy_to_respondent", "2024-01-30"),
            c("suspend", "2024-02-05", ground="force_majeure"),
        ]
    current = await run(client, app["id"], *steps)
    assert current["status"] == status_after
    await refused(client, current, body)


class TestFoundByTheBreakTest:
    """Defects a hostile tester found, each pinned."""

    async def test_a_command_on_related_rows_still_moves_the_etag(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)
        etag = (await client.get(f"/api/v1/applications/{app['id']}")).headers["etag"]
        body = c(
            "record_committee_consultation",
            "2024-01-30",
            ground="major_complex",
            opinion="第一次",
        )
        headers = {"If-Match": etag}
        first = await client.post(
            f"/api/v1/applications/{app['id']}/events", json=body, headers=headers
        )
        assert first.status_code == 200, first.text
        assert first.headers["etag"] != etag
        second = await client.post(
            f"/api/v1/applications/{app['id']}/events",
            json={**body, "opinion": "第二次"},
            headers=headers,
        )
        assert second.status_code == 412
        read = (await client.get(f"/api/v1/applications/{app['id']}")).json()
        assert [x["opinion"] for x in read["committee_consultations"]] == ["第一次"]

    async def test_no_reply_before_the_respondent_received_the_copy(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client, respondent_received_on="2024-02-01")
        response = await command(
            client,
            app["id"],
            c("record_respondent_reply", "2024-01-31", evidence_submitted=True),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"

    @pytest.mark.parametrize("type_", ["suspend", "resume"])
    async def test_a_notice_is_not_served_before_its_step(
        self, client: httpx.AsyncClient, type_: str
    ) -> None:
        app = await in_progress(client)
        if type_ == "resume":
            await run(client, app["id"], c("suspend", "2024-02-05", ground="other"))
        response = await command(
            client,
            app["id"],
            c(type_, "2024-02-06", ground="other", notice_served_on="2024-02-05")
            if type_ == "suspend"
            else c(type_, "2024-02-06", notice_served_on="2024-02-05"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "notice_served_on"

    async def test_a_meeting_before_the_application_neither_lists_nor_decides_it(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await in_progress(client)  # received 2024-01-22
        listing = await client.post(
            "/api/v1/collective-discussions",
            json={
                "region_code": "421222",
                "held_on": "2024-01-10",
                "chair": "李某",
                "application_ids": [app["id"]],
            },
        )
        assert listing.status_code == 422
        assert listing.json()["errors"][0]["field"] == "application_ids"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"received_on": "1999-09-30"}, "received_on"),
            (
                {
                    "receipt_channel": "forwarded_by_agency",
                    "forwarding_agency": "县公安局",
                    "forwarding_agency_received_on": "1949-10-01",
                    "received_on": "2024-03-02",
                },
                "forwarding_agency_received_on",
            ),
            ({"respondent": "   "}, "respondent"),
            ({"applicant_name": "\u202e\u200b\ufeff"}, "applicant_name"),
            ({"respondent": "x\u0085y"}, "respondent"),
        ],
    )
    async def test_dates_before_the_law_and_invisible_names_are_refused(
        self, client: httpx.AsyncClient, overrides: dict[str, Any], field: str
    ) -> None:
        from tests.applications.test_router import application_body

        response = await client.post(
            "/api/v1/applications", json=application_body(**overrides)
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field

    async def test_names_are_stored_without_surrounding_spaces(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(
            client, respondent=" 通城县公安局\u3000", received_on="2024-03-01"
        )
        assert app["respondent"] == "通城县公安局"
