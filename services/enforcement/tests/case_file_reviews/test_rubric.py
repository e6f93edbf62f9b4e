"""Case-file reviews scored on a rubric (GET/POST /case-file-rubrics, rubric_id on a review)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

RUBRICS = "/api/v1/case-file-rubrics"
REVIEWS = "/api/v1/case-file-reviews"
_FILE_NUMBERS = itertools.count(1)


def rubric_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region_code": "421222",
        "name": "通城县行政处罚案卷评查标准",
        "effective_on": "2023-01-01",
        "items": [
            {"code": "paper", "title": "卷面", "kind": "scored", "max_points": 20},
            {"code": "content", "title": "内容", "kind": "scored", "max_points": "80"},
            {"code": "unlawful_body", "title": "执法主体不合法", "kind": "veto"},
            {"code": "no_evidence", "title": "主要证据不足", "kind": "veto"},
        ],
    }
    body.update(overrides)
    return body


def sheet(reviewer: str, paper: str, content: str) -> dict[str, Any]:
    return {
        "reviewer": reviewer,
        "points": [
            {"item": "paper", "points": paper},
            {"item": "content", "points": content},
        ],
    }


def review_body(
    agency_id: str, rubric_id: str, *sheets: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "case_reference": f"通市监罚〔2023〕{next(_FILE_NUMBERS)}号",
        "reviewed_on": "2023-06-01",
        "rubric_id": rubric_id,
        "score_sheets": list(sheets) or [sheet("评查员甲", "18", "77")],
    }
    body.update(overrides)
    return body


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


@pytest.fixture
async def rubric_id(client: httpx.AsyncClient) -> str:
    return str((await created(client, RUBRICS, rubric_body()))["id"])


class TestRubric:
    async def test_created_rubric_keeps_its_items_in_order(
        self, client: httpx.AsyncClient
    ) -> None:
        rubric = await created(client, RUBRICS, rubric_body())
        assert [(i["code"], i["kind"], i["max_points"]) for i in rubric["items"]] == [
            ("paper", "scored", "20.0"),
            ("content", "scored", "80.0"),
            ("unlawful_body", "veto", None),
            ("no_evidence", "veto", None),
        ]
        assert (await client.get(f"{RUBRICS}/{rubric['id']}")).json() == rubric
        assert await ids(client, RUBRICS, region_code="421222") == [rubric["id"]]

    @pytest.mark.parametrize(
        ("items", "field"),
        [
            (
                [{"code": "all", "title": "全部", "kind": "scored", "max_points": 99}],
                "items",
            ),
            (
                [
                    {"code": "a", "title": "甲", "kind": "scored", "max_points": 50},
                    {"code": "a", "title": "乙", "kind": "scored", "max_points": 50},
                ],
                "items.1.code",
            ),
            (
                [
                    {"code": "a", "title": "甲", "kind": "scored", "max_points": 100},
                    {"code": "v", "title": "否决", "kind": "veto", "max_points": 5},
                ],
                "items.1.max_points",
            ),
            ([{"code": "a", "title": "甲", "kind": "scored"}], "items.0.max_points"),
            (
                [{"code": "a", "title": "甲", "kind": "bonus", "max_points": 100}],
                "items.0.kind",
            ),
        ],
    )
    async def test_bad_rubric_names_the_field(
        self, client: httpx.AsyncClient, items: list[dict[str, Any]], field: str
    ) -> None:
        response = await client.post(RUBRICS, json=rubric_body(items=items))
        assert problem_fields(response) == [field]

    async def test_unknown_rubric_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{RUBRICS}/{UNKNOWN_ID}")
        assert problem_type(response, 404) == "case-file-rubric-not-found"


class TestReviewOnRubric:
    async def test_95_points_and_one_veto_item_fail(
        self, client: httpx.AsyncClient, agency_id: str, rubric_id: str
    ) -> None:
        review = await created(
            client,
            REVIEWS,
            review_body(
                agency_id,
                rubric_id,
                sheet("评查员甲", "19", "76"),  # 95 points
                veto_items=["no_evidence"],
            ),
        )
        assert (review["total_score"], review["veto"], review["grade"]) == (
            "95.0",
            True,
            "fail",
        )
        assert review["veto_items"] == ["no_evidence"]
        assert review["score_sheets"] == [
            {
                "reviewer": "评查员甲",
                "points": {"paper": "19.0", "content": "76.0"},
                "total": "95.0",
            }
        ]

    @pytest.mark.parametrize(
        ("paper", "content", "total", "grade"),
        [
            # Scores are compared with the thresholds exactly; nothing rounds to whole points.
            ("19.5", "40", "59.5", "fail"),  # 59.5 < 60: not rounded up to 60
            ("20", "40", "60.0", "pass"),
            ("19.9", "70", "89.9", "good"),
            ("20", "70", "90.0", "excellent"),
        ],
    )
    async def test_grade_thresholds_at_their_edges(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        rubric_id: str,
        paper: str,
        content: str,
        total: str,
        grade: str,
    ) -> None:
        review = await created(
            client,
            REVIEWS,
            review_body(agency_id, rubric_id, sheet("评查员甲", paper, content)),
        )
        assert (review["total_score"], review["grade"]) == (total, grade)

    async def test_two_reviewers_score_the_mean_rounded_down(
        self, client: httpx.AsyncClient, agency_id: str, rubric_id: str
    ) -> None:
        review = await created(
            client,
            REVIEWS,
            review_body(
                agency_id,
                rubric_id,
                sheet("评查员甲", "20", "70"),  # 90.0
                sheet("评查员乙", "19.9", "70"),  # 89.9
            ),
        )
        # (90.0 + 89.9) / 2 = 89.95: stored 89.9, graded on 89.95 < 90, so good.
        assert (review["total_score"], review["grade"]) == ("89.9", "good")
        assert (review["reviewer"], review["second_reviewer"]) == (
            "评查员甲",
            "评查员乙",
        )
        two = await created(
            client,
            REVIEWS,
            review_body(
                agency_id,
                rubric_id,
                sheet("评查员甲", "20", "70"),
                sheet("评查员乙", "20", "70"),
            ),
        )
        assert (two["total_score"], two["grade"]) == ("90.0", "excellent")

    async def test_one_review_per_case_file(
        self, client: httpx.AsyncClient, agency_id: str, rubric_id: str
    ) -> None:
        body = review_body(agency_id, rubric_id)
        await created(client, REVIEWS, body)
        again = await client.post(REVIEWS, json=body)
        assert problem_type(again, 409) == "case-file-review-already-exists"
        plain = {
            "agency_id": agency_id,
            "case_reference": body["case_reference"],
            "reviewed_on": "2023-06-02",
            "reviewer": "评查组",
            "total_score": "80",
        }
        assert problem_type(await client.post(REVIEWS, json=plain), 409) == (
            "case-file-review-already-exists"
        )

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            (
                {"score_sheets": [sheet("甲", "21", "70")]},
                "score_sheets.0.points.0.points",
            ),
            (
                {
                    "score_sheets": [
                        {"reviewer": "甲", "points": [{"item": "paper", "points": 20}]}
                    ]
                },
                "score_sheets.0.points",
            ),
            (
                {
                    "score_sheets": [
                        {
                            "reviewer": "甲",
                            "points": [
                                {"item": "paper", "points": 20},
                                {"item": "style", "points": 70},
                            ],
                        }
                    ]
                },
                "score_sheets.0.points.1.item",
            ),
            (
                {
                    "score_sheets": [
                        {
                            "reviewer": "甲",
                            "points": [
                                {"item": "paper", "points": 20},
                                {"item": "paper", "points": 20},
                            ],
                        }
                    ]
                },
                "score_sheets.0.points.1.item",
            ),
            (
                {
                    "score_sheets": [
                        {
                            "reviewer": "甲",
                            "points": [
                                {"item": "paper", "points": 20},
                                {"item": "no_evidence", "points": 0},
                            ],
                        }
                    ]
                },
                "score_sheets.0.points.1.item",
            ),
            ({"veto_items": ["paper"]}, "veto_items.0"),
            ({"veto_items": ["no_evidence", "no_evidence"]}, "veto_items.1"),
            (
                {"score_sheets": [sheet("甲", "20", "70"), sheet("甲", "20", "70")]},
                "score_sheets.1.reviewer",
            ),
            ({"score_sheets": []}, "score_sheets"),
            ({"total_score": "90"}, "total_score"),
            ({"reviewer": "甲"}, "reviewer"),
            ({"rubric_id": UNKNOWN_ID}, "rubric_id"),
            ({"reviewed_on": "2022-12-31"}, "reviewed_on"),
        ],
    )
    async def test_bad_review_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        rubric_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(
            REVIEWS, json={**review_body(agency_id, rubric_id), **overrides}
        )
        assert problem_fields(response) == [field]

    async def test_a_rubric_of_another_county_is_unknown(
        self, client: httpx.AsyncClient, session: AsyncSession, rubric_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        response = await client.post(REVIEWS, json=review_body(other, rubric_id))
        assert problem_fields(response) == ["rubric_id"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"total_score": None}, "total_score"),
            ({"reviewer": None}, "reviewer"),
            ({"veto_items": ["no_evidence"]}, "veto_items"),
            ({"second_reviewer": "评查组"}, "second_reviewer"),
        ],
    )
    async def test_without_a_rubric_the_score_is_given(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        body = {
            "agency_id": agency_id,
            "case_reference": f"通市监罚〔2023〕{next(_FILE_NUMBERS)}号",
            "reviewed_on": "2023-06-01",
            "reviewer": "评查组",
            "total_score": "85",
            **overrides,
        }
        response = await client.post(REVIEWS, json=body)
        assert problem_fields(response) == [field]


class TestResultsByAgency:
    async def test_results_per_agency_of_the_year(
        self, client: httpx.AsyncClient, session: AsyncSession, rubric_id: str
    ) -> None:
        a = str((await make_agency(session, name="A甲局")).id)
        b = str((await make_agency(session, name="B乙局")).id)
        for agency, paper, content, vetoes in (
            (a, "20", "75", []),  # 95 excellent
            (a, "19", "76", ["no_evidence"]),  # 95 vetoed: fail
            (a, "15", "70", []),  # 85 good
            (b, "10", "50", []),  # 60 pass
        ):
            await created(
                client,
                REVIEWS,
                review_body(
                    agency, rubric_id, sheet("甲", paper, content), veto_items=vetoes
                ),
            )
        await created(
            client,
            REVIEWS,
            review_body(b, rubric_id, reviewed_on="2024-01-02"),  # another year
        )
        response = await client.get(
            f"{REVIEWS}/results", params={"region_code": "421222", "year": 2023}
        )
        assert response.status_code == 200, response.text
        rows = [
            {k: v for k, v in row.items() if k != "agency_id"}
            for row in response.json()["agencies"]
        ]
        assert rows == [
            {
                "agency_name": "A甲局",
                "reviewed": 3,
                "excellent": 1,
                "good": 1,
                "pass": 0,
                "fail": 1,
                "vetoed": 1,
                "mean_score": "91.7",  # (95 + 95 + 85) / 3 = 91.67
            },
            {
                "agency_name": "B乙局",
                "reviewed": 1,
                "excellent": 0,
                "good": 0,
                "pass": 1,
                "fail": 0,
                "vetoed": 0,
                "mean_score": "60.0",
            },
        ]
        assert [r["agency_id"] for r in response.json()["agencies"]] == [a, b]
