"""通城县 2023 sample for the reconsideration service (行政复议 + 行政应诉).

Reproduces (domain.md §7): 62 applications received, 11 not accepted, 50 concluded
(51 accepted, one still in progress at year end); 11 agency points, one per township,
set up in 2023; 10 collective discussions; 23 lawsuits with the county government as a
party, 17 concluded and 6 pending; every case heard in 2023 had an agency head appear
(100%). A few opinion letters, and a smaller 2022 history (three lawsuits of which are
carried over into 2023) make sure the report counts the year asked for and nothing else.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from gateway.sample.common import REGION_CODE, TOWNSHIPS, Api, date_in, person_name

COUNTY_GOVERNMENT = "通城县人民政府"

APPLICATIONS_2023 = 62
NOT_ACCEPTED_2023 = 11
CONCLUDED_2023 = 50
AGENCY_POINTS_ESTABLISHED = dt.date(2023, 3, 1)
COLLECTIVE_DISCUSSIONS_2023 = 10
LITIGATION_CARRIED_OVER = 3  # filed in 2022, concluded in 2023
LITIGATION_FILED_2023 = 20
LITIGATION_CONCLUDED_2023 = 17
LITIGATION_PENDING_2023 = 6

#: How the 50 applications concluded in 2023 ended (a plausible county mix, not figures of the report).
DECISIONS_2023 = Counter(
    uphold=22,
    revoke=5,
    confirm_illegal=4,
    vary=1,
    order_performance=2,
    dismiss_claim=4,
    dismiss_application=2,
)
TERMINATIONS_2023 = Counter(withdrawal=4, settlement=3)
MEDIATED_2023 = 3

DECISIONS_2022 = Counter(uphold=5, revoke=2, dismiss_claim=2)
TERMINATIONS_2022 = Counter(withdrawal=2)
NOT_ACCEPTED_2022 = 3
ABANDONED_2022 = 1

LITIGATION_OUTCOMES_2023 = Counter(won=11, lost=1, withdrawn=3, mediated=1, other=1)

RESPONDENTS = {
    "通城县公安局": 14,
    "通城县自然资源和规划局": 12,
    "通城县市场监督管理局": 10,
    "通城县人力资源和社会保障局": 6,
    "通城县住房和城乡建设局": 6,
    "通城县城市管理执法局": 8,
    "通城县交通运输局": 4,
    "通城县农业农村局": 3,
    "隽水镇人民政府": 4,
}
MATTER_TYPES = {
    "penalty": 35,
    "complaint_handling": 25,
    "information_disclosure": 10,
    "licensing": 8,
    "compulsory_measure": 7,
    "inaction": 8,
    "other": 7,
}
RECEIPT_CHANNELS = {
    "in_person": 40,
    "post": 15,
    "online": 25,
    "oral_record": 5,
    "forwarded_by_agency": 15,
}
NOT_ACCEPT_REASONS = (
    ("超过法定申请期限", None),
    ("不属于行政复议范围，属于信访事项", None),
    ("申请人与被申请行政行为无利害关系", None),
    ("被申请人为垂直管理部门，本机关无管辖权", "国家税务总局咸宁市税务局"),
    ("已就同一行政行为提起行政诉讼", None),
)
CORRECTION_ITEMS = (
    "申请人身份证明复印件",
    "被申请行政行为的决定书",
    "明确的复议请求",
    "申请人签名",
)
SUSPENSION_GROUNDS = (
    "depends_on_other_case",
    "legal_interpretation_pending",
    "force_majeure",
)
COMPANY_WORDS = (
    ("兴旺", "鑫源", "宏达", "康泰", "顺发", "隽丰"),
    ("商贸", "建材", "农业开发", "物流", "茶业"),
)
LITIGATION_CAUSES = (
    "土地征收补偿安置",
    "房屋征收决定",
    "政府信息公开",
    "行政复议决定",
    "不履行法定职责",
    "行政协议",
    "工伤认定",
    "行政处罚",
)
CO_DEFENDANTS = (
    "通城县自然资源和规划局",
    "通城县人力资源和社会保障局",
    "通城县住房和城乡建设局",
    "通城县公安局",
)
OPINION_LETTERS = (
    # agency, subject, issued_on, received_on, replied_on
    (
        "通城县市场监督管理局",
        "行政处罚案件告知程序不规范",
        "2022-10-12",
        "2022-10-14",
        "2022-12-02",
    ),
    (
        "通城县自然资源和规划局",
        "土地违法案件调查取证不充分",
        "2023-04-18",
        "2023-04-20",
        "2023-06-10",
    ),
    (
        "通城县城市管理执法局",
        "强制拆除前未依法催告",
        "2023-08-09",
        "2023-08-11",
        "2023-09-28",
    ),
    (
        "通城县人力资源和社会保障局",
        "工伤认定超期作出",
        "2023-11-21",
        "2023-11-23",
        None,
    ),
)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _outcomes(*counters: Counter[str], kind: str) -> list[tuple[str, str]]:
    return [(kind, value) for counter in counters for value in counter.elements()]


def _step(type_: str, on: dt.date, **fields: Any) -> dict[str, Any]:
    return {"type": type_, "occurred_on": on.isoformat(), **fields}


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _application_plan(
    rng: random.Random,
    outcome: tuple[str, str],
    *,
    year: int,
    points: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """One application: its body, its lifecycle steps and the date it was concluded (if it was).

    Every step of a 2023 plan falls in 2023 except where the outcome is ``pending``.
    """
    kind, detail = outcome
    year_end = dt.date(year, 12, 31)
    pending = kind == "pending"
    if pending:
        received = dt.date(year, 12, 5)
    else:
        last = (
            dt.date(year, 12, 10)
            if kind in ("not_accept", "abandon")
            else dt.date(year, 10, 15)
        )
        received = date_in(rng, year, first=dt.date(year, 1, 3), last=last)
    organisation = rng.random() < 0.15
    body: dict[str, Any] = {
        "region_code": REGION_CODE,
        "received_on": received.isoformat(),
        "applicant_name": (
            f"通城县{rng.choice(COMPANY_WORDS[0])}{rng.choice(COMPANY_WORDS[1])}有限公司"
            if organisation
            else person_name(rng)
        ),
        "applicant_kind": "organisation" if organisation else "person",
        "respondent": _pick(rng, RESPONDENTS),
        "matter_type": _pick(rng, MATTER_TYPES),
    }
    # Agency points opened in March 2023; applications reach the office one to three days after.
    if year == 2023 and received >= dt.date(2023, 4, 1) and rng.random() < 0.35:
        township = rng.choice(list(points))
        body |= {
            "receipt_channel": "agency_point",
            "agency_point_id": points[township]["id"],
            "agency_point_received_on": (received - _days(rng, 1, 3)).isoformat(),
        }
    else:
        body["receipt_channel"] = _pick(rng, RECEIPT_CHANNELS)
        if body["receipt_channel"] == "forwarded_by_agency":
            # Handed to the penalising agency, which forwarded it two days later.
            body |= {
                "forwarding_agency": body["respondent"],
                "forwarding_agency_received_on": (
                    received - dt.timedelta(days=2)
                ).isoformat(),
            }
        if rng.random() < 0.8:
            body["township_code"] = rng.choice(list(TOWNSHIPS))

    steps = [_step("start_review", received)]
    on = received
    if kind == "abandon" or (not pending and rng.random() < 0.12):
        on += _days(rng, 1, 3)
        missing = rng.sample(CORRECTION_ITEMS, rng.randint(1, 2))
        steps.append(_step("request_correction", on, items=missing))
        on += _days(rng, 3, 9)
        if kind == "abandon":
            steps.append(_step("deem_abandoned", on))
            return {"body": body, "steps": steps, "concluded": None, "kind": kind}
        steps.append(_step("record_correction", on))
    if kind == "not_accept":
        reason, organ = rng.choice(NOT_ACCEPT_REASONS)
        on += _days(rng, 1, 4)
        fields: dict[str, Any] = {"reason": reason}
        if organ:
            fields["competent_organ"] = organ
        steps.append(_step("not_accept", on, **fields))
        return {"body": body, "steps": steps, "concluded": None, "kind": kind}

    if not pending and rng.random() < 0.06:
        on += dt.timedelta(
            days=7
        )  # five working days passed without a decision on acceptance
        steps.append(_step("deem_accepted", on))
    else:
        on += _days(rng, 1, 3)
        procedure = "simplified" if rng.random() < 0.25 else "ordinary"
        steps.append(_step("accept", on, procedure=procedure))
    on += _days(rng, 1, 4)
    steps.append(_step("copy_to_respondent", on))
    if pending:
        return {"body": body, "steps": steps, "concluded": None, "kind": kind}

    settling = kind == "terminate" and detail == "settlement" and rng.random() < 0.5
    if settling or (
        kind == "decide" and received < dt.date(year, 8, 1) and rng.random() < 0.06
    ):
        on += _days(rng, 5, 12)
        ground = (
            "mediation_or_settlement" if settling else rng.choice(SUSPENSION_GROUNDS)
        )
        steps.append(_step("suspend", on, ground=ground))
        if not settling:
            on += _days(rng, 10, 25)
            steps.append(_step("resume", on))
    concluded = max(on, min(on + _days(rng, 15, 50), year_end - dt.timedelta(days=3)))
    if kind == "decide":
        fields = {"decision_type": detail}
        if detail == "revoke":
            fields["redo_ordered"] = rng.random() < 0.5
        if detail == "order_performance":
            fields["performance_deadline"] = (
                concluded + dt.timedelta(days=30)
            ).isoformat()
        steps.append(_step("decide", concluded, **fields))
    elif kind == "terminate":
        steps.append(_step("terminate", concluded, ground=detail))
    else:
        steps.append(_step("record_mediation_statement", concluded))
    return {"body": body, "steps": steps, "concluded": concluded, "kind": kind}


def _litigation_plan(
    rng: random.Random,
    *,
    filed: dt.date,
    outcome: str | None,
    party: bool = True,
    hearing_window: tuple[dt.date, dt.date] | None = None,
    conclude_by: dt.date | None = None,
    conclude_from: dt.date | None = None,
    head_always: bool = True,
) -> dict[str, Any]:
    """A lawsuit, its hearings (held_on, head appeared) and its conclusion (if ``outcome``)
    between ``conclude_from`` and ``conclude_by``. The case number is given later (see
    :func:`_number_cases`).

    With ``head_always`` the last hearing always has a head appearing, so every case heard
    has a head at one of its hearings.
    """
    year = filed.year
    stage = rng.choices(["first_instance", "second_instance", "retrial"], [75, 20, 5])[
        0
    ]
    # Suits against a county government start at the intermediate court (行政诉讼法 Art. 15).
    if stage == "first_instance":
        court, case_number = "咸宁市中级人民法院", f"({year})鄂12行初"
    elif stage == "second_instance":
        court, case_number = "湖北省高级人民法院", f"({year})鄂行终"
    else:
        court, case_number = "湖北省高级人民法院", f"({year})鄂行申"
    defendant = (
        COUNTY_GOVERNMENT if party and rng.random() < 0.6 else rng.choice(CO_DEFENDANTS)
    )
    body = {
        "region_code": REGION_CODE,
        "case_number": case_number,
        "court": court,
        "defendant_agency": defendant,
        "county_government_party": party,
        "cause": rng.choice(LITIGATION_CAUSES),
        "stage": stage,
        "filed_on": filed.isoformat(),
    }
    hearings: list[dict[str, Any]] = []
    if hearing_window is not None and outcome != "withdrawn":
        first, last = hearing_window
        count = rng.choice((1, 1, 2))
        days = sorted(
            first + dt.timedelta(days=rng.randrange((last - first).days + 1))
            for _ in range(count)
        )
        for i, held_on in enumerate(days):
            appeared = (head_always and i == count - 1) or rng.random() < 0.5
            head_post = (
                ("县长", "副县长")
                if defendant == COUNTY_GOVERNMENT
                else ("局长", "副局长")
            )
            hearing: dict[str, Any] = {
                "held_on": held_on.isoformat(),
                "head_appeared": appeared,
            }
            if appeared:
                hearing |= {
                    "head_name": person_name(rng),
                    "head_post": rng.choice(head_post),
                }
            hearings.append(hearing)
    concluded = None
    if outcome is not None:
        assert conclude_by is not None
        after = max(
            [
                filed,
                conclude_from or filed,
                *(dt.date.fromisoformat(h["held_on"]) for h in hearings),
            ]
        )
        concluded = max(after, min(after + _days(rng, 10, 45), conclude_by))
    return {
        "body": body,
        "hearings": hearings,
        "outcome": outcome,
        "concluded": concluded,
    }


def _number_cases(rng: random.Random, plans: list[dict[str, Any]]) -> None:
    """Complete each case number (its prefix names court and year) with a number unique in the
    sample: increasing with the filing date, with gaps for the courts' other cases."""
    last: Counter[str] = Counter()
    for plan in sorted(plans, key=lambda p: str(p["body"]["filed_on"])):
        prefix = plan["body"]["case_number"]
        last[prefix] += rng.randint(1, 9)
        plan["body"]["case_number"] = f"{prefix}{last[prefix]}号"


async def load(api: Api, *, rng: random.Random) -> dict[str, Any]:
    """Create the reconsideration and litigation records through ``api``; returns what it created, by kind."""
    points: dict[str, dict[str, Any]] = {}
    for i, (code, town) in enumerate(TOWNSHIPS.items()):
        points[code] = await api.post(
            "/agency-points",
            {
                "region_code": REGION_CODE,
                "township_code": code,
                "name": f"{town}行政复议代办点",
                "established_on": (
                    AGENCY_POINTS_ESTABLISHED + dt.timedelta(days=i)
                ).isoformat(),
            },
        )

    outcomes_2023 = [
        *_outcomes(DECISIONS_2023, kind="decide"),
        *_outcomes(TERMINATIONS_2023, kind="terminate"),
        *[("mediate", "")] * MEDIATED_2023,
        *[("not_accept", "")] * NOT_ACCEPTED_2023,
    ]
    rng.shuffle(outcomes_2023)
    outcomes_2023.append(("pending", ""))
    assert len(outcomes_2023) == APPLICATIONS_2023
    assert (
        sum(
            1 for kind, _ in outcomes_2023 if kind in ("decide", "terminate", "mediate")
        )
        == CONCLUDED_2023
    )
    outcomes_2022 = [
        *_outcomes(DECISIONS_2022, kind="decide"),
        *_outcomes(TERMINATIONS_2022, kind="terminate"),
        *[("not_accept", "")] * NOT_ACCEPTED_2022,
        *[("abandon", "")] * ABANDONED_2022,
    ]
    plans = [_application_plan(rng, o, year=2023, points=points) for o in outcomes_2023]
    plans += [
        _application_plan(rng, o, year=2022, points=points) for o in outcomes_2022
    ]

    async def run(plan: dict[str, Any]) -> str:
        application = await api.post("/applications", plan["body"])
        for step in plan["steps"]:
            await api.post(f"/applications/{application['id']}/events", step)
        return str(application["id"])

    ids = await api.each(plans, run)

    # Meetings decide the cases received by then and concluded in the following three
    # weeks (may be none).
    discussion_months = {2023: (1, 3, 4, 5, 6, 7, 8, 9, 11, 12), 2022: (3, 6, 9, 12)}
    discussions: list[dict[str, Any]] = []
    for year, months in discussion_months.items():
        for month in months:
            held_on = dt.date(year, month, rng.randint(8, 20))
            discussed = [
                application_id
                for application_id, plan in zip(ids, plans, strict=True)
                if plan["kind"] == "decide"
                and plan["concluded"] is not None
                and dt.date.fromisoformat(plan["body"]["received_on"]) <= held_on
                and held_on <= plan["concluded"] <= held_on + dt.timedelta(days=21)
            ]
            discussions.append(
                {
                    "region_code": REGION_CODE,
                    "held_on": held_on.isoformat(),
                    "chair": f"分管副县长{person_name(rng)}",
                    "application_ids": discussed,
                }
            )
    assert (
        sum(1 for d in discussions if d["held_on"].startswith("2023"))
        == COLLECTIVE_DISCUSSIONS_2023
    )
    for body in discussions:
        await api.post("/collective-discussions", body)

    for agency, subject, issued_on, received_on, replied_on in OPINION_LETTERS:
        letter = await api.post(
            "/opinion-letters",
            {
                "region_code": REGION_CODE,
                "agency": agency,
                "subject": subject,
                "issued_on": issued_on,
                "received_on": received_on,
            },
        )
        if replied_on:
            await api.post(
                f"/opinion-letters/{letter['id']}/events",
                {"type": "record_reply", "occurred_on": replied_on},
            )

    litigation = _litigation_plans(rng)
    _number_cases(rng, litigation)

    async def run_case(plan: dict[str, Any]) -> None:
        case = await api.post("/litigation-cases", plan["body"])
        for hearing in plan["hearings"]:
            await api.post(f"/litigation-cases/{case['id']}/hearings", hearing)
        if plan["outcome"] is not None:
            await api.post(
                f"/litigation-cases/{case['id']}/events",
                {
                    "type": "conclude",
                    "occurred_on": plan["concluded"].isoformat(),
                    "outcome": plan["outcome"],
                },
            )

    await api.each(litigation, run_case)
    return {
        "agency_points": len(points),
        "applications": len(plans),
        "collective_discussions": len(discussions),
        "opinion_letters": len(OPINION_LETTERS),
        "litigation_cases": len(litigation),
    }


def _litigation_plans(rng: random.Random) -> list[dict[str, Any]]:
    """23 cases handled in 2023 (3 carried over from 2022, 17 concluded, 6 pending) and 6 of 2022 only."""
    outcomes = list(LITIGATION_OUTCOMES_2023.elements())
    rng.shuffle(outcomes)
    assert len(outcomes) == LITIGATION_CONCLUDED_2023
    plans = []
    for i, outcome in enumerate(outcomes):
        if i < LITIGATION_CARRIED_OVER:
            filed = date_in(
                rng, 2022, first=dt.date(2022, 10, 1), last=dt.date(2022, 12, 10)
            )
            window = (dt.date(2023, 1, 5), dt.date(2023, 3, 31))
        else:
            filed = date_in(
                rng, 2023, first=dt.date(2023, 1, 5), last=dt.date(2023, 8, 31)
            )
            window = (filed + dt.timedelta(days=20), filed + dt.timedelta(days=80))
        plans.append(
            _litigation_plan(
                rng,
                filed=filed,
                outcome=outcome,
                hearing_window=window,
                conclude_from=dt.date(2023, 1, 5),
                conclude_by=dt.date(2023, 12, 20),
            )
        )
    for i in range(LITIGATION_PENDING_2023):
        filed = date_in(
            rng, 2023, first=dt.date(2023, 8, 15), last=dt.date(2023, 12, 15)
        )
        heard = i % 2 == 0 and filed <= dt.date(2023, 11, 15)
        pending_window: tuple[dt.date, dt.date] | None = None
        if heard:
            pending_window = (filed + dt.timedelta(days=20), dt.date(2023, 12, 28))
        plans.append(
            _litigation_plan(
                rng, filed=filed, outcome=None, hearing_window=pending_window
            )
        )
    assert len(plans) == LITIGATION_CARRIED_OVER + LITIGATION_FILED_2023
    for i in range(
        6
    ):  # 2022 only; two without the county government, some heads absent
        filed = date_in(rng, 2022, first=dt.date(2022, 1, 5), last=dt.date(2022, 6, 30))
        plans.append(
            _litigation_plan(
                rng,
                filed=filed,
                outcome=rng.choice(("won", "won", "lost", "withdrawn")),
                party=i >= 2,
                hearing_window=(
                    filed + dt.timedelta(days=20),
                    filed + dt.timedelta(days=90),
                ),
                conclude_by=dt.date(2022, 12, 20),
                head_always=i % 2 == 1,
            )
        )
    return plans
