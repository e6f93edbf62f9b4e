from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.schemas import RegionCode, Year, not_before
from enforcement.teams.models import TeamEventType
from shared.types import CaseDate, PastDate


class TeamCreate(BaseModel):
    """A team and the agencies it is formed from (each must exist in the same county).

    ``dissolved_on`` may be given when recording a team that no longer exists;
    otherwise use the ``dissolve`` command.
    """

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    name: str = Field(
        min_length=1, max_length=200, examples=["通城县市场监管综合行政执法大队"]
    )
    established_on: CaseDate
    dissolved_on: CaseDate | None = None
    member_agency_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _dates_in_order(self) -> TeamCreate:
        not_before(
            self.dissolved_on,
            self.established_on,
            field="dissolved_on",
            what="established_on",
        )
        return self


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    name: str
    established_on: dt.date
    dissolved_on: dt.date | None
    member_agency_ids: list[uuid.UUID]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TeamFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = Field(
        default=None, description="Teams this agency is a member of."
    )
    year: Year | None = Field(
        default=None, description="Existing at some time in this year."
    )


class Dissolve(BaseModel):
    """The team is dissolved (撤销) on ``occurred_on``; it no longer exists from that day."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[TeamEventType.dissolve]
    occurred_on: PastDate


TeamCommand = Annotated[Dissolve, Field(discriminator="type")]


class TeamEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    team_id: uuid.UUID
    type: TeamEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
