"""Publication of random-inspection results within 20 working days (一公开), flagged late."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_agency, make_item
from tests.helpers import created

INSPECTIONS = "/api/v1/random-inspections"


async def inspection(
    client: httpx.AsyncClient, session: AsyncSession, **overrides: Any
) -> dict[str, Any]:
    agency = await make_agency(session)
    item = await make_item(session, agency)
    body = {
        "inspected_on": "2023-09-20",
        "lead_agency_id": str(agency.id),
        "inspection_item_ids": [str(item.id)],
        "entities_inspected": 3,
        **overrides,
    }
    return await created(client, INSPECTIONS, body)


class TestResultsPublication:
    async def test_due_on_the_20th_working_day_across_national_day(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # After Wed 2023-09-20: Sep 21-22, 25-28 (6); 29 Sep-6 Oct holiday; make-up working
        # days Sat 7 and Sun 8 Oct (8); Oct 9-13 (13), 16-20 (18), 23, 24 (20).
        task = await inspection(client, session)
        assert (task["results_due_on"], task["results_published_late"]) == (
            "2023-10-24",
            None,
        )

    @pytest.mark.parametrize(
        ("published_on", "late"), [("2023-10-24", False), ("2023-10-25", True)]
    )
    async def test_publication_after_the_due_day_is_late(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        published_on: str,
        late: bool,
    ) -> None:
        task = await inspection(client, session)
        response = await client.post(
            f"{INSPECTIONS}/{task['id']}/events",
            json={"type": "publish_results", "occurred_on": published_on},
        )
        assert response.status_code == 200, response.text
        assert response.json()["results_published_late"] is late
        read = (await client.get(f"{INSPECTIONS}/{task['id']}")).json()
        assert (read["results_published_on"], read["results_published_late"]) == (
            published_on,
            late,
        )
        listed = (await client.get(INSPECTIONS)).json()["items"]
        assert [i["results_published_late"] for i in listed] == [late]

    async def test_given_on_create(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        task = await inspection(client, session, results_published_on="2023-10-25")
        assert task["results_published_late"] is True

    async def test_period_is_a_setting(
        self,
        client_with: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
        session: AsyncSession,
    ) -> None:
        async with client_with(results_publication_working_days=5) as client:
            task = await inspection(client, session)
        assert task["results_due_on"] == "2023-09-27"  # Sep 21, 22, 25, 26, 27

    async def test_a_year_the_calendar_does_not_cover_has_no_due_day(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # 20 working days after 2026-12-20 run into 2027, which chinesecalendar 1.11 lacks.
        task = await inspection(client, session, inspected_on="2026-12-20")
        assert (task["results_due_on"], task["results_published_late"]) == (None, None)
