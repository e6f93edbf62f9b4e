from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediation.committees.models import CommitteeKind
from mediation.schemas import RegionCode, TownshipCode, township_in_region
from shared.types import CaseDate


class CommitteeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    township_code: TownshipCode | None = None
    name: str = Field(min_length=1, max_length=200, examples=["隽水镇人民调解委员会"])
    kind: CommitteeKind
    founded_on: CaseDate | None = Field(
        default=None, description="Date the committee was founded."
    )

    @model_validator(mode="after")
    def _township_in_region(self) -> CommitteeCreate:
        township_in_region(self.region_code, self.township_code)
        return self


class CommitteeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    township_code: str | None
    name: str
    kind: CommitteeKind
    founded_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class CommitteeFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    kind: CommitteeKind | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Founded in this year."
    )
