from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reconsideration.litigation.models import (
    LitigationEventType,
    LitigationOutcome,
    LitigationStage,
    LitigationStatus,
)
from reconsideration.schemas import RegionCode
from shared.errors import InvalidInput
from shared.types import CaseDate, PastDate


class LitigationCaseCreate(BaseModel):
    """A lawsuit as the complaint was received; it starts ``pending``."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    case_number: str = Field(
        min_length=1, max_length=100, examples=["(2023)鄂1222行初12号"]
    )
    court: str = Field(min_length=1, max_length=200, examples=["通城县人民法院"])
    defendant_agency: str = Field(
        min_length=1, max_length=200, description="The defendant agency (被告)."
    )
    county_government_party: bool = Field(
        description="Whether the county government is a party (the report counts these)."
    )
    cause: str = Field(
        min_length=1, max_length=2000, description="Cause of action (案由)."
    )
    stage: LitigationStage
    filed_on: CaseDate = Field(
        description="Date the complaint (起诉状副本) was received."
    )


class HearingCreate(BaseModel):
    """One hearing; name and post of the head are required when a head appeared, and only then."""

    model_config = ConfigDict(extra="forbid")

    held_on: CaseDate
    head_appeared: bool = Field(
        description="A qualifying head of the defendant agency appeared (负责人出庭应诉)."
    )
    head_name: str | None = Field(default=None, max_length=100)
    head_post: str | None = Field(default=None, max_length=200, examples=["局长"])

    @model_validator(mode="after")
    def _head(self) -> HearingCreate:
        for field in ("head_name", "head_post"):
            value = getattr(self, field)
            if self.head_appeared and not value:
                raise InvalidInput(
                    f"{field} is required when head_appeared",
                    field=field,
                    code="missing",
                )
            if not self.head_appeared and value is not None:
                raise InvalidInput(
                    f"{field} applies only when head_appeared",
                    field=field,
                    code="no_head",
                )
        return self


class HearingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    held_on: dt.date
    head_appeared: bool
    head_name: str | None
    head_post: str | None
    created_at: dt.datetime


class LitigationCaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    case_number: str
    court: str
    defendant_agency: str
    county_government_party: bool
    cause: str
    stage: LitigationStage
    filed_on: dt.date
    status: LitigationStatus
    outcome: LitigationOutcome | None
    concluded_on: dt.date | None
    hearings: list[HearingRead]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class LitigationCaseFilters(BaseModel):
    region_code: RegionCode | None = None
    status: LitigationStatus | None = None
    stage: LitigationStage | None = None
    outcome: LitigationOutcome | None = None
    county_government_party: bool | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Filed in this year."
    )


class Conclude(BaseModel):
    """The case ended on ``occurred_on`` (judgment, ruling, withdrawal or mediation) with ``outcome``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[LitigationEventType.conclude]
    occurred_on: PastDate
    outcome: LitigationOutcome


# A union of one for now: later commands (appeal, retrial) join it without changing the endpoint.
LitigationCommand = Annotated[Conclude, Field(discriminator="type")]


class LitigationEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    type: LitigationEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
