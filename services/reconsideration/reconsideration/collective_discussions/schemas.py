from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from reconsideration.schemas import RegionCode
from shared.types import CaseDate, Label


class CollectiveDiscussionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    held_on: CaseDate
    chair: Label = Field(
        min_length=1,
        max_length=200,
        description="Who chaired the meeting.",
        examples=["分管副县长"],
    )
    application_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=500,
        description="Applications of the same region discussed at the meeting; may be empty.",
    )


class CollectiveDiscussionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    held_on: dt.date
    chair: str
    application_ids: list[uuid.UUID]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class CollectiveDiscussionFilters(BaseModel):
    region_code: RegionCode | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Held in this year."
    )
