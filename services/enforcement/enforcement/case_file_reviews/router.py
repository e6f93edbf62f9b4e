from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from enforcement.audit.service import audit_change
from enforcement.case_file_reviews import service
from enforcement.case_file_reviews.dependencies import (
    ReviewDep,
    ReviewFiltersDep,
    ReviewResultsQueryDep,
)
from enforcement.case_file_reviews.exceptions import (
    ReviewAlreadyExists,
    ReviewNotFound,
)
from enforcement.case_file_reviews.schemas import (
    GradeThresholds,
    ReviewCreate,
    ReviewRead,
    ReviewResults,
)
from enforcement.db import IdempotencyDep, SessionDep
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import etag
from shared.errors import problem_responses
from shared.idempotency import CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/case-file-reviews", tags=["case-file reviews"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ReviewRead,
    responses=problem_responses(Forbidden, ReviewAlreadyExists, *CREATE_PROBLEMS),
)
async def record_review(
    idempotency: IdempotencyDep,
    payload: ReviewCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record the review (案卷评查) of one case file by one or two reviewers. The grade is
    computed: fail when a veto item applies (whatever the score), else excellent ≥ 90,
    good ≥ 80, pass ≥ 60, fail below (configurable thresholds, compared exactly: 59.5 fails,
    89.9 is good). Either give `reviewer` and `total_score`, or a `rubric_id` with one
    score sheet per reviewer and the `veto_items` that apply: each sheet scores every
    scored item up to its maximum, the score is the mean of the reviewers' totals (rounded
    down to one decimal; the grade uses the exact mean). A file (agency and
    `case_reference`) already reviewed answers 409; an agency or rubric outside the
    caller's organisation is unknown (422)."""
    settings = request.app.state.settings
    thresholds = GradeThresholds(
        excellent=settings.grade_excellent_min,
        good=settings.grade_good_min,
        pass_=settings.grade_pass_min,
    )
    review = await service.record_review(
        session, payload=payload, thresholds=thresholds, org=principal.org
    )
    audit_change(
        session,
        request=request,
        principal=principal,
        action="create",
        resource_type="case_file_review",
        resource=review,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: ReviewRead.model_validate(review),
        record=review,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/case-file-reviews/{review.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[ReviewRead], responses=problem_responses())
async def list_reviews(
    session: SessionDep,
    filters: ReviewFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[ReviewRead]:
    """Reviews ordered by creation, filtered by region, agency, grade and year reviewed."""
    return await service.list_reviews(
        session, filters=filters, page=page, org=principal.org
    )


@router.get("/results", response_model=ReviewResults, responses=problem_responses())
async def review_results(
    session: SessionDep, query: ReviewResultsQueryDep, principal: PrincipalDep
) -> ReviewResults:
    """Results per agency of a county (`region_code`) for the reviews dated in `year`:
    files reviewed, by grade, failed by a veto, mean score (half-up to one decimal);
    agencies without a review that year are left out, ordered by name."""
    return await service.results_by_agency(
        session, region_code=query.region_code, year=query.year, org=principal.org
    )


@router.get(
    "/{review_id}",
    response_model=ReviewRead,
    responses=problem_responses(ReviewNotFound),
)
async def read_review(
    response: Response,
    review: ReviewDep,
) -> ReviewRead:
    """One case-file review."""
    response.headers["ETag"] = etag(review.version)
    return ReviewRead.model_validate(review)
