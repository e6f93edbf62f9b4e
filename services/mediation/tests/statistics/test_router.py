from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from mediation.committees.models import CommitteeKind
from mediation.disputes.models import MediationMode
from mediation.mediators.models import MediatorEmployment
from tests.factories import make_committee, make_dispute, make_mediator, make_training


async def statistics(
    client: httpx.AsyncClient, year: int, region_code: str = "421222"
) -> dict[str, dict]:
    response = await client.get(
        "/api/v1/statistics", params={"region_code": region_code, "year": year}
    )
    assert response.status_code == 200, response.text
    return response.json()["figures"]


class TestStatistics:
    async def test_figures_of_a_hand_built_year(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        committee = await make_committee(session, founded_on=dt.date(2023, 2, 1))
        await make_committee(session, founded_on=dt.date(2022, 2, 1))
        other_county = await make_committee(
            session, region_code="421223", township_code=None
        )
        # 2023: 5 resolved in the year, 1 resolved only in 2024, 1 failed, 1 still registered.
        for day in (1, 2, 3, 4, 5):
            await make_dispute(
                session,
                committee,
                outcome="resolved",
                registered_on=dt.date(2023, 3, day),
            )
        await make_dispute(
            session,
            committee,
            outcome="resolved",
            registered_on=dt.date(2023, 12, 28),
            concluded_on=dt.date(2024, 1, 3),
        )
        await make_dispute(
            session, committee, outcome="failed", registered_on=dt.date(2023, 6, 1)
        )
        await make_dispute(session, committee, registered_on=dt.date(2023, 7, 1))
        # Two remote video mediations among them would change the counts above, so add them separately.
        await make_dispute(
            session,
            committee,
            outcome="resolved",
            registered_on=dt.date(2023, 8, 1),
            mode=MediationMode.remote_video,
            cost_saved=Decimal("1234.50"),
        )
        await make_dispute(
            session,
            committee,
            outcome="failed",
            registered_on=dt.date(2023, 8, 2),
            mode=MediationMode.remote_video,
            cost_saved=Decimal("100.25"),
        )
        # Not in the period or not in the county.
        await make_dispute(
            session, committee, outcome="resolved", registered_on=dt.date(2022, 12, 31)
        )
        await make_dispute(
            session, other_county, outcome="resolved", registered_on=dt.date(2023, 3, 1)
        )
        await make_mediator(session, committee, recruited_on=dt.date(2023, 1, 1))
        await make_mediator(session, committee, recruited_on=dt.date(2023, 12, 31))
        await make_mediator(session, committee, employment=MediatorEmployment.part_time)
        await make_mediator(session, committee, recruited_on=dt.date(2022, 12, 31))
        await make_training(session, held_on=dt.date(2023, 1, 1))
        await make_training(session, held_on=dt.date(2023, 12, 31))
        await make_training(session, held_on=dt.date(2024, 1, 1))
        await make_training(session, region_code="421223")

        figures = await statistics(client, 2023)
        # 10 registered in 2023 in 421222; resolved by 2023-12-31: 5 + the remote one = 6.
        assert figures["mediation.cases_mediated"]["value"] == 10
        assert figures["mediation.cases_resolved"]["value"] == 6
        rate = figures["mediation.resolution_rate"]
        assert (
            rate["numerator"],
            rate["denominator"],
            rate["value"],
            rate["display"],
        ) == (6, 10, "0.600000", "60.0%")
        assert figures["mediation.remote_video_sessions"]["value"] == 2
        assert figures["mediation.remote_video_cost_saved"]["value"] == "1334.75"
        assert figures["mediation.trainings"]["value"] == 2
        assert figures["mediation.fulltime_mediators_recruited"]["value"] == 2
        assert figures["mediation.committees_founded"]["value"] == 1
        assert (
            figures["mediation.resolution_rate"]["definition"]["formula"]
            == "mediation.resolution_rate/v1"
        )

    async def test_a_year_without_records_is_all_zeros(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        committee = await make_committee(session, kind=CommitteeKind.village)
        await make_dispute(session, committee, outcome="resolved")
        figures = await statistics(client, 2021)
        assert {
            k: f["value"] for k, f in figures.items() if f["kind"] == "count"
        } == dict.fromkeys(
            [
                "mediation.cases_mediated",
                "mediation.cases_resolved",
                "mediation.remote_video_sessions",
                "mediation.trainings",
                "mediation.fulltime_mediators_recruited",
                "mediation.committees_founded",
            ],
            0,
        )
        assert figures["mediation.resolution_rate"]["value"] is None
        assert figures["mediation.resolution_rate"]["display"] == "—"
        assert figures["mediation.remote_video_cost_saved"]["value"] == "0.00"

    async def test_region_code_is_required(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/statistics", params={"year": 2023})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "region_code"
