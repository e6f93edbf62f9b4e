from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.case_file_rubrics.models import CaseFileRubric
from enforcement.case_file_rubrics.schemas import RubricFilters
from enforcement.case_file_rubrics.service import get_rubric
from enforcement.db import SessionDep
from shared.auth import PrincipalDep


async def _rubric(
    session: SessionDep, rubric_id: uuid.UUID, principal: PrincipalDep
) -> CaseFileRubric:
    """The rubric within the caller's county; 404 otherwise."""
    return await get_rubric(session, rubric_id, org=principal.org)


RubricDep = Annotated[CaseFileRubric, Depends(_rubric)]
RubricFiltersDep = Annotated[RubricFilters, Query()]
