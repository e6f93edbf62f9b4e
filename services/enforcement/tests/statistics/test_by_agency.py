"""A county built through the real API (10 agencies, 40 random inspections, 30 supervision
instruments) whose statistics equal values worked out by hand from how it was built.

Nothing below recomputes a figure: every expected value is a literal, with the reasoning
next to it.
"""

from __future__ import annotations

import httpx

from tests.helpers import created, ids

API = "/api/v1"
REGION = "421222"
#: Agency names; ASCII first so their order is the same under every collation.
NAMES = [f"A{i}局" for i in range(10)]


async def build_county(client: httpx.AsyncClient) -> list[str]:
    """The fixture; returns the agency ids, agency i named ``A<i>局``."""
    agencies = [
        (
            await created(
                client,
                f"{API}/enforcement-agencies",
                {"region_code": REGION, "name": name, "sector": "综合"},
            )
        )["id"]
        for name in NAMES
    ]

    # Inspection lists: 3 items per agency, listed 2022-01-01, so 30 items on the lists in
    # 2023. An item of agency 9 delisted on 2023-01-01 is on no list in 2023 (not counted).
    items = [
        [
            (
                await created(
                    client,
                    f"{API}/inspection-items",
                    {
                        "agency_id": agency,
                        "name": f"{NAMES[a]}抽查事项{j}",
                        "listed_on": "2022-01-01",
                    },
                )
            )["id"]
            for j in range(3)
        ]
        for a, agency in enumerate(agencies)
    ]
    gone = await created(
        client,
        f"{API}/inspection-items",
        {
            "agency_id": agencies[9],
            "name": "已取消事项",
            "listed_on": "2022-01-01",
            "delisted_on": "2023-01-01",
        },
    )

    # 40 inspections in 2023: task k is led by agency k % 10, joint (with agency
    # (k + 1) % 10) unless k % 4 == 0, and covers the lead's item (k // 10) % 3, except
    # agencies 7, 8 and 9, whose tasks all cover their item 0.
    for k in range(40):
        lead = k % 10
        item = items[lead][0 if lead >= 7 else (k // 10) % 3]
        await created(
            client,
            f"{API}/random-inspections",
            {
                "inspected_on": f"2023-{k % 12 + 1:02d}-10",
                "lead_agency_id": agencies[lead],
                "participating_agency_ids": []
                if k % 4 == 0
                else [agencies[(k + 1) % 10]],
                "inspection_item_ids": [item],
                "entities_inspected": 5,
            },
        )
    # Two tasks of 2022 by agency 9 covering its items 1 and 2 and the delisted item:
    # another year, so coverage of 2023 does not change.
    for item in (items[9][1], items[9][2], gone["id"]):
        await created(
            client,
            f"{API}/random-inspections",
            {
                "inspected_on": "2022-06-10",
                "lead_agency_id": agencies[9],
                "inspection_item_ids": [item],
                "entities_inspected": 1,
            },
        )

    # 30 instruments issued 2023-03-01 (due 2023-03-31): instrument n to agency n % 10,
    # a recommendation when n < 20, an opinion when 20 <= n < 26, else a decision;
    # n % 4 == 0 rectified (replied 03-20, verified 04-10), 1 replied only, 2 marked
    # overdue on 04-01, 3 left issued.
    path = f"{API}/supervision-instruments"
    for n in range(30):
        kind = "recommendation" if n < 20 else "opinion" if n < 26 else "decision"
        instrument = await created(
            client,
            path,
            {
                "kind": kind,
                "agency_id": agencies[n % 10],
                "findings": f"问题{n}",
                "required_actions": "限期整改",
                "issued_on": "2023-03-01",
            },
        )
        events = f"{path}/{instrument['id']}/events"
        steps: list[dict[str, str]] = []
        if n % 4 in (0, 1):
            steps.append(
                {"type": "record_reply", "occurred_on": "2023-03-20", "reply": "已整改"}
            )
        if n % 4 == 0:
            steps.append({"type": "verify_rectification", "occurred_on": "2023-04-10"})
        if n % 4 == 2:
            steps.append({"type": "mark_overdue", "occurred_on": "2023-04-01"})
        for step in steps:
            response = await client.post(events, json=step)
            assert response.status_code == 200, response.text
    # One rectified recommendation of 2022 to agency 0: another year.
    old = await created(
        client,
        path,
        {
            "kind": "recommendation",
            "agency_id": agencies[0],
            "findings": "旧问题",
            "required_actions": "限期整改",
            "issued_on": "2022-03-01",
        },
    )
    for step in (
        {"type": "record_reply", "occurred_on": "2022-03-20", "reply": "已整改"},
        {"type": "verify_rectification", "occurred_on": "2022-04-10"},
    ):
        assert (
            await client.post(f"{path}/{old['id']}/events", json=step)
        ).status_code == 200
    return agencies


class TestStatisticsByAgency:
    async def test_hand_computed_figures_and_breakdowns(
        self, client: httpx.AsyncClient
    ) -> None:
        agencies = await build_county(client)
        response = await client.get(
            f"{API}/statistics", params={"region_code": REGION, "year": 2023}
        )
        assert response.status_code == 200, response.text
        figures = response.json()["figures"]
        breakdowns = response.json()["breakdowns"]

        def value(key: str) -> object:
            return figures[f"enforcement.{key}"]["value"]

        def share(key: str) -> tuple[int, int, str]:
            f = figures[f"enforcement.{key}"]
            return (f["numerator"], f["denominator"], f["display"])

        # 40 tasks of 2023; non-joint are k = 0, 4, ..., 36 (10 of them), so 30 joint.
        assert (value("random_inspections"), value("joint_inspections")) == (40, 30)
        assert share("joint_share") == (30, 40, "75%")
        # Covered: agencies 0-6 all 3 items (their tasks cover items 0, 1, 2, 0), agencies
        # 7-9 item 0 only: 7 * 3 + 3 = 24 of 30 listed.
        assert share("inspection_item_coverage") == (24, 30, "80%")
        # Recommendations n = 0..19; rectified n % 4 == 0: 0, 4, 8, 12, 16.
        assert value("supervision_recommendations_issued") == 20
        assert value("supervision_recommendations_rectified") == 5

        def per_agency(counts: dict[int, int]) -> dict[str, int]:
            return {NAMES[i]: c for i, c in counts.items()}

        # Agency L leads k = L, L+10, L+20, L+30.
        assert breakdowns["random_inspections.by_lead_agency"] == per_agency(
            dict.fromkeys(range(10), 4)
        )
        # k % 4 == (L + 2j) % 4 for j = 0..3: even L has two k divisible by 4, odd L none.
        assert breakdowns["joint_inspections.by_lead_agency"] == per_agency(
            {0: 2, 1: 4, 2: 2, 3: 4, 4: 2, 5: 4, 6: 2, 7: 4, 8: 2, 9: 4}
        )
        # Taking part: 4 led + the joint tasks led by agency X - 1 (where X participates).
        assert breakdowns["random_inspections.by_taking_part_agency"] == per_agency(
            {0: 8, 1: 6, 2: 8, 3: 6, 4: 8, 5: 6, 6: 8, 7: 6, 8: 8, 9: 6}
        )
        # Joint tasks led + joint tasks of agency X - 1: 2 + 4 or 4 + 2.
        assert breakdowns["joint_inspections.by_taking_part_agency"] == per_agency(
            dict.fromkeys(range(10), 6)
        )
        assert breakdowns["inspection_items_listed.by_agency"] == per_agency(
            dict.fromkeys(range(10), 3)
        )
        assert breakdowns["inspection_items_covered.by_agency"] == per_agency(
            {0: 3, 1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 1, 8: 1, 9: 1}
        )
        # Instruments of 2023: n % 10 gives each agency 3 (n, n + 10, n + 20).
        assert breakdowns["instruments_issued.by_agency"] == per_agency(
            dict.fromkeys(range(10), 3)
        )
        # Rectified n = 0, 4, 8, 12, 16, 20, 24, 28 -> agencies 0, 4, 8, 2, 6, 0, 4, 8.
        assert breakdowns["instruments_rectified.by_agency"] == per_agency(
            {0: 2, 2: 1, 4: 2, 6: 1, 8: 2}
        )
        # Recommendations n < 20: agency a gets n = a and a + 10 (2 each).
        assert breakdowns["supervision_recommendations_issued.by_agency"] == (
            per_agency(dict.fromkeys(range(10), 2))
        )
        # Rectified recommendations n = 0, 4, 8, 12, 16 -> agencies 0, 4, 8, 2, 6.
        assert breakdowns["supervision_recommendations_rectified.by_agency"] == (
            per_agency({0: 1, 2: 1, 4: 1, 6: 1, 8: 1})
        )
        assert breakdowns["instruments_issued.by_kind"] == {
            "recommendation": 20,
            "opinion": 6,
            "decision": 4,
        }

        # What is overdue on 2023-04-05: n % 4 == 2 (marked) and 3 (still issued), 7 each.
        overdue = await ids(
            client,
            f"{API}/supervision-instruments/due",
            as_of="2023-04-05",
            overdue=True,
            page_size=100,
        )
        assert len(overdue) == 14
        assert len(agencies) == 10
