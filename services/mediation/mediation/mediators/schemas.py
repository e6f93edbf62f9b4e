from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from mediation.mediators.models import MediatorEmployment
from mediation.schemas import RegionCode, TownshipCode
from shared.types import CaseDate


class MediatorCreate(BaseModel):
    """A mediator joins one committee; region and township are taken from it."""

    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, examples=["王某某"])
    employment: MediatorEmployment
    recruited_on: CaseDate = Field(
        description="Date the mediator was recruited (the report counts full-time recruits)."
    )
    training_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=200,
        description="Training sessions (`/trainings`) of the mediator's county the mediator "
        "has attended; more are added with `POST /mediators/{id}/trainings`.",
    )


class AttendedTraining(BaseModel):
    """A training session the mediator attended."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    held_on: dt.date


class TrainingAttendance(BaseModel):
    """The mediator attended this training session (调解员培训, 人民调解法 Art. 14)."""

    model_config = ConfigDict(extra="forbid")

    training_id: uuid.UUID = Field(
        description="A training of the mediator's county (`/trainings`)."
    )


class MediatorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    committee_id: uuid.UUID
    region_code: str
    township_code: str | None
    name: str
    employment: MediatorEmployment
    recruited_on: dt.date
    trainings: list[AttendedTraining] = Field(
        description="Training sessions attended, oldest first."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class MediatorFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    committee_id: uuid.UUID | None = None
    employment: MediatorEmployment | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Recruited in this year."
    )
