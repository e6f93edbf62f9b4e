"""After registration: the escalation-risk flag and the watch list, the agreement's
effective date, performance follow-up (回访) and judicial confirmation (司法确认), each
command allowed and refused; the deadlines (the 30-day time limit, the 30-day
confirmation window, the performance due date) on fixed dates, on the dispute and in the
list of what is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.disputes import service
from tests.disputes.test_router import (
    FAIL,
    RESOLVE,
    START,
    command,
    register,
)
from tests.factories import make_committee

FLAG = {
    "type": "flag_escalation_risk",
    "occurred_on": "2023-03-03",
    "risks": ["criminal"],
    "reason": "一方扬言报复",
}
CLEAR = {
    "type": "clear_escalation_risk",
    "occurred_on": "2023-03-09",
    "reason": "双方情绪平复",
}
FOLLOW_UP = {"type": "follow_up", "occurred_on": "2023-04-12", "performed": True}
APPLY = {
    "type": "apply_for_confirmation",
    "occurred_on": "2023-03-20",
    "court": "通城县人民法院",
}
CONFIRM = {"type": "confirm_agreement", "occurred_on": "2023-03-28"}
REFUSE = {
    "type": "refuse_confirmation",
    "occurred_on": "2023-03-28",
    "reason": "协议内容不明确",
}
TRANSITION = "urn:fazhi:problem:dispute-transition-not-allowed"


def resolve(**agreement: Any) -> dict[str, Any]:
    return {**RESOLVE, "agreement": {**RESOLVE["agreement"], **agreement}}


async def at(
    client: httpx.AsyncClient, committee_id: str, steps: list[dict[str, Any]]
) -> dict[str, Any]:
    """A dispute registered 2023-03-01 taken through ``steps`` (each must succeed)."""
    dispute = await register(client, committee_id)
    for step in steps:
        response = await command(client, dispute["id"], step)
        assert response.status_code == 200, (step, response.text)
        dispute = response.json()
    return dispute


@pytest.fixture
async def committee_id(session: AsyncSession) -> str:
    return str((await make_committee(session)).id)


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Fix "today" for the deadlines a dispute shows."""

    def set_day(day: str) -> None:
        monkeypatch.setattr(service, "today", lambda: dt.date.fromisoformat(day))

    return set_day


def deadline(dispute: dict[str, Any], kind: str) -> dict[str, Any] | None:
    found = [d for d in dispute["deadlines"] if d["kind"] == kind]
    return found[0] if found else None


class TestEscalationRisk:
    async def test_flag_puts_the_dispute_on_the_watch_list_and_clear_takes_it_off(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        quiet = await at(client, committee_id, [])
        flagged = await at(
            client,
            committee_id,
            [{**FLAG, "risks": ["group_petition", "criminal"]}],
        )
        assert flagged["on_watch_list"] is True
        assert flagged["escalation_risks"] == ["criminal", "group_petition"]
        assert flagged["escalation_risk_flagged_on"] == "2023-03-03"
        assert flagged["escalation_risk_reason"] == "一方扬言报复"
        assert flagged["status"] == "registered"

        async def watch_list(value: str) -> list[str]:
            response = await client.get(
                "/api/v1/disputes", params={"watch_list": value}
            )
            assert response.status_code == 200, response.text
            return [d["id"] for d in response.json()["items"]]

        assert await watch_list("true") == [flagged["id"]]
        assert await watch_list("false") == [quiet["id"]]

        cleared = (await command(client, flagged["id"], CLEAR)).json()
        assert cleared["on_watch_list"] is False
        assert cleared["escalation_risks"] == []
        assert cleared["escalation_risk_reason"] is None
        assert await watch_list("true") == []
        events = (await client.get(f"/api/v1/disputes/{flagged['id']}/events")).json()
        assert [(e["type"], e["data"]) for e in events["items"]][1:] == [
            ("flag_escalation_risk", {"risks": ["criminal", "group_petition"]}),
            ("clear_escalation_risk", {"risks": ["criminal", "group_petition"]}),
        ]

    @pytest.mark.parametrize(
        "steps",
        [[], [START], [START, RESOLVE], [START, FAIL]],
        ids=["registered", "mediating", "resolved", "failed"],
    )
    async def test_a_dispute_may_be_flagged_in_any_status(
        self, client: httpx.AsyncClient, committee_id: str, steps: list[dict[str, Any]]
    ) -> None:
        dispute = await at(client, committee_id, steps)
        flag = {**FLAG, "occurred_on": "2023-03-11"}
        response = await command(client, dispute["id"], flag)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == dispute["status"]

    @pytest.mark.parametrize(
        ("steps", "refused"),
        [([FLAG], FLAG), ([], CLEAR), ([FLAG, CLEAR], CLEAR)],
        ids=["flag-twice", "clear-unflagged", "clear-twice"],
    )
    async def test_flag_and_clear_refused_answer_409(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        steps: list[dict[str, Any]],
        refused: dict[str, Any],
    ) -> None:
        dispute = await at(client, committee_id, steps)
        before = (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()
        response = await command(client, dispute["id"], refused)
        assert response.status_code == 409, response.text
        body = response.json()
        assert body["type"] == TRANSITION
        assert body["on_watch_list"] is before["on_watch_list"]
        assert (await client.get(f"/api/v1/disputes/{dispute['id']}")).json() == before

    async def test_flag_needs_a_risk_named_once_and_a_date_from_registration(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(client, committee_id, [])
        for body, field in [
            ({**FLAG, "risks": []}, "risks"),
            ({**FLAG, "risks": ["criminal", "criminal"]}, "risks"),
            ({**FLAG, "risks": ["riot"]}, "risks.0"),
            ({**FLAG, "occurred_on": "2023-02-28"}, "occurred_on"),
        ]:
            response = await command(client, dispute["id"], body)
            assert response.status_code == 422, response.text
            assert response.json()["errors"][0]["field"] == field


class TestAgreement:
    async def test_the_agreement_takes_effect_when_reached_by_default(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(client, committee_id, [START, RESOLVE])
        assert dispute["agreement_effective_on"] == "2023-03-10"
        # 30 days counted from the day after 2023-03-10 (民法典 Art. 201): Sun 2023-04-09,
        # a rest day, so Mon 04-10 (民诉法 Art. 85).
        assert dispute["judicial_confirmation_window_ends_on"] == "2023-04-10"
        assert dispute["judicial_confirmation_status"] is None

    async def test_a_written_agreement_signed_later_opens_the_window_then(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(
            client, committee_id, [START, resolve(effective_on="2023-03-15")]
        )
        assert dispute["agreement_effective_on"] == "2023-03-15"
        assert dispute["judicial_confirmation_window_ends_on"] == "2023-04-14"

    async def test_a_window_ending_in_a_holiday_moves_to_the_next_working_day(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        # 2023-09-01 + 30 = Sun 10-01, inside the National Day holiday (09-29 to 10-06);
        # the next working day is Sat 10-07, an official make-up working day (民诉法 Art. 85).
        dispute = await at(
            client, committee_id, [START, resolve(effective_on="2023-09-01")]
        )
        assert dispute["judicial_confirmation_window_ends_on"] == "2023-10-07"

    @pytest.mark.parametrize(
        ("agreement", "code"),
        [
            (
                {"form": "oral", "effective_on": "2023-03-12"},
                "oral_agreement_effective_when_reached",
            ),
            ({"effective_on": "2023-03-09"}, "too_early"),
        ],
    )
    async def test_an_effective_date_the_law_does_not_allow_is_refused(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        agreement: dict[str, Any],
        code: str,
    ) -> None:
        dispute = await at(client, committee_id, [START])
        response = await command(client, dispute["id"], resolve(**agreement))
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == ("agreement.effective_on", code)

    async def test_an_oral_agreement_takes_effect_on_the_day_reached(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(
            client,
            committee_id,
            [START, resolve(form="oral", effective_on="2023-03-10")],
        )
        assert dispute["agreement_form"] == "oral"
        assert dispute["judicial_confirmation_window_ends_on"] == "2023-04-10"


class TestFollowUp:
    async def test_follow_ups_record_the_latest_visit_and_keep_each_in_the_history(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(
            client,
            committee_id,
            [
                START,
                RESOLVE,
                {**FOLLOW_UP, "occurred_on": "2023-04-12", "performed": False},
            ],
        )
        assert dispute["followed_up_on"] == "2023-04-12"
        assert dispute["agreement_performed"] is False
        later = {**FOLLOW_UP, "occurred_on": "2023-05-02", "note": "已付清"}
        dispute = (await command(client, dispute["id"], later)).json()
        assert dispute["followed_up_on"] == "2023-05-02"
        assert dispute["agreement_performed"] is True
        assert dispute["status"] == "resolved"
        events = (await client.get(f"/api/v1/disputes/{dispute['id']}/events")).json()
        assert [e["data"] for e in events["items"] if e["type"] == "follow_up"] == [
            {"performed": False},
            {"performed": True},
        ]

    @pytest.mark.parametrize(
        "steps",
        [[], [START], [START, FAIL]],
        ids=["registered", "mediating", "failed"],
    )
    async def test_follow_up_without_an_agreement_answers_409(
        self, client: httpx.AsyncClient, committee_id: str, steps: list[dict[str, Any]]
    ) -> None:
        dispute = await at(client, committee_id, steps)
        response = await command(client, dispute["id"], FOLLOW_UP)
        assert response.status_code == 409, response.text
        assert response.json()["type"] == TRANSITION
        assert response.json()["current_status"] == dispute["status"]

    async def test_a_follow_up_before_the_agreement_or_the_last_visit_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(client, committee_id, [START, RESOLVE])
        early = {**FOLLOW_UP, "occurred_on": "2023-03-09"}
        assert (await command(client, dispute["id"], early)).status_code == 422
        await command(client, dispute["id"], FOLLOW_UP)
        before_last = {**FOLLOW_UP, "occurred_on": "2023-04-11"}
        response = await command(client, dispute["id"], before_last)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"


class TestJudicialConfirmation:
    async def test_applied_then_confirmed(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        applied = await at(client, committee_id, [START, RESOLVE, APPLY])
        assert applied["judicial_confirmation_status"] == "applied"
        assert applied["judicial_confirmation_applied_on"] == "2023-03-20"
        assert applied["judicial_confirmation_court"] == "通城县人民法院"
        confirmed = (await command(client, applied["id"], CONFIRM)).json()
        assert confirmed["judicial_confirmation_status"] == "confirmed"
        assert confirmed["judicial_confirmation_decided_on"] == "2023-03-28"
        assert confirmed["status"] == "resolved"

    async def test_applied_then_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        refused = await at(client, committee_id, [START, RESOLVE, APPLY, REFUSE])
        assert refused["judicial_confirmation_status"] == "refused"
        assert refused["judicial_confirmation_refusal_reason"] == "协议内容不明确"

    async def test_the_last_day_of_the_window_is_in_it(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        last_day = {**APPLY, "occurred_on": "2023-04-10"}
        dispute = await at(client, committee_id, [START, RESOLVE, last_day])
        assert dispute["judicial_confirmation_status"] == "applied"

    async def test_an_application_after_the_window_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(client, committee_id, [START, RESOLVE])
        late = {**APPLY, "occurred_on": "2023-04-11"}
        response = await command(client, dispute["id"], late)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["type"] == "urn:fazhi:problem:judicial-confirmation-window-closed"
        assert "closed on 2023-04-10" in body["detail"]
        assert body["errors"][0] == {
            "field": "occurred_on",
            "location": "body",
            "message": body["detail"],
            "code": "after_window",
        }
        again = (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()
        assert again["judicial_confirmation_status"] is None

    async def test_an_application_before_the_agreement_took_effect_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(
            client, committee_id, [START, resolve(effective_on="2023-03-15")]
        )
        early = {**APPLY, "occurred_on": "2023-03-14"}
        response = await command(client, dispute["id"], early)
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "too_early"

    @pytest.mark.parametrize(
        ("steps", "refused"),
        [
            ([], APPLY),
            ([START], APPLY),
            ([START, FAIL], APPLY),
            ([START, RESOLVE, APPLY], APPLY),
            ([START, RESOLVE, APPLY, CONFIRM], APPLY),
            ([START, RESOLVE, APPLY, REFUSE], APPLY),
            ([START, RESOLVE], CONFIRM),
            ([START, RESOLVE], REFUSE),
            ([START, RESOLVE, APPLY, CONFIRM], REFUSE),
            ([START, RESOLVE, APPLY, REFUSE], CONFIRM),
            ([START, FAIL], CONFIRM),
            ([START], REFUSE),
        ],
    )
    async def test_forbidden_confirmation_steps_answer_409(
        self,
        client: httpx.AsyncClient,
        committee_id: str,
        steps: list[dict[str, Any]],
        refused: dict[str, Any],
    ) -> None:
        dispute = await at(client, committee_id, steps)
        before = (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()
        response = await command(client, dispute["id"], refused)
        assert response.status_code == 409, response.text
        body = response.json()
        assert body["type"] == TRANSITION
        assert body["current_status"] == before["status"]
        assert (
            body.get("judicial_confirmation_status")
            == (before["judicial_confirmation_status"])
        )
        assert (await client.get(f"/api/v1/disputes/{dispute['id']}")).json() == before

    async def test_a_decision_before_the_application_is_refused(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(client, committee_id, [START, RESOLVE, APPLY])
        response = await command(
            client, dispute["id"], {**CONFIRM, "occurred_on": "2023-03-19"}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_on"


class TestDeadlinesOnTheDispute:
    async def test_an_open_dispute_within_its_time_limit(
        self, client: httpx.AsyncClient, committee_id: str, on_day: Any
    ) -> None:
        on_day("2023-03-25")
        dispute = await at(client, committee_id, [START])
        assert dispute["deadlines"] == [
            {
                "kind": "time_limit",
                "due_on": "2023-03-31",
                "done_on": None,
                "overdue": False,
                "days_left": 6,
            }
        ]

    async def test_an_open_dispute_past_its_time_limit_is_overdue(
        self, client: httpx.AsyncClient, committee_id: str, on_day: Any
    ) -> None:
        on_day("2023-04-03")
        dispute = await at(client, committee_id, [START])
        assert deadline(dispute, "time_limit") == {
            "kind": "time_limit",
            "due_on": "2023-03-31",
            "done_on": None,
            "overdue": True,
            "days_left": -3,
        }

    async def test_the_time_limit_is_configurable(
        self,
        client_with: Any,
        committee_id: str,
        on_day: Any,
    ) -> None:
        on_day("2023-03-25")
        async with client_with(dispute_time_limit_days=15) as client:
            dispute = await register(client, committee_id)
        assert dispute["time_limit_due_on"] == "2023-03-16"
        assert deadline(dispute, "time_limit") == {
            "kind": "time_limit",
            "due_on": "2023-03-16",
            "done_on": None,
            "overdue": True,
            "days_left": -9,
        }

    async def test_a_resolved_dispute_shows_its_window_and_performance_date(
        self, client: httpx.AsyncClient, committee_id: str, on_day: Any
    ) -> None:
        on_day("2023-04-01")
        dispute = await at(client, committee_id, [START, RESOLVE])
        assert dispute["deadlines"] == [
            {
                "kind": "time_limit",
                "due_on": "2023-03-31",
                "done_on": "2023-03-10",
                "overdue": False,
                "days_left": None,
            },
            {
                "kind": "judicial_confirmation",
                "due_on": "2023-04-10",
                "done_on": None,
                "overdue": False,
                "days_left": 9,
            },
            {
                "kind": "performance",
                "due_on": "2023-04-10",
                "done_on": None,
                "overdue": False,
                "days_left": 9,
            },
        ]
        on_day("2023-04-20")
        dispute = (await client.get(f"/api/v1/disputes/{dispute['id']}")).json()
        assert deadline(dispute, "judicial_confirmation") == {
            "kind": "judicial_confirmation",
            "due_on": "2023-04-10",
            "done_on": None,
            "overdue": True,
            "days_left": -10,
        }
        assert deadline(dispute, "performance")["overdue"] is True  # type: ignore[index]
        done = await command(client, dispute["id"], FOLLOW_UP)
        assert deadline(done.json(), "performance") == {
            "kind": "performance",
            "due_on": "2023-04-10",
            "done_on": "2023-04-12",
            "overdue": False,
            "days_left": None,
        }

    async def test_an_application_meets_the_confirmation_window(
        self, client: httpx.AsyncClient, committee_id: str, on_day: Any
    ) -> None:
        on_day("2023-05-01")
        dispute = await at(client, committee_id, [START, RESOLVE, APPLY])
        assert deadline(dispute, "judicial_confirmation") == {
            "kind": "judicial_confirmation",
            "due_on": "2023-04-10",
            "done_on": "2023-03-20",
            "overdue": False,
            "days_left": None,
        }

    async def test_no_performance_deadline_without_a_due_date(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        dispute = await at(
            client, committee_id, [START, resolve(performance_due_on=None)]
        )
        assert [d["kind"] for d in dispute["deadlines"]] == [
            "time_limit",
            "judicial_confirmation",
        ]


class TestDueList:
    """Registered 2023-03-01 (time limit 2023-03-31) unless said otherwise; resolved
    2023-03-10 (window to Mon 2023-04-10: day 30 is Sunday 04-09; performance due
    2023-04-10)."""

    async def due(
        self, client: httpx.AsyncClient, **params: str
    ) -> dict[str, list[tuple[str, str, bool, int | None]]]:
        response = await client.get("/api/v1/disputes/due", params=params)
        assert response.status_code == 200, response.text
        return {
            item["id"]: [
                (d["kind"], d["due_on"], d["overdue"], d["days_left"])
                for d in item["deadlines"]
            ]
            for item in response.json()["items"]
        }

    async def test_what_is_due_on_fixed_dates(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        open_ = await at(client, committee_id, [START])
        later = await register(client, committee_id, registered_on="2023-03-20")
        resolved = await at(client, committee_id, [START, RESOLVE])
        applied = await at(client, committee_id, [START, RESOLVE, APPLY])
        performed = await at(
            client,
            committee_id,
            [START, RESOLVE, {**FOLLOW_UP, "occurred_on": "2023-03-20"}],
        )
        failed = await at(client, committee_id, [START, FAIL])

        # On 2023-03-28, the next week (before 2023-04-04): both time limits of March-1
        # disputes still open; nothing of the resolved ones yet.
        assert await self.due(client, as_of="2023-03-28") == {
            open_["id"]: [("time_limit", "2023-03-31", False, 3)],
        }
        # Up to 2023-04-12: the open dispute, the window of the unapplied agreement (the
        # applied one is done, the performed one's performance is done), the performance
        # of the two agreements not found performed.
        assert await self.due(client, as_of="2023-04-01", due_before="2023-04-12") == {
            open_["id"]: [("time_limit", "2023-03-31", True, -1)],
            resolved["id"]: [
                ("judicial_confirmation", "2023-04-10", False, 9),
                ("performance", "2023-04-10", False, 9),
            ],
            applied["id"]: [("performance", "2023-04-10", False, 9)],
            performed["id"]: [("judicial_confirmation", "2023-04-10", False, 9)],
        }
        # Once the window has closed it is no longer listed; overdue time limits and
        # performance are, and the later dispute's limit (2023-04-19) comes due.
        assert await self.due(client, as_of="2023-04-15") == {
            open_["id"]: [("time_limit", "2023-03-31", True, -15)],
            later["id"]: [("time_limit", "2023-04-19", False, 4)],
            resolved["id"]: [("performance", "2023-04-10", True, -5)],
            applied["id"]: [("performance", "2023-04-10", True, -5)],
        }
        assert failed["id"] not in await self.due(client, as_of="2023-06-01")

    async def test_due_before_is_inclusive_and_kind_narrows_the_list(
        self, client: httpx.AsyncClient, committee_id: str
    ) -> None:
        open_ = await at(client, committee_id, [START])
        resolved = await at(client, committee_id, [START, RESOLVE])
        assert await self.due(client, as_of="2023-03-25", due_before="2023-03-30") == {}
        assert await self.due(client, as_of="2023-03-25", due_before="2023-03-31") == {
            open_["id"]: [("time_limit", "2023-03-31", False, 6)]
        }
        assert await self.due(
            client, as_of="2023-04-01", due_before="2023-05-01", kind="performance"
        ) == {resolved["id"]: [("performance", "2023-04-10", False, 9)]}
        assert await self.due(
            client,
            as_of="2023-04-01",
            due_before="2023-05-01",
            kind="judicial_confirmation",
        ) == {resolved["id"]: [("judicial_confirmation", "2023-04-10", False, 9)]}

    async def test_items_carry_the_watch_list_flag_and_filters_apply(
        self, client: httpx.AsyncClient, committee_id: str, session: AsyncSession
    ) -> None:
        other = await make_committee(session, township_code="421222101")
        flagged = await at(client, committee_id, [FLAG])
        elsewhere = await register(client, str(other.id))
        response = await client.get(
            "/api/v1/disputes/due", params={"as_of": "2023-03-28"}
        )
        items = {i["id"]: i for i in response.json()["items"]}
        assert set(items) == {flagged["id"], elsewhere["id"]}
        assert items[flagged["id"]]["on_watch_list"] is True
        assert items[elsewhere["id"]]["on_watch_list"] is False
        assert items[flagged["id"]]["case_number"] == flagged["case_number"]
        assert set(
            await self.due(client, as_of="2023-03-28", township_code="421222101")
        ) == {elsewhere["id"]}
        assert set(
            await self.due(client, as_of="2023-03-28", committee_id=committee_id)
        ) == {flagged["id"]}

    async def test_bad_parameters_answer_problems(
        self, client: httpx.AsyncClient
    ) -> None:
        for params in (
            {"due_before": "soon"},
            {"due_before": "0"},
            {"as_of": "20230301"},
            {"kind": "archive"},
            {"when": "x"},
        ):
            response = await client.get("/api/v1/disputes/due", params=params)
            assert response.status_code in (400, 422), (params, response.text)
            assert response.headers["content-type"] == "application/problem+json"
