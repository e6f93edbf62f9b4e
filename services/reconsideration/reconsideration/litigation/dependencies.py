from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from reconsideration.db import SessionDep
from reconsideration.litigation.models import LitigationCase
from reconsideration.litigation.schemas import LitigationCaseFilters
from reconsideration.litigation.service import get_case
from shared.auth import PrincipalDep


async def _litigation_case(
    session: SessionDep, principal: PrincipalDep, case_id: uuid.UUID
) -> LitigationCase:
    """The case named in the path, within the caller's organisation (else 404; a
    township-scoped caller never reaches a case, a county-level record)."""
    return await get_case(session, case_id, org=principal.org)


LitigationCaseDep = Annotated[LitigationCase, Depends(_litigation_case)]
LitigationCaseFiltersDep = Annotated[LitigationCaseFilters, Query()]
