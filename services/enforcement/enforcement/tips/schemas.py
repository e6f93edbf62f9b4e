from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.instruments.models import InstrumentKind, InstrumentStatus
from enforcement.schemas import RegionCode, Year, not_before
from enforcement.tips.models import TipStatus
from shared.types import CaseDate, PastDate


class TipCreate(BaseModel):
    """A tip from a social supervisor of the county; the region is the supervisor's."""

    model_config = ConfigDict(extra="forbid")

    supervisor_id: uuid.UUID
    agency_id: uuid.UUID | None = Field(
        default=None,
        description="The enforcement agency the tip concerns, if it names one.",
    )
    received_on: PastDate = Field(description="Within the supervisor's term.")
    content: str = Field(
        min_length=1,
        max_length=8000,
        examples=["某执法人员在检查中未出示执法证件"],
    )


class TipInstrumentRead(BaseModel):
    """What came of the tip: the instrument it opened, as it stands now."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_number: str
    kind: InstrumentKind
    status: InstrumentStatus
    issued_on: dt.date
    due_on: dt.date
    rectified_on: dt.date | None


class TipRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    supervisor_id: uuid.UUID
    agency_id: uuid.UUID | None
    received_on: dt.date
    content: str
    status: TipStatus = Field(
        description="`received` (being verified), `instrument_opened` or `no_action`."
    )
    closed_on: dt.date | None = Field(
        description="Date the instrument was issued or no action decided."
    )
    reason: str | None = Field(description="Why no action was taken.")
    instrument: TipInstrumentRead | None = Field(
        description="The supervision instrument the tip opened, with its current status "
        "(issued, replied, rectified, overdue, escalated): the feedback to the supervisor."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TipFilters(BaseModel):
    region_code: RegionCode | None = None
    supervisor_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None
    status: TipStatus | None = None
    year: Year | None = Field(default=None, description="Received in this year.")


class SupervisorTipFilters(BaseModel):
    status: TipStatus | None = None
    year: Year | None = Field(default=None, description="Received in this year.")


class OpenInstrument(BaseModel):
    """The verified tip opens a supervision instrument, issued on ``occurred_on``
    (received → instrument_opened)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["open_instrument"]
    occurred_on: PastDate
    kind: InstrumentKind
    agency_id: uuid.UUID | None = Field(
        default=None,
        description="Default: the agency the tip concerns (then required).",
    )
    findings: str = Field(min_length=1, max_length=8000)
    required_actions: str = Field(min_length=1, max_length=8000)
    due_on: CaseDate | None = Field(
        default=None,
        description="Rectification due date; default occurred_on + 30 calendar days (configurable).",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> OpenInstrument:
        not_before(self.due_on, self.occurred_on, field="due_on", what="occurred_on")
        return self


class Dismiss(BaseModel):
    """Verification found no cause for supervision (received → no_action)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["dismiss"]
    occurred_on: PastDate
    reason: str = Field(min_length=1, max_length=4000)


TipCommand = Annotated[OpenInstrument | Dismiss, Field(discriminator="type")]
