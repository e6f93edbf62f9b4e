from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from enforcement.campaigns.models import ProblemClueEventType
from enforcement.schemas import RegionCode, Year
from shared.types import CaseDate, PastDate


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    name: str = Field(
        min_length=1,
        max_length=300,
        examples=["道路交通安全和运输执法领域突出问题专项整治"],
    )
    started_on: CaseDate


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    name: str
    started_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class CampaignFilters(BaseModel):
    region_code: RegionCode | None = None
    year: Year | None = Field(default=None, description="Started in this year.")


class ProblemClueCreate(BaseModel):
    """A clue found in the campaign; it concerns one agency of the campaign's county."""

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    found_on: CaseDate = Field(description="On or after the campaign's start.")
    description: str = Field(min_length=1, max_length=4000)


class ProblemClueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    campaign_id: uuid.UUID
    region_code: str
    agency_id: uuid.UUID
    found_on: dt.date
    description: str
    rectified_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ProblemClueFilters(BaseModel):
    region_code: RegionCode | None = None
    campaign_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None
    rectified: bool | None = None
    year: Year | None = Field(default=None, description="Found in this year.")


class Rectify(BaseModel):
    """The problem was rectified (整改到位) on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[ProblemClueEventType.rectify]
    occurred_on: PastDate


ProblemClueCommand = Annotated[Rectify, Field(discriminator="type")]


class ProblemClueEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    clue_id: uuid.UUID
    type: ProblemClueEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
