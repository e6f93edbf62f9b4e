from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from mediation.committees.models import MediationCommittee
from mediation.committees.schemas import CommitteeFilters
from mediation.committees.service import get_committee
from mediation.db import SessionDep
from shared.auth import PrincipalDep


async def _committee(
    session: SessionDep, committee_id: uuid.UUID, principal: PrincipalDep
) -> MediationCommittee:
    return await get_committee(session, committee_id, org=principal.org)


CommitteeDep = Annotated[MediationCommittee, Depends(_committee)]
CommitteeFiltersDep = Annotated[CommitteeFilters, Query()]
