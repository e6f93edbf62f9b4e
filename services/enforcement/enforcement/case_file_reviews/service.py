from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enforcement.agencies.service import require_agency
from enforcement.case_file_reviews.exceptions import ReviewNotFound
from enforcement.case_file_reviews.models import CaseFileReview, ReviewGrade
from enforcement.case_file_reviews.schemas import (
    GradeThresholds,
    ReviewCreate,
    ReviewFilters,
    ReviewRead,
)
from shared.pagination import Page, PageParams, paginate
from shared.query import filtered


def grade_for(
    total_score: Decimal, *, veto: bool, thresholds: GradeThresholds
) -> ReviewGrade:
    """fail if a veto item applies, else excellent ≥ 90, good ≥ 80, pass ≥ 60, fail below
    (the thresholds are settings; local practice, domain.md §5)."""
    if veto:
        return ReviewGrade.fail
    if total_score >= thresholds.excellent:
        return ReviewGrade.excellent
    if total_score >= thresholds.good:
        return ReviewGrade.good
    if total_score >= thresholds.pass_:
        return ReviewGrade.pass_
    return ReviewGrade.fail


async def record_review(
    session: AsyncSession, *, payload: ReviewCreate, thresholds: GradeThresholds
) -> CaseFileReview:
    """Record a case-file review and its grade. Raises InvalidInput (``agency_id``)."""
    agency = await require_agency(session, payload.agency_id)
    review = CaseFileReview(
        **payload.model_dump(),
        region_code=agency.region_code,
        grade=grade_for(payload.total_score, veto=payload.veto, thresholds=thresholds),
    )
    session.add(review)
    await session.flush()
    return review


async def get_review(session: AsyncSession, review_id: uuid.UUID) -> CaseFileReview:
    """Raises ReviewNotFound."""
    review = await session.get(CaseFileReview, review_id)
    if review is None:
        raise ReviewNotFound(f"No case-file review {review_id}")
    return review


async def list_reviews(
    session: AsyncSession, *, filters: ReviewFilters, page: PageParams
) -> Page[ReviewRead]:
    stmt = filtered(
        select(CaseFileReview),
        CaseFileReview,
        filters,
        year_column=CaseFileReview.reviewed_on,
    )
    return await paginate(
        session, stmt, page, model=CaseFileReview, to_item=ReviewRead.model_validate
    )
