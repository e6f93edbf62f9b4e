"""The 通城县 2023 sample (gateway/sample/enforcement.py) through this service's API."""

from __future__ import annotations

import random
from typing import Any

import httpx

from gateway.sample.common import Api
from gateway.sample.enforcement import load

#: The seed's enforcement figures (domain.md §7).
SEED_COUNTS_2023 = {
    "enforcement.supervision_recommendations_issued": 14,
    "enforcement.supervision_recommendations_rectified": 14,
    "enforcement.social_supervisors": 5,
    "enforcement.lenient_items_exempt": 15,
    "enforcement.lenient_items_no_penalty": 3,
    "enforcement.lenient_items_lighter_or_reduced": 39,
    "enforcement.random_inspections": 46,
    "enforcement.joint_inspections": 34,
    "enforcement.new_officers_trained": 112,
    "enforcement.special_campaign_clues": 5,
    "enforcement.special_campaign_clues_rectified": 5,
    "enforcement.unperformed_judgments_rectified": 3,
    "enforcement.comprehensive_enforcement_teams": 5,
}


async def figures(client: httpx.AsyncClient, year: int) -> dict[str, Any]:
    response = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": year}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["figures"]
    return result


class TestSample:
    async def test_sample_reproduces_the_2023_report_and_2022_differs(
        self, isolated_client: httpx.AsyncClient
    ) -> None:
        counts = await load(
            Api(isolated_client, "/api/v1"), rng=random.Random("2023-enforcement")
        )
        assert counts["agencies"] == 12

        f2023 = await figures(isolated_client, 2023)
        assert {k: f2023[k]["value"] for k in SEED_COUNTS_2023} == SEED_COUNTS_2023
        joint = f2023["enforcement.joint_share"]
        assert (joint["numerator"], joint["denominator"], joint["display"]) == (
            34,
            46,
            "74%",
        )
        coverage = f2023["enforcement.inspection_item_coverage"]
        assert coverage["display"] == "100%"
        assert coverage["numerator"] == coverage["denominator"] == 28

        f2022 = await figures(isolated_client, 2022)
        assert {k: f2022[k]["value"] for k in SEED_COUNTS_2023} == {
            "enforcement.supervision_recommendations_issued": 9,
            "enforcement.supervision_recommendations_rectified": 7,
            "enforcement.social_supervisors": 3,
            "enforcement.lenient_items_exempt": 6,
            "enforcement.lenient_items_no_penalty": 10,
            "enforcement.lenient_items_lighter_or_reduced": 12,
            "enforcement.random_inspections": 30,
            "enforcement.joint_inspections": 12,
            "enforcement.new_officers_trained": 40,
            "enforcement.special_campaign_clues": 4,
            "enforcement.special_campaign_clues_rectified": 2,
            "enforcement.unperformed_judgments_rectified": 1,
            "enforcement.comprehensive_enforcement_teams": 3,
        }
        assert f2022["enforcement.joint_share"]["display"] == "40%"
        assert f2022["enforcement.inspection_item_coverage"]["display"] != "100%"
        assert f2023["enforcement.case_files_reviewed"]["value"] == 36
        assert f2022["enforcement.case_files_reviewed"]["value"] == 20

        # Nothing of the sample reaches back to 2021 (the e2e report checks this too).
        f2021 = await figures(isolated_client, 2021)
        assert {
            k: f.get("numerator", f["value"]) for k, f in f2021.items()
        } == dict.fromkeys(f2021, 0)
