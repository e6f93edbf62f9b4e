from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.config import Settings
from tests.factories import OTHER_REGION, UNKNOWN_ID, make_agency
from tests.helpers import created, ids, problem_fields, problem_type

PATH = "/api/v1/case-file-reviews"


@pytest.fixture
async def agency_id(session: AsyncSession) -> str:
    return str((await make_agency(session)).id)


#: One review per case file: each body names another file unless told.
_FILE_NUMBERS = itertools.count(1)


def review_body(agency_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_id": agency_id,
        "case_reference": f"通市监罚〔2023〕{next(_FILE_NUMBERS)}号",
        "reviewed_on": "2023-06-01",
        "reviewer": "评查组",
        "total_score": "85.5",
        "veto": False,
    }
    body.update(overrides)
    return body


class TestRecordReview:
    async def test_created_review_is_graded_and_readable(
        self, client: httpx.AsyncClient, agency_id: str
    ) -> None:
        review = await created(client, PATH, review_body(agency_id))
        assert (review["total_score"], review["grade"], review["region_code"]) == (
            "85.5",
            "good",
            "421222",
        )
        assert (await client.get(f"{PATH}/{review['id']}")).json() == review

    @pytest.mark.parametrize(
        ("score", "veto", "grade"),
        [
            ("100", False, "excellent"),
            ("90.0", False, "excellent"),
            ("89.9", False, "good"),
            ("80", False, "good"),
            ("79.9", False, "pass"),
            ("60.0", False, "pass"),
            ("59.9", False, "fail"),
            ("0", False, "fail"),
            ("98.0", True, "fail"),
        ],
    )
    async def test_grade_follows_the_thresholds_and_veto(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        score: str,
        veto: bool,
        grade: str,
    ) -> None:
        review = await created(
            client, PATH, review_body(agency_id, total_score=score, veto=veto)
        )
        assert review["grade"] == grade
        assert Decimal(review["total_score"]) == Decimal(score)

    async def test_thresholds_are_settings(
        self,
        client_with: Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]],
        agency_id: str,
    ) -> None:
        async with client_with(
            grade_excellent_min=Decimal(95), grade_pass_min=Decimal(70)
        ) as client:
            assert (
                await created(client, PATH, review_body(agency_id, total_score="92"))
            )["grade"] == "good"
            assert (
                await created(client, PATH, review_body(agency_id, total_score="65"))
            )["grade"] == "fail"

    def test_thresholds_must_descend(self) -> None:
        with pytest.raises(ValidationError):
            Settings(grade_good_min=Decimal(95))

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"total_score": "100.1"}, "total_score"),
            ({"total_score": "-1"}, "total_score"),
            ({"total_score": "85.55"}, "total_score"),
            ({"agency_id": UNKNOWN_ID}, "agency_id"),
            ({"case_reference": ""}, "case_reference"),
        ],
    )
    async def test_bad_input_names_the_field(
        self,
        client: httpx.AsyncClient,
        agency_id: str,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        response = await client.post(PATH, json={**review_body(agency_id), **overrides})
        assert problem_fields(response) == [field]

    async def test_unknown_id_is_a_problem_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{PATH}/{UNKNOWN_ID}")
        assert problem_type(response, 404) == "case-file-review-not-found"


class TestListReviews:
    async def test_filters_by_region_year_grade_and_agency(
        self, client: httpx.AsyncClient, session: AsyncSession, agency_id: str
    ) -> None:
        other = str((await make_agency(session, region_code=OTHER_REGION)).id)
        a = await created(client, PATH, review_body(agency_id, total_score="95"))
        b = await created(
            client, PATH, review_body(agency_id, reviewed_on="2022-12-31")
        )
        c = await created(client, PATH, review_body(other, total_score="50"))
        assert await ids(client, PATH, region_code="421222") == [a["id"], b["id"]]
        assert await ids(client, PATH, year=2023) == [a["id"], c["id"]]
        assert await ids(client, PATH, region_code="421222", year=2022) == [b["id"]]
        assert await ids(client, PATH, grade="fail") == [c["id"]]
        assert await ids(client, PATH, agency_id=other) == [c["id"]]
