from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from mediation.db import SessionDep
from mediation.screening.models import ScreeningRound
from mediation.screening.schemas import ScreeningRoundFilters
from mediation.screening.service import get_round
from shared.auth import PrincipalDep


async def _round(
    session: SessionDep, round_id: uuid.UUID, principal: PrincipalDep
) -> ScreeningRound:
    return await get_round(session, round_id, org=principal.org)


ScreeningRoundDep = Annotated[ScreeningRound, Depends(_round)]
ScreeningRoundFiltersDep = Annotated[ScreeningRoundFilters, Query()]
