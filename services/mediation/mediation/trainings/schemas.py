from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediation.schemas import RegionCode, TownshipCode, township_in_region
from shared.types import CaseDate


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    township_code: TownshipCode | None = None
    title: str = Field(
        min_length=1, max_length=200, examples=["全县人民调解员业务培训"]
    )
    held_on: CaseDate
    attendees_count: int = Field(ge=0, le=100_000, description="People who attended.")

    @model_validator(mode="after")
    def _township_in_region(self) -> TrainingCreate:
        township_in_region(self.region_code, self.township_code)
        return self


class TrainingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    township_code: str | None
    title: str
    held_on: dt.date
    attendees_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TrainingFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Held in this year."
    )
