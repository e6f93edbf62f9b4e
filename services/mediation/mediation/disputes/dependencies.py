from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from mediation.db import SessionDep
from mediation.disputes.models import Dispute
from mediation.disputes.schemas import DisputeFilters, DueFilters
from mediation.disputes.service import get_dispute
from shared.auth import PrincipalDep


async def _dispute(
    session: SessionDep, dispute_id: uuid.UUID, principal: PrincipalDep
) -> Dispute:
    return await get_dispute(session, dispute_id, org=principal.org)


DisputeDep = Annotated[Dispute, Depends(_dispute)]
DisputeFiltersDep = Annotated[DisputeFilters, Query()]
DueFiltersDep = Annotated[DueFilters, Query()]
