"""Each application's stored clocks (application_deadlines) on fixed dates, the commands
extend and switch_procedure, the office's work list (GET /api/v1/deadlines) and a clock
waiting for a calendar year nobody loaded.

The 2024 dates were checked by hand against the State Council's 2024 notice (国办发明电
〔2023〕7号): Sun 2024-05-12 is a rest day (Sat 05-11 is a make-up working day), Sat
2024-06-01 too, so both move to the Monday."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from reconsideration.applications.models import ApplicationEventType as E
from reconsideration.applications.models import ApplicationStatus
from reconsideration.deadlines.models import Clock, DeadlineState
from reconsideration.deadlines.tracking import Step, compute, plan
from shared import working_days as calendars
from shared.testing import TokenIssuer
from tests.applications.test_router import c, command, receive, run
from tests.deadlines.test_router import YEAR_2027, load

PROBLEM = "application/problem+json"
DEADLINES = "/api/v1/deadlines"
REGION = "421222"
T100 = "421222100"
T101 = "421222101"
OFFICER = {"reconsideration:read", "reconsideration:write"}


def clocks(application: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """clock -> (starts_on, due_on, state, met_on, overdue)."""
    return {
        d["clock"]: (d["starts_on"], d["due_on"], d["state"], d["met_on"], d["overdue"])
        for d in application["deadlines"]
    }


async def step(
    client: httpx.AsyncClient, app: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    return await run(client, app["id"], body)


class TestClocksOnTheApplication:
    async def test_each_clock_after_each_step(self, client: httpx.AsyncClient) -> None:
        app = await receive(client, received_on="2024-03-01")
        assert clocks(app) == {
            "acceptance_review": ("2024-03-01", "2024-03-08", "open", None, True),
            "correction_request": ("2024-03-01", "2024-03-08", "open", None, True),
        }
        assert [d["clock"] for d in app["deadlines"]] == [
            "acceptance_review",
            "correction_request",
        ]
        first = app["deadlines"][0]
        assert first["law"] == "law_2023"
        assert first["article"] == "复议法(2023) 第30条"
        assert first["unit"] == "working_days"

        await step(client, app, c("start_review", "2024-03-01"))
        app = await step(
            client, app, c("request_correction", "2024-03-04", items=["身份证明"])
        )
        assert clocks(app) == {
            "acceptance_review": ("2024-03-01", None, "paused", None, False),
            "correction_request": (
                "2024-03-01",
                "2024-03-08",
                "met",
                "2024-03-04",
                False,
            ),
            "applicant_correction": ("2024-03-04", "2024-03-18", "open", None, True),
        }

        app = await step(client, app, c("record_correction", "2024-03-11"))
        assert clocks(app)["acceptance_review"] == (
            "2024-03-11",
            "2024-03-18",
            "open",
            None,
            True,
        )
        assert clocks(app)["applicant_correction"][2:4] == ("met", "2024-03-11")

        app = await step(client, app, c("accept", "2024-03-13"))
        assert app["procedure"] == "ordinary"  # the default
        assert clocks(app)["acceptance_review"][2:4] == ("met", "2024-03-13")
        assert clocks(app)["copy_to_respondent"] == (
            "2024-03-13",
            "2024-03-22",
            "open",
            None,
            True,
        )
        # 60 days: Sun 2024-05-12, a rest day, moves to Mon 05-13.
        assert clocks(app)["decision"] == (
            "2024-03-13",
            "2024-05-13",
            "open",
            None,
            True,
        )

        app = await step(client, app, c("copy_to_respondent", "2024-03-15"))
        assert clocks(app)["copy_to_respondent"][2:4] == ("met", "2024-03-15")

        app = await step(client, app, c("decide", "2024-05-10", decision_type="uphold"))
        assert clocks(app)["decision"][1:4] == ("2024-05-13", "met", "2024-05-10")
        assert all(d["state"] == "met" for d in app["deadlines"])
        read = (await client.get(f"/api/v1/applications/{app['id']}")).json()
        assert read["deadlines"] == app["deadlines"]

    async def test_the_simplified_procedure_has_shorter_clocks(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2024-03-01")
        await step(client, app, c("start_review", "2024-03-01"))
        app = await step(client, app, c("accept", "2024-03-13", procedure="simplified"))
        assert clocks(app)["copy_to_respondent"][1] == "2024-03-18"
        assert clocks(app)["decision"][1] == "2024-04-12"
        assert clocks(app)["decision"][0] == "2024-03-13"
        # Art. 55: switched to ordinary, the ordinary periods count from acceptance.
        app = await step(
            client,
            app,
            c("switch_procedure", "2024-03-20", approved_by="复议机构负责人"),
        )
        assert app["procedure"] == "ordinary"
        assert clocks(app)["copy_to_respondent"][1] == "2024-03-22"
        assert clocks(app)["decision"][1] == "2024-05-13"
        again = await command(
            client,
            app["id"],
            c("switch_procedure", "2024-03-21", approved_by="复议机构负责人"),
        )
        assert again.status_code == 409
        assert again.headers["content-type"] == PROBLEM

    async def test_a_not_accepted_or_abandoned_application_keeps_no_open_clock(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2024-03-01")
        await step(client, app, c("start_review", "2024-03-01"))
        app = await step(
            client, app, c("not_accept", "2024-03-05", reason="不属于本机关管辖")
        )
        assert clocks(app) == {
            "acceptance_review": (
                "2024-03-01",
                "2024-03-08",
                "met",
                "2024-03-05",
                False,
            ),
            "correction_request": ("2024-03-01", "2024-03-08", "ended", None, False),
        }
        other = await receive(client, received_on="2024-03-01")
        await step(client, other, c("start_review", "2024-03-01"))
        await step(client, other, c("request_correction", "2024-03-04", items=["x"]))
        other = await step(client, other, c("deem_abandoned", "2024-03-19"))
        states = {k: v[2] for k, v in clocks(other).items()}
        assert states == {
            "acceptance_review": "ended",
            "correction_request": "met",
            "applicant_correction": "ended",
        }

    async def test_the_applicants_correction_counts_from_the_receipt_of_the_notice(
        self, client: httpx.AsyncClient
    ) -> None:
        """复议法(2023) 第31条: 10 working days from the applicant's receipt. A notice of Fri
        2024-09-27 received Mon 09-30: National Day (10-01 to 10-07) and the make-up
        Saturday 10-12 give Fri 10-18; counted from the notice itself (receipt unknown) it
        would be Wed 10-16 (the make-up Sunday 09-29 counts)."""
        app = await receive(client, received_on="2024-09-26")
        await step(client, app, c("start_review", "2024-09-26"))
        app = await step(
            client, app, c("request_correction", "2024-09-27", items=["身份证明"])
        )
        assert app["correction_received_on"] is None
        assert clocks(app)["applicant_correction"][:3] == (
            "2024-09-27",
            "2024-10-16",
            "open",
        )
        app = await step(client, app, c("record_correction_receipt", "2024-09-30"))
        assert app["correction_received_on"] == "2024-09-30"
        assert clocks(app)["applicant_correction"][:3] == (
            "2024-09-30",
            "2024-10-18",
            "open",
        )
        # Once per notice; and no abandonment before the period from the receipt is over.
        again = await client.post(
            f"/api/v1/applications/{app['id']}/events",
            json=c("record_correction_receipt", "2024-10-08"),
            headers={"If-Match": f'"{app["version"]}"'},
        )
        assert again.status_code == 409, again.text
        early = await client.post(
            f"/api/v1/applications/{app['id']}/events",
            json=c("deem_abandoned", "2024-10-17"),
            headers={"If-Match": f'"{app["version"]}"'},
        )
        assert early.status_code == 409, early.text
        app = await step(client, app, c("deem_abandoned", "2024-10-21"))
        assert app["status"] == "deemed_abandoned"

    async def test_the_receipt_can_be_given_with_the_request(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2024-09-26")
        await step(client, app, c("start_review", "2024-09-26"))
        app = await step(
            client,
            app,
            c(
                "request_correction",
                "2024-09-27",
                items=["身份证明"],
                applicant_received_on="2024-09-30",
            ),
        )
        assert clocks(app)["applicant_correction"][:2] == ("2024-09-30", "2024-10-18")
        # A receipt before the notice was sent is refused, naming the field.
        other = await receive(client, received_on="2024-09-26")
        other = await step(client, other, c("start_review", "2024-09-26"))
        before = await client.post(
            f"/api/v1/applications/{other['id']}/events",
            json=c(
                "request_correction",
                "2024-09-27",
                items=["x"],
                applicant_received_on="2024-09-26",
            ),
            headers={"If-Match": f'"{other["version"]}"'},
        )
        assert before.status_code == 422, before.text
        assert "applicant_received_on" in before.text

    async def test_the_1999_law_has_no_simplified_decision_clock(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await receive(client, received_on="2023-03-01")
        await step(client, app, c("start_review", "2023-03-01"))
        app = await step(client, app, c("accept", "2023-03-02", procedure="simplified"))
        assert "decision" not in clocks(app)
        assert app["deadlines"][0]["law"] == "law_1999"
        assert app["deadlines"][0]["article"] == "复议法(2017) 第17条"


async def accepted(
    client: httpx.AsyncClient, *, copied: bool = True, **overrides: Any
) -> dict[str, Any]:
    app = await receive(client, received_on="2024-03-01", **overrides)
    await step(client, app, c("start_review", "2024-03-01"))
    app = await step(client, app, c("accept", "2024-03-13"))
    if copied:
        app = await step(client, app, c("copy_to_respondent", "2024-03-15"))
    return app


class TestSuspensionAndExtension:
    async def test_a_suspension_pauses_and_resumption_moves_the_decision_clock(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await accepted(client)
        assert clocks(app)["decision"][1] == "2024-05-13"
        app = await step(
            client, app, c("suspend", "2024-03-20", ground="depends_on_other_case")
        )
        assert clocks(app)["decision"] == ("2024-03-13", None, "paused", None, False)
        app = await step(client, app, c("resume", "2024-04-09"))
        decision = next(d for d in app["deadlines"] if d["clock"] == "decision")
        # 20 days suspended: 2024-05-12 + 20 = Sat 06-01, moved to Mon 06-03.
        assert decision["suspended_days"] == 20
        assert decision["due_on"] == "2024-06-03"
        assert decision["state"] == "open"

    async def test_an_extension_adds_its_days_once(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await accepted(client)
        extend = c(
            "extend",
            "2024-04-10",
            days=30,
            approved_by="复议机构负责人",
            reason="案情复杂",
        )
        app = await step(client, app, extend)
        assert app["decision_extension_days"] == 30
        assert app["decision_extension_approved_by"] == "复议机构负责人"
        decision = next(d for d in app["deadlines"] if d["clock"] == "decision")
        # 90 days from 2024-03-13: Tue 2024-06-11 (after the Dragon Boat Festival).
        assert decision["extension_days"] == 30
        assert decision["due_on"] == "2024-06-11"
        twice = await command(client, app["id"], {**extend, "days": 5})
        assert twice.status_code == 409
        assert twice.headers["content-type"] == PROBLEM
        assert "only once" in twice.json()["detail"]
        events = (await client.get(f"/api/v1/applications/{app['id']}/events")).json()
        assert events["items"][-1]["type"] == "extend"
        assert events["items"][-1]["data"]["days"] == 30

    async def test_suspension_and_extension_add_up(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await accepted(client)
        await step(client, app, c("suspend", "2024-03-20", ground="force_majeure"))
        await step(client, app, c("resume", "2024-04-09"))
        app = await step(
            client,
            app,
            c("extend", "2024-04-10", days=30, approved_by="负责人", reason="复杂"),
        )
        assert clocks(app)["decision"][1] == "2024-07-01"

    @pytest.mark.parametrize(
        ("setup", "detail"),
        [
            ("received", "needs status"),
            ("suspended", "needs status"),
            ("decided", "needs status"),
            ("simplified", "simplified procedure has no extension"),
            ("ran_out", "ran out on 2024-05-13"),
        ],
    )
    async def test_refused_extensions_are_409(
        self, client: httpx.AsyncClient, setup: str, detail: str
    ) -> None:
        on = "2024-04-10"
        if setup == "received":
            app = await receive(client, received_on="2024-03-01")
        elif setup == "simplified":
            app = await receive(client, received_on="2024-03-01")
            await step(client, app, c("start_review", "2024-03-01"))
            app = await step(
                client, app, c("accept", "2024-03-13", procedure="simplified")
            )
        else:
            app = await accepted(client)
            if setup == "suspended":
                await step(client, app, c("suspend", "2024-03-20", ground="other"))
            elif setup == "decided":
                await step(
                    client, app, c("decide", "2024-03-20", decision_type="uphold")
                )
            elif setup == "ran_out":
                on = "2024-05-14"
        response = await command(
            client,
            app["id"],
            c("extend", on, days=10, approved_by="负责人", reason="复杂"),
        )
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == PROBLEM
        assert detail in response.json()["detail"]

    @pytest.mark.parametrize("days", [0, 31])
    async def test_an_extension_is_1_to_30_days(
        self, client: httpx.AsyncClient, days: int
    ) -> None:
        app = await accepted(client)
        response = await command(
            client,
            app["id"],
            c("extend", "2024-04-10", days=days, approved_by="负责人", reason="复杂"),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "days"


async def walk(
    client: httpx.AsyncClient, params: dict[str, Any], headers: dict[str, str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = ""
    while True:
        query = {**params, "page_size": 2, **({"page_token": token} if token else {})}
        response = await client.get(DEADLINES, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        token = body["next_page_token"]
        if not token:
            return items


class TestTheWorkList:
    @pytest.fixture
    async def two_townships(self, client: httpx.AsyncClient) -> dict[str, str]:
        a100 = await accepted(client, township_code=T100)
        a101 = await receive(client, received_on="2024-03-04", township_code=T101)
        county = await receive(client, received_on="2024-03-05")
        return {"a100": a100["id"], "a101": a101["id"], "county": county["id"]}

    async def test_due_before_across_two_townships_for_the_county(
        self,
        client: httpx.AsyncClient,
        token_issuer: TokenIssuer,
        two_townships: dict[str, str],
    ) -> None:
        headers = token_issuer.headers(scopes=OFFICER, org={"region_code": REGION})
        items = await walk(client, {"due_before": "2024-03-11"}, headers)
        ids = {v: k for k, v in two_townships.items()}
        listed = [(ids[i["application_id"]], i["clock"], i["due_on"]) for i in items]
        # a100's review clocks are met or ended and its decision is due in May; the
        # county's application is due on 03-12.
        assert sorted(listed) == [
            ("a101", "acceptance_review", "2024-03-11"),
            ("a101", "correction_request", "2024-03-11"),
        ]
        assert [i["id"] for i in items] == sorted(i["id"] for i in items)
        item = items[0]
        assert item["case_number"].startswith("通政复〔2024〕")
        assert item["township_code"] == T101
        assert item["overdue"] is True
        assert item["state"] == "open"

        later = await walk(client, {"due_before": "2024-05-31"}, headers)
        dues = [(i["due_on"], i["id"]) for i in later]
        assert dues == sorted(dues)
        assert {ids[i["application_id"]] for i in later} == {"a100", "a101", "county"}
        assert [
            ids[i["application_id"]] for i in later if i["clock"] == "decision"
        ] == ["a100"]
        decisions = await walk(
            client, {"due_before": "2024-05-31", "clock": "decision"}, headers
        )
        assert [i["due_on"] for i in decisions] == ["2024-05-13"]
        by_township = await walk(
            client, {"due_before": "2024-05-31", "township_code": T100}, headers
        )
        assert {ids[i["application_id"]] for i in by_township} == {"a100"}

    async def test_a_township_caller_sees_its_township_only(
        self,
        client: httpx.AsyncClient,
        token_issuer: TokenIssuer,
        two_townships: dict[str, str],
    ) -> None:
        township = token_issuer.headers(
            scopes=OFFICER, org={"region_code": REGION, "township_code": T101}
        )
        items = await walk(client, {"due_before": "2024-12-31"}, township)
        assert {i["application_id"] for i in items} == {two_townships["a101"]}
        other = token_issuer.headers(scopes=OFFICER, org={"region_code": "421223"})
        assert await walk(client, {"due_before": "2024-12-31"}, other) == []

    async def test_paused_clocks_on_request(
        self,
        client: httpx.AsyncClient,
        token_issuer: TokenIssuer,
        two_townships: dict[str, str],
    ) -> None:
        app = {"id": two_townships["a100"]}
        await step(client, app, c("suspend", "2024-03-20", ground="other"))
        headers = token_issuer.headers(scopes=OFFICER, org={"region_code": REGION})
        paused = await walk(
            client, {"due_before": "2024-03-31", "state": "paused"}, headers
        )
        assert [(i["clock"], i["due_on"]) for i in paused] == [("decision", None)]
        assert two_townships["a100"] not in {
            i["application_id"]
            for i in await walk(client, {"due_before": "2024-12-31"}, headers)
        }

    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"due_before": "soon"},
            {"due_before": "0"},
            {"due_before": "2024-03-01", "state": "met"},
            {"due_before": "2024-03-01", "clock": "lunch"},
        ],
    )
    async def test_bad_queries_are_422(
        self, client: httpx.AsyncClient, query: dict[str, str]
    ) -> None:
        response = await client.get(DEADLINES, params=query)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM

    async def test_the_calculator_still_answers(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get(
            f"{DEADLINES}/acceptance_review",
            params={"received_on": "2024-03-01", "starts_on": "2024-03-01"},
        )
        assert response.status_code == 200
        assert response.json()["due_on"] == "2024-03-08"


@pytest.mark.usefixtures("no_2027")
class TestUnknownCalendarYear:
    async def test_listed_then_resolved_by_loading_the_year(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        app = await receive(client, received_on="2026-11-20", township_code=T100)
        await step(client, app, c("start_review", "2026-11-20"))
        # Accepted on 2026-11-23: 60 days end in 2027, which nobody loaded.
        app = await step(client, app, c("accept", "2026-11-23"))
        decision = next(d for d in app["deadlines"] if d["clock"] == "decision")
        assert decision["state"] == "calendar_unknown"
        assert decision["due_on"] is None
        assert decision["unknown_year"] == 2027
        assert decision["overdue"] is False
        assert clocks(app)["copy_to_respondent"][1] == "2026-12-02"

        listed = await walk(client, {"due_before": "2026-12-31"}, {})
        mine = [i for i in listed if i["application_id"] == app["id"]]
        assert [(i["clock"], i["state"]) for i in mine] == [
            ("copy_to_respondent", "open"),
            ("decision", "calendar_unknown"),
        ]
        assert listed[-1]["state"] == "calendar_unknown"  # no due day: last

        loaded = await load(client, 2027, YEAR_2027, token_issuer)
        assert loaded.status_code == 201, loaded.text
        read = (await client.get(f"/api/v1/applications/{app['id']}")).json()
        decision = next(d for d in read["deadlines"] if d["clock"] == "decision")
        # 2026-11-23 + 60 days: Fri 2027-01-22, a working day in the loaded year.
        assert decision["state"] == "open"
        assert decision["due_on"] == "2027-01-22"
        assert decision["unknown_year"] is None
        listed = await walk(client, {"due_before": "2026-12-31"}, {})
        assert "decision" not in {
            i["clock"] for i in listed if i["application_id"] == app["id"]
        }
        listed = await walk(client, {"due_before": "2027-01-31"}, {})
        assert ("decision", "2027-01-22") in {
            (i["clock"], i["due_on"])
            for i in listed
            if i["application_id"] == app["id"]
        }

    async def test_replacing_a_year_recomputes_its_deadlines(
        self, client: httpx.AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        first = await load(client, 2027, YEAR_2027, token_issuer)
        assert first.status_code == 201
        app = await receive(client, received_on="2026-11-20")
        await step(client, app, c("start_review", "2026-11-20"))
        app = await step(client, app, c("accept", "2026-11-23"))
        assert clocks(app)["decision"][1] == "2027-01-22"
        holiday = {**YEAR_2027, "holidays": [*YEAR_2027["holidays"], "2027-01-22"]}
        replaced = await load(
            client, 2027, holiday, token_issuer, **{"If-Match": first.headers["etag"]}
        )
        assert replaced.status_code == 200, replaced.text
        read = (await client.get(f"/api/v1/applications/{app['id']}")).json()
        assert clocks(read)["decision"][1] == "2027-01-25"


def test_an_application_received_in_an_unknown_year(no_2027: None) -> None:
    """Received in 2027 (no calendar): every running clock is calendar_unknown."""
    received = dt.date(2027, 3, 1)
    planned = plan(
        received_on=received,
        status=ApplicationStatus.received,
        procedure=None,
        extension_days=0,
        steps=[Step(E.receive, received)],
    )
    computed = [
        compute(p, received_on=received, calendar=calendars.package_calendar())
        for p in planned
    ]
    assert [(x.planned.clock, x.state, x.unknown_year) for x in computed if x] == [
        (Clock.acceptance_review, DeadlineState.calendar_unknown, 2027),
        (Clock.correction_request, DeadlineState.calendar_unknown, 2027),
    ]
