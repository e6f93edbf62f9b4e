from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.case_file_reviews.models import CaseFileReview
from enforcement.case_file_reviews.schemas import ReviewFilters, ReviewResultsQuery
from enforcement.case_file_reviews.service import get_review
from enforcement.db import SessionDep
from shared.auth import PrincipalDep


async def _review(
    session: SessionDep, review_id: uuid.UUID, principal: PrincipalDep
) -> CaseFileReview:
    """The review within the caller's organisation; 404 otherwise."""
    return await get_review(session, review_id, org=principal.org)


ReviewDep = Annotated[CaseFileReview, Depends(_review)]
ReviewFiltersDep = Annotated[ReviewFilters, Query()]
ReviewResultsQueryDep = Annotated[ReviewResultsQuery, Query()]
