"""The gateway's 通城县 sample, loaded through this service's API, reproduces the 2023 report."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from gateway.sample.common import Api
from gateway.sample.reconsideration import load

#: The seed's figures (domain.md §7, seeds/tongcheng-2023-rule-of-law-report.txt).
REPORT_2023 = {
    "reconsideration.applications_received": 62,
    "reconsideration.not_accepted": 11,
    "reconsideration.accepted": 51,
    "reconsideration.concluded": 50,
    "reconsideration.pending": 1,
    "reconsideration.agency_points": 11,
    "reconsideration.collective_discussions": 10,
    "litigation.cases": 23,
    "litigation.cases.county_government_party": 23,
    "litigation.concluded": 17,
    "litigation.pending": 6,
}


async def figures(client: httpx.AsyncClient, year: int) -> dict[str, Any]:
    response = await client.get(
        "/api/v1/statistics", params={"region_code": "421222", "year": year}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["figures"]
    return result


# The second seed is the one gateway.sample.tongcheng_2023 gives this loader.
@pytest.mark.parametrize("seed", [7, "2023-reconsideration"])
async def test_sample_reproduces_the_2023_report(
    isolated_client: httpx.AsyncClient, seed: int | str
) -> None:
    created = await load(Api(isolated_client, "/api/v1"), rng=random.Random(seed))
    assert created == {
        "agency_points": 11,
        "applications": 62 + 15,
        "collective_discussions": 14,
        "opinion_letters": 4,
        "litigation_cases": 23 + 6,
    }

    year_2023 = await figures(isolated_client, 2023)
    assert {k: year_2023[k]["value"] for k in REPORT_2023} == REPORT_2023
    head = year_2023["litigation.head_appearance_rate"]
    assert head["display"] == "100%"
    assert head["numerator"] == head["denominator"] > 0
    assert year_2023["reconsideration.opinion_letters_issued"]["value"] == 3
    assert year_2023["reconsideration.opinion_letters_replied_on_time"]["value"] == 2
    corrected = year_2023["reconsideration.corrected"]["value"]
    assert (
        corrected == 5 + 4 + 1 + 2
    )  # revoke, confirm_illegal, vary, order_performance
    assert year_2023["reconsideration.mediated_or_settled"]["value"] == 3 + 3
    assert year_2023["litigation.lost"]["value"] == 1

    year_2022 = await figures(isolated_client, 2022)
    assert year_2022["reconsideration.applications_received"]["value"] == 15
    assert year_2022["reconsideration.agency_points"]["value"] == 0
    assert year_2022["reconsideration.collective_discussions"]["value"] == 4
    assert year_2022["litigation.cases"]["value"] == 3 + 6
    assert year_2022["litigation.cases.county_government_party"]["value"] == 3 + 4
    assert {k: year_2022[k]["value"] for k in REPORT_2023} != REPORT_2023
