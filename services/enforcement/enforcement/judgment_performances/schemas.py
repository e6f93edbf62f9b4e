from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from enforcement.judgment_performances.models import JudgmentPerformanceEventType
from enforcement.schemas import RegionCode, Year
from shared.types import CaseDate, PastDate


class JudgmentPerformanceCreate(BaseModel):
    """An unperformed judgment of one agency; the region is taken from the agency."""

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    judgment_reference: str = Field(
        min_length=1,
        max_length=100,
        description="Court case number.",
        examples=["(2022)鄂1222行初15号"],
    )
    found_on: CaseDate = Field(
        description="Date supervision found the judgment unperformed."
    )
    campaign_id: uuid.UUID | None = Field(
        default=None,
        description="The special campaign that found it (on or after the campaign started).",
    )


class JudgmentPerformanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    agency_id: uuid.UUID
    judgment_reference: str
    found_on: dt.date
    campaign_id: uuid.UUID | None = None
    rectified_on: dt.date | None = Field(
        description="Date the agency performed the judgment."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class JudgmentPerformanceFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    rectified: bool | None = None
    campaign_id: uuid.UUID | None = None
    year: Year | None = Field(default=None, description="Found in this year.")


class Rectify(BaseModel):
    """The agency performed the judgment on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[JudgmentPerformanceEventType.rectify]
    occurred_on: PastDate


JudgmentPerformanceCommand = Annotated[Rectify, Field(discriminator="type")]


class JudgmentPerformanceEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    performance_id: uuid.UUID
    type: JudgmentPerformanceEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
