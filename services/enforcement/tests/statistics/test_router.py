from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.instruments.models import InstrumentKind
from enforcement.lenient_items.models import LenientMeasure
from tests.factories import (
    OTHER_REGION,
    make_agency,
    make_campaign,
    make_clue,
    make_inspection,
    make_instrument,
    make_item,
    make_judgment,
    make_lenient_item,
    make_officer,
    make_review,
    make_supervisor,
    make_team,
)

D = dt.date


async def statistics(
    client: httpx.AsyncClient, year: int, region_code: str = "421222"
) -> dict[str, Any]:
    response = await client.get(
        "/api/v1/statistics", params={"region_code": region_code, "year": year}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestStatistics:
    async def test_figures_of_a_hand_built_year(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        a = await make_agency(session, name="甲局")
        b = await make_agency(session, name="乙局")
        c = await make_agency(session, name="丙局")
        x = await make_agency(session, region_code=OTHER_REGION, name="外县局")

        # Instruments. Recommendations issued in 2023: 5; of those verified rectified by 2023-12-31: 2.
        rec = InstrumentKind.recommendation
        await make_instrument(session, a, issued_on=D(2023, 1, 1), outcome="rectified")
        await make_instrument(session, a, issued_on=D(2023, 6, 1), outcome="rectified")
        await make_instrument(session, a, issued_on=D(2023, 12, 20), outcome="replied")
        await make_instrument(
            session,
            b,
            issued_on=D(2023, 12, 1),
            outcome="rectified",
            rectified_on=D(2024, 1, 5),
        )
        await make_instrument(session, b, issued_on=D(2023, 3, 1), outcome="escalated")
        await make_instrument(
            session,
            b,
            kind=InstrumentKind.opinion,
            issued_on=D(2023, 5, 1),
            outcome="rectified",
        )
        await make_instrument(
            session, a, kind=rec, issued_on=D(2022, 12, 31), outcome="rectified"
        )
        await make_instrument(session, x, issued_on=D(2023, 4, 1), outcome="rectified")

        # Case-file reviews in 2023: 3 (grades excellent, pass, fail by veto).
        await make_review(
            session, a, reviewed_on=D(2023, 1, 1), total_score=Decimal("95.0")
        )
        await make_review(
            session, b, reviewed_on=D(2023, 12, 31), total_score=Decimal("70.0")
        )
        await make_review(
            session,
            a,
            reviewed_on=D(2023, 6, 1),
            total_score=Decimal("98.0"),
            veto=True,
        )
        await make_review(session, a, reviewed_on=D(2022, 12, 31))
        await make_review(session, a, reviewed_on=D(2024, 1, 1))
        await make_review(session, x, reviewed_on=D(2023, 6, 1))

        # Enterprise-related supervisors appointed in 2023: 2.
        await make_supervisor(session, appointed_on=D(2023, 1, 1))
        await make_supervisor(session, appointed_on=D(2023, 12, 31))
        await make_supervisor(
            session, appointed_on=D(2023, 6, 1), enterprise_related=False
        )
        await make_supervisor(session, appointed_on=D(2022, 12, 31))
        await make_supervisor(
            session, region_code=OTHER_REGION, appointed_on=D(2023, 6, 1)
        )

        # Inspection items. On a list in 2023: i1, i2 (delisted mid-year), i3 (listed on the last day),
        # i6, i7 = 5; inspected in 2023: i1, i2, i7 = 3. Not on a 2023 list: i4 (off from
        # 2023-01-01), i5 (listed 2024), i8 (another county).
        i1 = await make_item(session, a, listed_on=D(2022, 1, 1))
        i2 = await make_item(
            session, a, listed_on=D(2022, 1, 1), delisted_on=D(2023, 7, 1)
        )
        i3 = await make_item(session, a, listed_on=D(2023, 12, 31))
        i4 = await make_item(
            session, a, listed_on=D(2022, 1, 1), delisted_on=D(2023, 1, 1)
        )
        await make_item(session, a, listed_on=D(2024, 1, 1))
        i6 = await make_item(session, b, listed_on=D(2022, 6, 1))
        i7 = await make_item(session, b, listed_on=D(2022, 6, 1))
        i8 = await make_item(session, x, listed_on=D(2022, 1, 1))
        # Random inspections in 2023: 4, of which joint (more than one department): 2.
        await make_inspection(session, a, [i1], inspected_on=D(2023, 1, 1))
        await make_inspection(session, a, [i2, i1], inspected_on=D(2023, 3, 1))
        await make_inspection(
            session, b, [i7], participants=[a], inspected_on=D(2023, 12, 31)
        )
        await make_inspection(
            session, a, [i1], participants=[b, c], inspected_on=D(2023, 6, 15)
        )
        await make_inspection(
            session, a, [i4], participants=[b], inspected_on=D(2022, 5, 1)
        )
        await make_inspection(session, b, [i6], inspected_on=D(2022, 7, 1))
        await make_inspection(session, a, [i3], inspected_on=D(2024, 1, 2))
        await make_inspection(session, x, [i8], inspected_on=D(2023, 6, 1))

        # Lenient list items effective in 2023: exempt 2, no_penalty 1, lighter 1 + reduced 2.
        m = LenientMeasure
        await make_lenient_item(
            session, a, measure=m.exempt, effective_on=D(2023, 1, 1)
        )
        await make_lenient_item(
            session, a, measure=m.exempt, effective_on=D(2023, 12, 31)
        )
        await make_lenient_item(
            session, b, measure=m.no_penalty, effective_on=D(2023, 4, 1)
        )
        await make_lenient_item(
            session, a, measure=m.lighter, effective_on=D(2023, 4, 15)
        )
        await make_lenient_item(
            session, b, measure=m.reduced, effective_on=D(2023, 8, 1)
        )
        await make_lenient_item(
            session, c, measure=m.reduced, effective_on=D(2023, 8, 2)
        )
        await make_lenient_item(
            session, a, measure=m.exempt, effective_on=D(2022, 12, 31)
        )
        await make_lenient_item(
            session, a, measure=m.reduced, effective_on=D(2024, 1, 1)
        )
        await make_lenient_item(
            session, x, measure=m.exempt, effective_on=D(2023, 6, 1)
        )

        # Officers hired in 2023 and trained by 2023-12-31: 2.
        await make_officer(
            session, a, hired_on=D(2023, 1, 1), training_completed_on=D(2023, 2, 1)
        )
        await make_officer(
            session, a, hired_on=D(2023, 12, 31), training_completed_on=D(2023, 12, 31)
        )
        await make_officer(
            session, b, hired_on=D(2023, 12, 1), training_completed_on=D(2024, 1, 5)
        )
        await make_officer(session, b, hired_on=D(2023, 5, 1))
        await make_officer(
            session, a, hired_on=D(2022, 12, 31), training_completed_on=D(2023, 1, 10)
        )
        await make_officer(
            session, x, hired_on=D(2023, 5, 1), training_completed_on=D(2023, 6, 1)
        )

        # Problem clues found in 2023: 4; of those rectified by 2023-12-31: 2.
        campaign = await make_campaign(session, started_on=D(2022, 3, 1))
        await make_clue(
            session, campaign, a, found_on=D(2023, 1, 1), rectified_on=D(2023, 2, 1)
        )
        await make_clue(
            session, campaign, b, found_on=D(2023, 12, 31), rectified_on=D(2023, 12, 31)
        )
        await make_clue(
            session, campaign, a, found_on=D(2023, 11, 1), rectified_on=D(2024, 1, 10)
        )
        await make_clue(session, campaign, a, found_on=D(2023, 7, 1))
        await make_clue(
            session, campaign, a, found_on=D(2022, 12, 31), rectified_on=D(2023, 1, 5)
        )
        elsewhere = await make_campaign(session, region_code=OTHER_REGION)
        await make_clue(
            session, elsewhere, x, found_on=D(2023, 5, 1), rectified_on=D(2023, 6, 1)
        )

        # Unperformed judgments rectified in 2023: 2.
        await make_judgment(
            session, a, found_on=D(2022, 10, 1), rectified_on=D(2023, 1, 1)
        )
        await make_judgment(
            session, b, found_on=D(2023, 2, 1), rectified_on=D(2023, 12, 31)
        )
        await make_judgment(
            session, a, found_on=D(2023, 3, 1), rectified_on=D(2024, 1, 1)
        )
        await make_judgment(
            session, a, found_on=D(2022, 1, 1), rectified_on=D(2022, 12, 31)
        )
        await make_judgment(session, a, found_on=D(2023, 5, 1))
        await make_judgment(
            session, x, found_on=D(2023, 1, 1), rectified_on=D(2023, 2, 1)
        )

        # Teams existing on 2023-12-31: 3.
        await make_team(session, [a], established_on=D(2020, 1, 1))
        await make_team(session, [b], established_on=D(2023, 12, 31))
        await make_team(
            session, [a, b], established_on=D(2021, 1, 1), dissolved_on=D(2023, 12, 31)
        )
        await make_team(
            session, [c], established_on=D(2022, 1, 1), dissolved_on=D(2024, 1, 1)
        )
        await make_team(session, [c], established_on=D(2024, 1, 1))
        await make_team(
            session, [x], region_code=OTHER_REGION, established_on=D(2020, 1, 1)
        )

        body = await statistics(client, 2023)
        figures = body["figures"]
        counts = {k: f["value"] for k, f in figures.items() if f["kind"] == "count"}
        assert counts == {
            "enforcement.supervision_recommendations_issued": 5,
            "enforcement.supervision_recommendations_rectified": 2,
            "enforcement.case_files_reviewed": 3,
            "enforcement.social_supervisors": 2,
            "enforcement.random_inspections": 4,
            "enforcement.joint_inspections": 2,
            "enforcement.lenient_items_exempt": 2,
            "enforcement.lenient_items_no_penalty": 1,
            "enforcement.lenient_items_lighter_or_reduced": 3,
            "enforcement.new_officers_trained": 2,
            "enforcement.special_campaign_clues": 4,
            "enforcement.special_campaign_clues_rectified": 2,
            "enforcement.unperformed_judgments_rectified": 2,
            "enforcement.comprehensive_enforcement_teams": 3,
        }
        joint = figures["enforcement.joint_share"]
        assert (
            joint["numerator"],
            joint["denominator"],
            joint["value"],
            joint["display"],
        ) == (
            2,
            4,
            "0.500000",
            "50%",
        )
        coverage = figures["enforcement.inspection_item_coverage"]
        assert (
            coverage["numerator"],
            coverage["denominator"],
            coverage["value"],
            coverage["display"],
        ) == (
            3,
            5,
            "0.600000",
            "60%",
        )
        assert coverage["precision"] == 0
        assert (
            figures["enforcement.joint_share"]["definition"]["formula"]
            == "enforcement.joint_share/v1"
        )
        assert all(f["definition"]["text"] for f in figures.values())

        # The breakdowns by agency added since are checked in test_by_agency.py.
        breakdowns = {
            "instruments_issued.by_agency": {"乙局": 3, "甲局": 3},
            "instruments_issued.by_kind": {"opinion": 1, "recommendation": 5},
            "instruments_issued.by_month": {
                "01": 1,
                "03": 1,
                "05": 1,
                "06": 1,
                "12": 2,
            },
            "random_inspections.by_lead_agency": {"甲局": 3, "乙局": 1},
            "random_inspections.by_month": {"01": 1, "03": 1, "06": 1, "12": 1},
            "lenient_items.by_agency": {"甲局": 3, "乙局": 2, "丙局": 1},
            "lenient_items.by_measure": {
                "exempt": 2,
                "lighter": 1,
                "no_penalty": 1,
                "reduced": 2,
            },
            "lenient_items.by_month": {"01": 1, "04": 2, "08": 2, "12": 1},
            "case_files_reviewed.by_grade": {"excellent": 1, "fail": 1, "pass": 1},
        }
        assert {k: body["breakdowns"][k] for k in breakdowns} == breakdowns

    async def test_a_year_without_records_is_all_zeros(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        agency = await make_agency(session)
        await make_instrument(session, agency, outcome="rectified")
        await make_item(session, agency, listed_on=D(2023, 1, 1))
        await make_team(session, [agency], established_on=D(2023, 1, 1))
        await make_officer(session, agency, training_completed_on=D(2023, 4, 1))
        body = await statistics(client, 2021)
        figures = body["figures"]
        assert {
            k: f["value"] for k, f in figures.items() if f["kind"] == "count"
        } == dict.fromkeys(
            [
                "enforcement.supervision_recommendations_issued",
                "enforcement.supervision_recommendations_rectified",
                "enforcement.case_files_reviewed",
                "enforcement.social_supervisors",
                "enforcement.random_inspections",
                "enforcement.joint_inspections",
                "enforcement.lenient_items_exempt",
                "enforcement.lenient_items_no_penalty",
                "enforcement.lenient_items_lighter_or_reduced",
                "enforcement.new_officers_trained",
                "enforcement.special_campaign_clues",
                "enforcement.special_campaign_clues_rectified",
                "enforcement.unperformed_judgments_rectified",
                "enforcement.comprehensive_enforcement_teams",
            ],
            0,
        )
        for key in ("enforcement.joint_share", "enforcement.inspection_item_coverage"):
            assert (
                figures[key]["denominator"],
                figures[key]["value"],
                figures[key]["display"],
            ) == (0, None, "—")
        assert all(not counts for counts in body["breakdowns"].values())

    async def test_region_code_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/statistics", params={"year": 2023})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "region_code"
