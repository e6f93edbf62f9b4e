from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.db import SessionDep
from reconsideration.litigation.models import LitigationCase
from reconsideration.litigation.schemas import LitigationCaseFilters
from reconsideration.litigation.service import get_case


async def _litigation_case(session: SessionDep, case_id: uuid.UUID) -> LitigationCase:
    return await get_case(session, case_id)


LitigationCaseDep = Annotated[LitigationCase, Depends(_litigation_case)]
LitigationCaseFiltersDep = Annotated[LitigationCaseFilters, Query()]
