"""Case-file reviews (案卷评查).

Organisation scope (docs/auth.md): a review carries ``region_code`` and ``agency_id``,
so ``in_org`` alone restricts reads; the agency is looked up within the caller's
organisation.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from enforcement.agencies.models import EnforcementAgency
from enforcement.agencies.service import require_agency
from enforcement.case_file_reviews.exceptions import ReviewAlreadyExists, ReviewNotFound
from enforcement.case_file_reviews.models import (
    TENTHS,
    CaseFileReview,
    CaseFileReviewOfficer,
    ReviewGrade,
)
from enforcement.case_file_reviews.schemas import (
    AgencyReviewResult,
    GradeThresholds,
    ReviewCreate,
    ReviewFilters,
    ReviewRead,
    ReviewResults,
    ScoreSheetCreate,
)
from enforcement.case_file_rubrics.models import CaseFileRubric, RubricItemKind
from enforcement.case_file_rubrics.service import find_rubric
from enforcement.officers.models import Officer
from enforcement.schemas import not_before
from shared.auth import OrgScope
from shared.errors import InvalidInput
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org, year_bounds


def grade_for(
    total_score: Decimal, *, veto: bool, thresholds: GradeThresholds
) -> ReviewGrade:
    """fail if a veto item applies, else excellent ≥ 90, good ≥ 80, pass ≥ 60, fail below
    (the thresholds are settings; local practice, domain.md §5 and mission-notes §3.4).

    No rounding to whole points: the score keeps its decimal and is compared with the
    thresholds exactly, reading "良好 80–89, 合格 60–79" as the half-open ranges [80, 90)
    and [60, 80) between the stated bounds "优秀 ≥ 90" and "不合格 < 60". So 59.5 fails
    (59.5 < 60; it is not rounded up to 60), 60 passes, 89.9 is good and 90 is excellent.
    """
    if veto:
        return ReviewGrade.fail
    if total_score >= thresholds.excellent:
        return ReviewGrade.excellent
    if total_score >= thresholds.good:
        return ReviewGrade.good
    if total_score >= thresholds.pass_:
        return ReviewGrade.pass_
    return ReviewGrade.fail


def _sheet_total(
    sheet: ScoreSheetCreate, index: int, rubric: CaseFileRubric
) -> tuple[dict[str, str], Decimal]:
    """The points by item code and their sum; raises InvalidInput naming the sheet's field."""
    field = f"score_sheets.{index}.points"
    max_points = {
        item.code: item.max_points
        for item in rubric.items
        if item.kind is RubricItemKind.scored
    }
    vetoes = {item.code for item in rubric.items if item.kind is RubricItemKind.veto}
    points: dict[str, str] = {}
    total = Decimal(0)
    for j, given in enumerate(sheet.points):
        if given.item in vetoes:
            raise InvalidInput(
                f"{given.item} is a veto item: list it in veto_items",
                field=f"{field}.{j}.item",
                code="not_scored",
            )
        if given.item not in max_points:
            raise InvalidInput(
                f"the rubric has no item {given.item}",
                field=f"{field}.{j}.item",
                code="unknown",
            )
        if given.item in points:
            raise InvalidInput(
                f"{given.item} is scored twice",
                field=f"{field}.{j}.item",
                code="duplicate",
            )
        limit = max_points[given.item]
        if limit is not None and given.points > limit:
            raise InvalidInput(
                f"{given.item} is worth at most {limit} points",
                field=f"{field}.{j}.points",
                code="too_high",
            )
        points[given.item] = str(given.points.quantize(TENTHS))
        total += given.points
    missing = [code for code in max_points if code not in points]
    if missing:
        raise InvalidInput(
            f"the sheet does not score {', '.join(missing)}",
            field=field,
            code="items_unscored",
        )
    return points, total


def score_on_rubric(
    payload: ReviewCreate, rubric: CaseFileRubric
) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    """The score sheets to store, the file's exact score and its stored score.

    Each reviewer's total is the sum of their points; the file's score is the mean of the
    one or two reviewers' totals. The mean of two one-decimal totals can end in .05: it is
    stored rounded *down* to one decimal, and the grade is taken from the exact mean, so
    with thresholds of one decimal (Settings) the stored score never shows a grade the
    file did not reach (90.0 and 89.9 give 89.95: stored 89.9, good).
    Raises InvalidInput naming ``score_sheets.<i>.points[.<j>.item|points]`` and
    ``veto_items.<i>``.
    """
    vetoes = {item.code for item in rubric.items if item.kind is RubricItemKind.veto}
    seen: set[str] = set()
    for index, code in enumerate(payload.veto_items):
        if code not in vetoes:
            raise InvalidInput(
                f"the rubric has no veto item {code}",
                field=f"veto_items.{index}",
                code="unknown",
            )
        if code in seen:
            raise InvalidInput(
                f"{code} is listed twice", field=f"veto_items.{index}", code="duplicate"
            )
        seen.add(code)
    sheets: list[dict[str, Any]] = []
    totals: list[Decimal] = []
    for index, sheet in enumerate(payload.score_sheets or []):
        points, total = _sheet_total(sheet, index, rubric)
        sheets.append(
            {
                "reviewer": sheet.reviewer,
                "points": points,
                "total": str(total.quantize(TENTHS)),
            }
        )
        totals.append(total)
    exact = sum(totals, Decimal(0)) / len(totals)
    return sheets, exact, exact.quantize(TENTHS, rounding=ROUND_FLOOR)


async def _require_handling_officers(
    session: AsyncSession, payload: ReviewCreate, *, agency_id: uuid.UUID, org: OrgScope
) -> None:
    """Raises InvalidInput (``handling_officer_ids.<i>``): ``unknown`` for no officer
    within ``org``, ``other_agency`` for an officer of another agency. An expired
    certificate is not refused: GET /officers/acting-without-certificate reports it."""
    if not payload.handling_officer_ids:
        return
    found = {
        o.id: o
        for o in (
            await session.scalars(
                in_org(
                    select(Officer).where(Officer.id.in_(payload.handling_officer_ids)),
                    Officer,
                    org,
                )
            )
        ).all()
    }
    for index, officer_id in enumerate(payload.handling_officer_ids):
        field = f"handling_officer_ids.{index}"
        officer = found.get(officer_id)
        if officer is None:
            raise InvalidInput(f"{field} names no officer", field=field, code="unknown")
        if officer.agency_id != agency_id:
            raise InvalidInput(
                "the officer is of another agency", field=field, code="other_agency"
            )


async def record_review(
    session: AsyncSession,
    *,
    payload: ReviewCreate,
    thresholds: GradeThresholds,
    org: OrgScope,
) -> CaseFileReview:
    """Record the review of one case file and its grade (grade_for; on a rubric, the score
    of score_on_rubric: fail whenever a veto item applies, e.g. 95 points and one veto).

    Raises InvalidInput (``agency_id``, also for an agency outside the caller's ``org``;
    ``rubric_id`` unknown or of another county; ``reviewed_on`` before the rubric's
    ``effective_on``; the sheet fields of score_on_rubric), ReviewAlreadyExists (409) for a
    file (agency and ``case_reference``) already reviewed, and Forbidden (403) for a record
    outside ``org``.
    """
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    values = payload.model_dump(
        exclude={
            "rubric_id",
            "score_sheets",
            "veto_items",
            "total_score",
            "veto",
            "handling_officer_ids",
        }
    )
    await _require_handling_officers(session, payload, agency_id=agency.id, org=org)
    veto = payload.veto
    if payload.rubric_id is None:
        assert (
            payload.total_score is not None
        )  # ReviewCreate requires it without a rubric
        exact = stored = payload.total_score
        sheets = veto_items = None
    else:
        rubric = await find_rubric(session, payload.rubric_id, org=org)
        if rubric is None or rubric.region_code != agency.region_code:
            raise InvalidInput(
                "rubric_id names no rubric of the agency's county",
                field="rubric_id",
                code="unknown",
            )
        not_before(
            payload.reviewed_on,
            rubric.effective_on,
            field="reviewed_on",
            what="the rubric's effective_on",
        )
        sheets, exact, stored = score_on_rubric(payload, rubric)
        veto_items = list(payload.veto_items)
        veto = veto or bool(veto_items)
        values["reviewer"] = sheets[0]["reviewer"]
        values["second_reviewer"] = sheets[1]["reviewer"] if len(sheets) > 1 else None
    duplicate = await session.scalar(
        select(CaseFileReview.id).where(
            CaseFileReview.agency_id == agency.id,
            CaseFileReview.case_reference == payload.case_reference,
        )
    )
    if duplicate is not None:
        raise ReviewAlreadyExists(
            f"{payload.case_reference} of this agency was reviewed already (review {duplicate})"
        )
    review = CaseFileReview(
        **values,
        total_score=stored,
        veto=veto,
        rubric_id=payload.rubric_id,
        score_sheets=sheets,
        veto_items=veto_items,
        region_code=agency.region_code,
        grade=grade_for(exact, veto=veto, thresholds=thresholds),
        handling_officers=[
            CaseFileReviewOfficer(officer_id=o, position=i)
            for i, o in enumerate(payload.handling_officer_ids)
        ],
    )
    session.add(review)
    await session.flush()
    return review


async def get_review(
    session: AsyncSession, review_id: uuid.UUID, *, org: OrgScope
) -> CaseFileReview:
    """The review within the caller's ``org``. Raises ReviewNotFound (404)."""
    return await get_or_raise(
        session,
        CaseFileReview,
        review_id,
        ReviewNotFound,
        org=org,
        options=(selectinload(CaseFileReview.handling_officers),),
    )


async def list_reviews(
    session: AsyncSession, *, filters: ReviewFilters, page: PageParams, org: OrgScope
) -> Page[ReviewRead]:
    """The reviews within ``org`` (region and agency) matching ``filters``."""
    stmt = filtered(
        in_org(
            select(CaseFileReview).options(
                selectinload(CaseFileReview.handling_officers)
            ),
            CaseFileReview,
            org,
        ),
        CaseFileReview,
        filters,
        year_column=CaseFileReview.reviewed_on,
    )
    return await paginate(
        session, stmt, page, model=CaseFileReview, to_item=ReviewRead.model_validate
    )


async def results_by_agency(
    session: AsyncSession, *, region_code: str, year: int, org: OrgScope
) -> ReviewResults:
    """Per agency of ``region_code`` (within ``org``), the reviews dated in ``year``: how
    many, by grade, how many vetoed, and the mean score (half-up to one decimal); agencies
    without a review that year are left out; ordered by agency name, then id."""
    start, end = year_bounds(year)
    grade = CaseFileReview.grade

    def by(value: ReviewGrade) -> Any:
        return func.count(case((grade == value, 1)))

    stmt = (
        select(
            EnforcementAgency.id,
            EnforcementAgency.name,
            func.count(),
            by(ReviewGrade.excellent),
            by(ReviewGrade.good),
            by(ReviewGrade.pass_),
            by(ReviewGrade.fail),
            func.count(case((CaseFileReview.veto.is_(True), 1))),
            func.sum(CaseFileReview.total_score),
        )
        .join(EnforcementAgency, EnforcementAgency.id == CaseFileReview.agency_id)
        .where(
            CaseFileReview.region_code == region_code,
            CaseFileReview.reviewed_on.between(start, end),
        )
        .group_by(EnforcementAgency.id, EnforcementAgency.name)
        .order_by(EnforcementAgency.name, EnforcementAgency.id)
    )
    rows = (await session.execute(in_org(stmt, CaseFileReview, org))).all()
    return ReviewResults(
        region_code=region_code,
        year=year,
        agencies=[
            AgencyReviewResult(
                agency_id=agency_id,
                agency_name=name,
                reviewed=reviewed,
                excellent=excellent,
                good=good,
                pass_=passed,
                fail=failed,
                vetoed=vetoed,
                # the sum keeps the column's type: points, read back from integer tenths
                mean_score=(Decimal(points) / reviewed).quantize(
                    TENTHS, rounding=ROUND_HALF_UP
                ),
            )
            for agency_id, name, reviewed, excellent, good, passed, failed, vetoed, points in rows
        ],
    )
