from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.campaigns.models import ProblemClue, SpecialCampaign
from enforcement.campaigns.schemas import CampaignFilters, ProblemClueFilters
from enforcement.campaigns.service import get_campaign, get_clue
from enforcement.db import SessionDep
from shared.auth import PrincipalDep


async def _campaign(
    session: SessionDep, campaign_id: uuid.UUID, principal: PrincipalDep
) -> SpecialCampaign:
    """The campaign within the caller's organisation (its county); 404 otherwise."""
    return await get_campaign(session, campaign_id, org=principal.org)


async def _clue(
    session: SessionDep, clue_id: uuid.UUID, principal: PrincipalDep
) -> ProblemClue:
    """The clue within the caller's organisation (county and agency); 404 otherwise."""
    return await get_clue(session, clue_id, org=principal.org)


CampaignDep = Annotated[SpecialCampaign, Depends(_campaign)]
CampaignFiltersDep = Annotated[CampaignFilters, Query()]
ProblemClueDep = Annotated[ProblemClue, Depends(_clue)]
ProblemClueFiltersDep = Annotated[ProblemClueFilters, Query()]
