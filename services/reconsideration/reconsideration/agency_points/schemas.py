from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reconsideration.agency_points.models import AgencyPointEventType, AgencyPointStatus
from reconsideration.schemas import RegionCode, TownshipCode, township_in_region
from shared.types import CaseDate, Label, PastDate


class AgencyPointCreate(BaseModel):
    """An agency point starts ``active``."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    township_code: TownshipCode
    name: Label = Field(min_length=1, max_length=200, examples=["隽水镇行政复议代办点"])
    established_on: CaseDate = Field(description="Date the point opened.")

    @model_validator(mode="after")
    def _township_in_region(self) -> AgencyPointCreate:
        township_in_region(self.region_code, self.township_code)
        return self


class AgencyPointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    township_code: str
    name: str
    established_on: dt.date
    status: AgencyPointStatus
    closed_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class AgencyPointFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    status: AgencyPointStatus | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Established in this year."
    )


class Close(BaseModel):
    """The point stops receiving applications on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[AgencyPointEventType.close]
    occurred_on: PastDate


# A union of one for now: new commands (e.g. reopen) join it without changing the endpoint.
AgencyPointCommand = Annotated[Close, Field(discriminator="type")]


class AgencyPointEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_point_id: uuid.UUID
    type: AgencyPointEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
