"""Case-file reviews (案卷评查).

Organisation scope (docs/auth.md): a review carries ``region_code`` and ``agency_id``,
so ``in_org`` alone restricts reads; the agency is looked up within the caller's
organisation.
"""

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
from shared.auth import OrgScope
from shared.pagination import Page, PageParams, paginate
from shared.query import ensure_may_act_for, filtered, get_or_raise, in_org


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
    session: AsyncSession,
    *,
    payload: ReviewCreate,
    thresholds: GradeThresholds,
    org: OrgScope,
) -> CaseFileReview:
    """Record a case-file review and its grade. Raises InvalidInput (``agency_id``, also
    for an agency outside the caller's ``org``) and Forbidden (403) for a record outside it."""
    agency = await require_agency(session, payload.agency_id, org=org)
    ensure_may_act_for(org, region_code=agency.region_code, agency_id=agency.id)
    review = CaseFileReview(
        **payload.model_dump(),
        region_code=agency.region_code,
        grade=grade_for(payload.total_score, veto=payload.veto, thresholds=thresholds),
    )
    session.add(review)
    await session.flush()
    return review


async def get_review(
    session: AsyncSession, review_id: uuid.UUID, *, org: OrgScope
) -> CaseFileReview:
    """The review within the caller's ``org``. Raises ReviewNotFound (404)."""
    return await get_or_raise(
        session, CaseFileReview, review_id, ReviewNotFound, org=org
    )


async def list_reviews(
    session: AsyncSession, *, filters: ReviewFilters, page: PageParams, org: OrgScope
) -> Page[ReviewRead]:
    """The reviews within ``org`` (region and agency) matching ``filters``."""
    stmt = filtered(
        in_org(select(CaseFileReview), CaseFileReview, org),
        CaseFileReview,
        filters,
        year_column=CaseFileReview.reviewed_on,
    )
    return await paginate(
        session, stmt, page, model=CaseFileReview, to_item=ReviewRead.model_validate
    )
