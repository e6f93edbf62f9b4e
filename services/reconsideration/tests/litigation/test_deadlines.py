"""The defendant's clocks in a lawsuit on fixed dates: the answer (15 days from the complaint,
行政诉讼法 第67条) and the appeal window (15 days from a judgment, 10 from a ruling, 第85条),
calendar days whose last day moves off rest days, on the same calendar as the
reconsideration clocks.

Counted by hand on the State Council's notices: 2024 National Day off 10-01 to 10-07;
2025 Spring Festival off Tue 01-28 to Tue 02-04, with Sun 01-26 and Sat 02-08 make-up
working days.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared import working_days
from shared.testing import TokenIssuer
from tests.deadlines.test_router import load
from tests.litigation.test_router import case_body, conclude, file

CASES = "/api/v1/litigation-cases"


def clock(case: dict[str, Any], name: str) -> tuple[Any, ...]:
    """(starts_on, due_on, state, met_on, late) of one clock."""
    (d,) = [d for d in case["deadlines"] if d["clock"] == name]
    return d["starts_on"], d["due_on"], d["state"], d["met_on"], d["late"]


async def command(
    client: httpx.AsyncClient, case: dict[str, Any], body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"{CASES}/{case['id']}/events", json=body)


async def ok(
    client: httpx.AsyncClient, case: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    response = await command(client, case, body)
    assert response.status_code == 200, response.text
    return response.json()


async def refused(
    client: httpx.AsyncClient, case: dict[str, Any], body: dict[str, Any]
) -> None:
    before = (await client.get(f"{CASES}/{case['id']}")).json()
    response = await command(client, case, body)
    assert response.status_code == 409, response.text
    assert response.json()["type"] == (
        "urn:fazhi:problem:litigation-transition-not-allowed"
    )
    assert (await client.get(f"{CASES}/{case['id']}")).json() == before


def answer(on: str, evidence: bool = True) -> dict[str, Any]:
    return {"type": "submit_answer", "occurred_on": on, "evidence_submitted": evidence}


def appeal(on: str, appealed: bool = True) -> dict[str, Any]:
    return {"type": "decide_appeal", "occurred_on": on, "appealed": appealed}


async def listed(client: httpx.AsyncClient, due_before: str) -> set[str]:
    response = await client.get(CASES, params={"due_before": due_before})
    assert response.status_code == 200, response.text
    return {c["id"] for c in response.json()["items"]}


class TestAnswer:
    async def test_fifteen_days_ending_in_a_holiday_move_to_the_next_working_day(
        self, client: httpx.AsyncClient
    ) -> None:
        # Fri 2024-09-20 + 15 = Sat 10-05, inside the National Day holiday: Tue 10-08.
        case = await file(client, filed_on="2024-09-20")
        assert [d["clock"] for d in case["deadlines"]] == ["answer"]
        assert clock(case, "answer") == (
            "2024-09-20",
            "2024-10-08",
            "open",
            None,
            False,
        )
        assert case["deadlines"][0]["article"] == "行政诉讼法 第67条第1款"
        assert case["id"] in await listed(client, "2024-10-08")
        assert case["id"] not in await listed(client, "2024-10-07")
        answered = await ok(client, case, answer("2024-10-09", evidence=False))
        assert (answered["answered_on"], answered["answer_evidence_submitted"]) == (
            "2024-10-09",
            False,
        )
        assert clock(answered, "answer") == (
            "2024-09-20",
            "2024-10-08",
            "met",
            "2024-10-09",
            True,
        )
        assert case["id"] not in await listed(client, "2024-12-31")
        await refused(client, answered, answer("2024-10-10"))

    async def test_no_answer_before_the_complaint_or_after_conclusion(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await file(client, filed_on="2024-09-20")
        early = await command(client, case, answer("2024-09-19"))
        assert early.status_code == 422
        assert early.json()["errors"][0]["field"] == "occurred_on"
        concluded = await ok(client, case, conclude("2024-11-20", "withdrawn"))
        assert clock(concluded, "answer")[2] == "ended"
        await refused(client, concluded, answer("2024-11-21"))


class TestAppealWindow:
    async def test_judgment_fifteen_days_over_the_spring_festival(
        self, client: httpx.AsyncClient
    ) -> None:
        # Mon 2025-01-20 + 15 = Tue 02-04, the last day of the holiday: Wed 02-05.
        case = await file(client, filed_on="2024-11-04")
        body = {**conclude("2025-01-17", "lost"), "judgment_kind": "judgment"}
        concluded = await ok(client, case, {**body, "served_on": "2025-01-20"})
        assert (concluded["judgment_kind"], concluded["judgment_served_on"]) == (
            "judgment",
            "2025-01-20",
        )
        assert clock(concluded, "appeal") == (
            "2025-01-20",
            "2025-02-05",
            "open",
            None,
            False,
        )
        assert case["id"] in await listed(client, "2025-02-05")
        await refused(client, concluded, appeal("2025-02-06"))
        appealed = await ok(client, concluded, appeal("2025-02-05"))
        assert clock(appealed, "appeal")[2:] == ("met", "2025-02-05", False)
        assert appealed["appealed"] is True
        await refused(client, appealed, appeal("2025-02-05", appealed=False))

    async def test_ruling_ten_days_ending_on_a_makeup_sunday(
        self, client: httpx.AsyncClient
    ) -> None:
        # Thu 2025-01-16 + 10 = Sun 01-26, a make-up working day: it stays.
        case = await file(client, filed_on="2024-11-04")
        concluded = await ok(
            client,
            case,
            {**conclude("2025-01-16", "won"), "judgment_kind": "ruling"},
        )
        assert clock(concluded, "appeal")[:3] == ("2025-01-16", "2025-01-26", "open")
        waived = await ok(client, concluded, appeal("2025-01-20", appealed=False))
        assert clock(waived, "appeal")[2:4] == ("ended", None)
        assert case["id"] not in await listed(client, "2025-12-31")

    async def test_no_window_without_a_first_instance_judgment(
        self, client: httpx.AsyncClient
    ) -> None:
        withdrawn = await ok(
            client,
            await file(client, filed_on="2024-11-04"),
            conclude("2025-01-16", "withdrawn"),
        )
        assert [d["clock"] for d in withdrawn["deadlines"]] == ["answer"]
        await refused(client, withdrawn, appeal("2025-01-20"))
        pending = await file(
            client, filed_on="2024-11-04", case_number="(2024)鄂1222行初3号"
        )
        await refused(client, pending, appeal("2025-01-20"))

    @pytest.mark.parametrize(
        ("stage", "extra", "field"),
        [
            ("second_instance", {"judgment_kind": "judgment"}, "judgment_kind"),
            ("first_instance", {"served_on": "2025-01-20"}, "served_on"),
            (
                "first_instance",
                {"judgment_kind": "judgment", "served_on": "2025-01-15"},
                "served_on",
            ),
        ],
    )
    async def test_inconsistent_judgment_names_the_field(
        self,
        client: httpx.AsyncClient,
        stage: str,
        extra: dict[str, Any],
        field: str,
    ) -> None:
        case = await file(client, filed_on="2024-11-04", stage=stage)
        response = await command(
            client, case, {**conclude("2025-01-16", "lost"), **extra}
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field


@pytest.fixture
def no_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package without 2026 (and later)."""
    years = tuple(y for y in working_days.package_years() if y.year < 2026)
    monkeypatch.setattr(working_days, "package_years", lambda: years)


#: A made-up 2026 (not the State Council's notice): only New Year's Day off.
YEAR_2026 = {"holidays": ["2026-01-01"], "notice": "测试数据"}


@pytest.mark.usefixtures("no_2026")
async def test_a_year_nobody_loaded_then_loaded(
    client: httpx.AsyncClient, token_issuer: TokenIssuer
) -> None:
    # Fri 2026-11-13 + 15 = Sat 11-28: needs 2026, then moves to Mon 11-30.
    response = await client.post(CASES, json=case_body(filed_on="2026-11-13"))
    assert response.status_code == 201, response.text
    case = response.json()
    (answer_clock,) = case["deadlines"]
    assert (
        answer_clock["state"],
        answer_clock["due_on"],
        answer_clock["unknown_year"],
    ) == ("calendar_unknown", None, 2026)
    assert case["id"] in await listed(client, "2026-11-01")
    loaded = await load(client, 2026, YEAR_2026, token_issuer)
    assert loaded.status_code == 201, loaded.text
    (answer_clock,) = (await client.get(f"{CASES}/{case['id']}")).json()["deadlines"]
    assert (
        answer_clock["state"],
        answer_clock["due_on"],
        answer_clock["unknown_year"],
    ) == ("open", "2026-11-30", None)


async def test_no_future_complaint_or_hearing(client: httpx.AsyncClient) -> None:
    response = await client.post(CASES, json=case_body(filed_on="2099-01-01"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "filed_on"
    case = await file(client, filed_on="2024-09-20")
    hearing = await client.post(
        f"{CASES}/{case['id']}/hearings",
        json={"held_on": "2099-01-01", "head_appeared": False},
    )
    assert hearing.status_code == 422
    assert hearing.json()["errors"][0]["field"] == "held_on"
