from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.litigation.models import LitigationOutcome
from tests.factories import (
    accepted_steps,
    make_agency_point,
    make_application,
    make_discussion,
    make_litigation_case,
    make_opinion_letter,
    step,
)

KEYS = {
    "reconsideration.applications_received",
    "reconsideration.not_accepted",
    "reconsideration.accepted",
    "reconsideration.concluded",
    "reconsideration.pending",
    "reconsideration.corrected",
    "reconsideration.correction_rate",
    "reconsideration.correction_rate.over_concluded",
    "reconsideration.mediated_or_settled",
    "reconsideration.mediated_or_settled_rate",
    "reconsideration.agency_points",
    "reconsideration.collective_discussions",
    "reconsideration.opinion_letters_issued",
    "reconsideration.opinion_letters_replied_on_time",
    "litigation.cases",
    "litigation.cases.county_government_party",
    "litigation.concluded",
    "litigation.pending",
    "litigation.lost",
    "litigation.loss_rate",
    "litigation.head_appearance_rate",
    "litigation.head_appearance_rate.per_hearing",
}


async def statistics(
    client: httpx.AsyncClient, year: int, region_code: str = "421222"
) -> dict[str, Any]:
    response = await client.get(
        "/api/v1/statistics", params={"region_code": region_code, "year": year}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def d(month: int, day: int, year: int = 2023) -> dt.date:
    return dt.date(year, month, day)


def rate_of(figure: dict[str, Any]) -> tuple[int, int, str | None, str]:
    return (
        figure["numerator"],
        figure["denominator"],
        figure["value"],
        figure["display"],
    )


async def build_applications(session: AsyncSession) -> None:
    """Applications A1-A15 of the hand count below."""
    # A1-A4: received, accepted and decided in 2023 (A3 deemed accepted).
    await make_application(
        session,
        received_on=d(1, 5),
        steps=[
            *accepted_steps(d(1, 6)),
            step("decide", d(2, 20), decision_type="revoke", redo_ordered=True),
        ],
    )
    await make_application(
        session,
        received_on=d(2, 1),
        steps=[
            *accepted_steps(d(2, 2)),
            step("decide", d(3, 15), decision_type="uphold"),
        ],
    )
    await make_application(
        session,
        received_on=d(3, 1),
        steps=[
            *accepted_steps(d(3, 8), deemed=True),
            step("decide", d(4, 20), decision_type="confirm_illegal"),
        ],
    )
    await make_application(
        session,
        received_on=d(4, 1),
        matter_type="licensing",
        steps=[
            *accepted_steps(d(4, 3)),
            step("decide", d(5, 10), decision_type="dismiss_claim"),
        ],
    )
    # A5 settled, A6 withdrawn, A7 mediated.
    await make_application(
        session,
        received_on=d(5, 1),
        steps=[
            *accepted_steps(d(5, 2)),
            step("terminate", d(6, 1), ground="settlement"),
        ],
    )
    await make_application(
        session,
        received_on=d(5, 5),
        steps=[
            *accepted_steps(d(5, 6)),
            step("terminate", d(6, 2), ground="withdrawal"),
        ],
    )
    await make_application(
        session,
        received_on=d(6, 1),
        respondent="县公安局",
        steps=[*accepted_steps(d(6, 2)), step("record_mediation_statement", d(7, 1))],
    )
    # A8 not accepted in 2023.
    await make_application(
        session,
        received_on=d(7, 1),
        matter_type="information_disclosure",
        steps=[
            step("start_review", d(7, 1)),
            step("not_accept", d(7, 5), reason="超过申请期限"),
        ],
    )
    # A9 still in progress; A10 accepted in 2023, decided in 2024.
    await make_application(session, received_on=d(8, 1), steps=accepted_steps(d(8, 2)))
    await make_application(
        session,
        received_on=d(12, 20),
        steps=[
            *accepted_steps(d(12, 27)),
            step("decide", d(1, 15, 2024), decision_type="vary"),
        ],
    )
    # A11 carried over from 2022, decided in 2023.
    await make_application(
        session,
        received_on=d(12, 20, 2022),
        steps=[
            *accepted_steps(d(12, 28, 2022)),
            step(
                "decide",
                d(1, 20),
                decision_type="order_performance",
                performance_deadline="2023-03-20",
            ),
        ],
    )
    # A12 received in 2023, not accepted only in 2024; A13 deemed abandoned.
    await make_application(
        session,
        received_on=d(12, 28),
        steps=[
            step("start_review", d(12, 28)),
            step("not_accept", d(1, 3, 2024), reason="重复申请"),
        ],
    )
    await make_application(
        session,
        received_on=d(9, 1),
        steps=[
            step("start_review", d(9, 1)),
            step("request_correction", d(9, 2), items=["申请书"]),
            step("deem_abandoned", d(9, 20)),
        ],
    )
    # A14 another county; A15 received and not accepted in 2022.
    await make_application(
        session,
        region_code="421223",
        received_on=d(3, 1),
        steps=[
            *accepted_steps(d(3, 2)),
            step("decide", d(4, 1), decision_type="revoke"),
        ],
    )
    await make_application(
        session,
        received_on=d(11, 1, 2022),
        steps=[
            step("start_review", d(11, 1, 2022)),
            step("not_accept", d(11, 3, 2022), reason="不属于受理范围"),
        ],
    )


async def build_the_rest(session: AsyncSession) -> None:
    """Agency points P1-P7, meetings, letters L1-L6 and litigation cases C1-C9 of the hand count below."""
    await make_agency_point(session, established_on=d(3, 1))
    await make_agency_point(session, established_on=d(5, 1, 2022), closed_on=d(6, 30))
    await make_agency_point(
        session, established_on=d(1, 1, 2022), closed_on=d(1, 10, 2024)
    )
    await make_agency_point(session, established_on=d(12, 31))
    await make_agency_point(session, established_on=d(1, 1, 2024))
    await make_agency_point(session, region_code="421223", township_code="421223100")
    await make_agency_point(session, established_on=d(1, 1), closed_on=d(12, 31))

    for held_on in (d(1, 1), d(12, 31), d(12, 31, 2022), d(1, 1, 2024)):
        await make_discussion(session, held_on=held_on)
    await make_discussion(session, region_code="421223", held_on=d(6, 1))

    await make_opinion_letter(
        session, issued_on=d(2, 1), received_on=d(2, 3), replied_on=d(4, 4)
    )  # due 04-04
    await make_opinion_letter(
        session, issued_on=d(3, 1), replied_on=d(5, 1)
    )  # due 04-30: late
    await make_opinion_letter(
        session, issued_on=d(11, 20), received_on=d(11, 22), replied_on=d(1, 10, 2024)
    )
    await make_opinion_letter(session, issued_on=d(12, 1))
    await make_opinion_letter(session, issued_on=d(12, 1, 2022), replied_on=d(1, 10))
    await make_opinion_letter(
        session, region_code="421223", issued_on=d(6, 1), replied_on=d(6, 2)
    )

    lost, won, withdrawn = (
        LitigationOutcome.lost,
        LitigationOutcome.won,
        LitigationOutcome.withdrawn,
    )
    await make_litigation_case(
        session,
        filed_on=d(10, 1, 2022),
        hearings=[(d(11, 10, 2022), True)],
        concluded_on=d(2, 1),
        outcome=won,
    )
    await make_litigation_case(
        session, filed_on=d(6, 1, 2022), concluded_on=d(12, 1, 2022), outcome=lost
    )
    await make_litigation_case(
        session,
        filed_on=d(2, 1),
        hearings=[(d(3, 10), False), (d(4, 10), True)],
        concluded_on=d(5, 1),
        outcome=lost,
    )
    await make_litigation_case(
        session,
        filed_on=d(3, 1),
        hearings=[(d(5, 10), False)],
        concluded_on=d(6, 1),
        outcome=won,
    )
    await make_litigation_case(
        session,
        filed_on=d(6, 1),
        county_government_party=False,
        hearings=[(d(8, 1), True)],
    )
    await make_litigation_case(
        session,
        filed_on=d(11, 1),
        hearings=[(d(1, 5, 2024), True)],
        concluded_on=d(2, 1, 2024),
        outcome=won,
    )
    await make_litigation_case(session, filed_on=d(1, 2, 2024))
    await make_litigation_case(
        session, region_code="421223", filed_on=d(3, 1), hearings=[(d(4, 1), False)]
    )
    await make_litigation_case(
        session, filed_on=d(7, 1), concluded_on=d(8, 1), outcome=withdrawn
    )


class TestStatistics:
    async def test_figures_of_a_hand_built_year(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await build_applications(session)
        await build_the_rest(session)

        body = await statistics(client, 2023)
        assert (body["service"], body["region_code"], body["year"]) == (
            "reconsideration",
            "421222",
            2023,
        )
        assert body["period"] == {"start": "2023-01-01", "end": "2023-12-31"}
        figures = body["figures"]
        assert set(figures) == KEYS
        value = {k: f["value"] for k, f in figures.items() if f["kind"] == "count"}

        # Received in 2023 in 421222: A1-A10, A12, A13.
        assert value["reconsideration.applications_received"] == 12
        # A8 only (A12's decision falls in 2024, A15's in 2022).
        assert value["reconsideration.not_accepted"] == 1
        # A1-A7, A9, A10 (A3 deemed accepted).
        assert value["reconsideration.accepted"] == 9
        # A1-A4 and A11 decided, A5 and A6 terminated, A7 mediated.
        assert value["reconsideration.concluded"] == 8
        # A9 in progress, A10 decided only in 2024.
        assert value["reconsideration.pending"] == 2
        # A1 revoke, A3 confirm_illegal, A11 order_performance.
        assert value["reconsideration.corrected"] == 3
        assert rate_of(figures["reconsideration.correction_rate"]) == (
            3,
            5,
            "0.600000",
            "60.0%",
        )
        assert rate_of(figures["reconsideration.correction_rate.over_concluded"]) == (
            3,
            8,
            "0.375000",
            "37.5%",
        )
        # A5 settlement, A7 mediation statement.
        assert value["reconsideration.mediated_or_settled"] == 2
        assert rate_of(figures["reconsideration.mediated_or_settled_rate"]) == (
            2,
            8,
            "0.250000",
            "25.0%",
        )
        # P1, P3 (closes in 2024) and P4 (opened on the last day); P7 closed on the last day.
        assert value["reconsideration.agency_points"] == 3
        assert value["reconsideration.collective_discussions"] == 2
        # L1-L4; on time: L1 (on the due date), L2 (received 03-01: day 60 is Sunday
        # 04-30, moved past the Labour Day holiday of 04-29 to 05-03 to Thursday 05-04, so
        # its reply of 05-01 is on time) and L3 (replied in 2024, before its due date).
        assert value["reconsideration.opinion_letters_issued"] == 4
        assert value["reconsideration.opinion_letters_replied_on_time"] == 3

        # Handled: C1 (carried over), C3, C4, C5, C6, C9.
        assert value["litigation.cases"] == 6
        assert value["litigation.cases.county_government_party"] == 5  # not C5
        assert value["litigation.concluded"] == 4  # C1, C3, C4, C9
        assert value["litigation.pending"] == 2  # C5, C6 (concluded in 2024)
        assert value["litigation.lost"] == 1  # C3 (C2 was lost in 2022)
        assert rate_of(figures["litigation.loss_rate"]) == (1, 4, "0.250000", "25.0%")
        # Heard in 2023: C3 (head at one of two), C4 (no head), C5 (head).
        assert rate_of(figures["litigation.head_appearance_rate"]) == (
            2,
            3,
            "0.666667",
            "67%",
        )
        assert rate_of(figures["litigation.head_appearance_rate.per_hearing"]) == (
            2,
            4,
            "0.500000",
            "50%",
        )

        assert figures["reconsideration.correction_rate"]["definition"]["formula"] == (
            "reconsideration.correction_rate/v1"
        )
        assert all(f["definition"]["formula"] == f"{k}/v1" for k, f in figures.items())

        breakdowns = body["breakdowns"]
        assert breakdowns["applications_received.by_matter_type"] == {
            "information_disclosure": 1,
            "licensing": 1,
            "penalty": 10,
        }
        assert breakdowns["applications_received.by_respondent"] == {
            "县公安局": 1,
            "县市场监督管理局": 11,
        }
        assert breakdowns["applications_received.by_month"] == {
            "01": 1,
            "02": 1,
            "03": 1,
            "04": 1,
            "05": 2,
            "06": 1,
            "07": 1,
            "08": 1,
            "09": 1,
            "12": 2,
        }
        assert breakdowns["applications_received.by_receipt_channel"] == {
            "in_person": 12
        }
        assert breakdowns["decisions.by_decision_type"] == {
            "confirm_illegal": 1,
            "dismiss_claim": 1,
            "order_performance": 1,
            "revoke": 1,
            "uphold": 1,
        }

    async def test_a_year_without_records_is_all_zeros(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await make_application(
            session,
            steps=[
                *accepted_steps(d(3, 2)),
                step("decide", d(4, 1), decision_type="uphold"),
            ],
        )
        await make_agency_point(session)
        await make_discussion(session)
        await make_opinion_letter(session, replied_on=d(6, 1))
        await make_litigation_case(
            session, hearings=[(d(4, 1), True)], concluded_on=d(5, 1)
        )

        body = await statistics(client, 2021)
        figures = body["figures"]
        assert set(figures) == KEYS
        assert {
            k: f["value"] for k, f in figures.items() if f["kind"] == "count"
        } == dict.fromkeys(
            KEYS - {k for k, f in figures.items() if f["kind"] == "rate"}, 0
        )
        rates = {k: rate_of(f) for k, f in figures.items() if f["kind"] == "rate"}
        assert len(rates) == 6
        assert set(rates.values()) == {(0, 0, None, "—")}
        assert all(not breakdown for breakdown in body["breakdowns"].values())

    async def test_region_code_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/statistics", params={"year": 2023})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "region_code"
