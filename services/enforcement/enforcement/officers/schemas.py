from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.officers.models import OfficerEventType
from enforcement.schemas import RegionCode, Year, not_before
from shared.types import CaseDate, PastDate


class OfficerCreate(BaseModel):
    """An officer joins one agency; the region is taken from it.

    ``training_completed_on`` may be given when the newly hired officer's training
    (新增执法人员法律学习) is already done; otherwise use the ``record_training`` command.
    """

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100, examples=["王某某"])
    certificate_number: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[0-9A-Za-z-]+$",
        description="Enforcement certificate (执法证) number.",
    )
    certificate_valid_until: CaseDate = Field(
        description="Last day the certificate is valid."
    )
    hired_on: CaseDate
    training_completed_on: CaseDate | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> OfficerCreate:
        not_before(
            self.training_completed_on,
            self.hired_on,
            field="training_completed_on",
            what="hired_on",
        )
        return self


class OfficerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_id: uuid.UUID
    region_code: str
    name: str
    certificate_number: str
    certificate_valid_until: dt.date
    hired_on: dt.date
    training_completed_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class OfficerFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    trained: bool | None = Field(
        default=None, description="Whether the training is recorded."
    )
    year: Year | None = Field(default=None, description="Hired in this year.")


class ExpiringFilters(BaseModel):
    within_days: int = Field(
        default=30,
        ge=0,
        le=366,
        description="Certificates whose last valid day is at most this many calendar days after as_of.",
    )
    as_of: CaseDate | None = Field(
        default=None, description="The day counted from (default today, Beijing time)."
    )
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None


class ExpiringCertificateRead(OfficerRead):
    days_left: int = Field(
        description="Calendar days from as_of to certificate_valid_until (0: its last valid day)."
    )


class ActingFilters(BaseModel):
    year: Year = Field(description="Acts dated in this calendar year.")
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None


class ActKind(StrEnum):
    random_inspection = "random_inspection"
    case_file = "case_file"


class UncertifiedAct(BaseModel):
    kind: ActKind = Field(
        description="`random_inspection`: inspected in the task on its `inspected_on`; "
        "`case_file`: handling officer of a reviewed case decided on `case_decided_on`."
    )
    record_id: uuid.UUID = Field(
        description="The random inspection or case-file review."
    )
    acted_on: dt.date


class UncertifiedOfficerRead(OfficerRead):
    acts: list[UncertifiedAct] = Field(
        description="The officer's acts of the year dated after certificate_valid_until, by date."
    )


class RecordTraining(BaseModel):
    """The officer completed the training for newly hired officers on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[OfficerEventType.record_training]
    occurred_on: PastDate


OfficerCommand = Annotated[RecordTraining, Field(discriminator="type")]


class OfficerEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    officer_id: uuid.UUID
    type: OfficerEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
