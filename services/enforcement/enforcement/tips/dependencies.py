from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.db import SessionDep
from enforcement.tips.models import Tip
from enforcement.tips.schemas import SupervisorTipFilters, TipFilters
from enforcement.tips.service import get_tip
from shared.auth import PrincipalDep


async def _tip(session: SessionDep, tip_id: uuid.UUID, principal: PrincipalDep) -> Tip:
    """The tip within the caller's organisation; 404 otherwise."""
    return await get_tip(session, tip_id, org=principal.org)


TipDep = Annotated[Tip, Depends(_tip)]
TipFiltersDep = Annotated[TipFilters, Query()]
SupervisorTipFiltersDep = Annotated[SupervisorTipFilters, Query()]
