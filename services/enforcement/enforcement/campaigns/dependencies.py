from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from enforcement.campaigns.models import ProblemClue, SpecialCampaign
from enforcement.campaigns.schemas import CampaignFilters, ProblemClueFilters
from enforcement.campaigns.service import get_campaign, get_clue
from enforcement.db import SessionDep


async def _campaign(session: SessionDep, campaign_id: uuid.UUID) -> SpecialCampaign:
    return await get_campaign(session, campaign_id)


async def _clue(session: SessionDep, clue_id: uuid.UUID) -> ProblemClue:
    return await get_clue(session, clue_id)


CampaignDep = Annotated[SpecialCampaign, Depends(_campaign)]
CampaignFiltersDep = Annotated[CampaignFilters, Query()]
ProblemClueDep = Annotated[ProblemClue, Depends(_clue)]
ProblemClueFiltersDep = Annotated[ProblemClueFilters, Query()]
