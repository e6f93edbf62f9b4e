from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.instruments.models import (
    EscalationMeasure,
    InstrumentEventType,
    InstrumentKind,
    InstrumentStatus,
)
from enforcement.schemas import RegionCode, Year, not_before
from shared.types import CaseDate, PastDate


class InstrumentCreate(BaseModel):
    """An instrument issued to one agency; the region is taken from the agency.

    Without ``due_on`` the rectification is due ``issued_on`` + the configured
    rectification period (calendar days, default 30).
    """

    model_config = ConfigDict(extra="forbid")

    kind: InstrumentKind
    agency_id: uuid.UUID
    findings: str = Field(
        min_length=1, max_length=8000, description="What the supervision found."
    )
    required_actions: str = Field(
        min_length=1, max_length=8000, description="What the agency must rectify."
    )
    issued_on: PastDate
    due_on: CaseDate | None = Field(
        default=None, description="Rectification due date; default issued_on + 30 days."
    )
    follow_up_of: uuid.UUID | None = Field(
        default=None,
        description="An earlier instrument to the same agency that this one follows up.",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> InstrumentCreate:
        not_before(self.due_on, self.issued_on, field="due_on", what="issued_on")
        return self


class InstrumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_number: str = Field(
        description="通司执监〔<year issued>〕<n>号: numbered per county and year."
    )
    kind: InstrumentKind
    agency_id: uuid.UUID
    region_code: str
    follow_up_of: uuid.UUID | None
    findings: str
    required_actions: str
    issued_on: dt.date
    due_on: dt.date
    status: InstrumentStatus
    status_changed_on: dt.date = Field(description="Date of the latest lifecycle step.")
    reply: str | None
    replied_on: dt.date | None
    rectified_on: dt.date | None = Field(
        description="Date the bureau verified the rectification."
    )
    escalation_measure: EscalationMeasure | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class InstrumentFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    kind: InstrumentKind | None = None
    status: InstrumentStatus | None = None
    follow_up_of: uuid.UUID | None = None
    year: Year | None = Field(default=None, description="Issued in this year.")


class InstrumentDueFilters(BaseModel):
    due_before: CaseDate | None = Field(
        default=None,
        description="Rectifications due on or before this day (inclusive; default: as_of + 7 calendar days).",
    )
    as_of: CaseDate | None = Field(
        default=None,
        description="The day overdue is judged on (default today, Beijing time).",
    )
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    kind: InstrumentKind | None = None
    overdue: bool | None = Field(
        default=None,
        description="Only the instruments overdue (true) or not yet overdue (false) on `as_of`.",
    )


class InstrumentDueRead(InstrumentRead):
    """An instrument awaiting the agency's rectification report, judged on ``as_of``."""

    overdue: bool = Field(
        description="No reply recorded and `due_on` is before `as_of` (calendar days)."
    )
    days_left: int = Field(
        description="Calendar days from `as_of` to `due_on`; negative once overdue."
    )


class RecordReply(BaseModel):
    """The agency replied with its rectification report (issued or overdue → replied)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[InstrumentEventType.record_reply]
    occurred_on: PastDate
    reply: str = Field(min_length=1, max_length=8000)


class VerifyRectification(BaseModel):
    """The bureau verified the rectification (replied → rectified)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[InstrumentEventType.verify_rectification]
    occurred_on: PastDate


class MarkOverdue(BaseModel):
    """No reply by the due date (issued → overdue); ``occurred_on`` must be after ``due_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[InstrumentEventType.mark_overdue]
    occurred_on: PastDate


class Escalate(BaseModel):
    """The bureau escalates (issued or overdue → escalated) by talking with the agency's
    leaders (约谈), circulating criticism (通报) or referral (移送)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[InstrumentEventType.escalate]
    occurred_on: PastDate
    measure: EscalationMeasure


class RefuseRectification(BaseModel):
    """The bureau sends the reply back (replied → issued), optionally with a new due date."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[InstrumentEventType.refuse_rectification]
    occurred_on: PastDate
    reason: str = Field(min_length=1, max_length=4000)
    due_on: CaseDate | None = Field(
        default=None, description="New rectification due date; default unchanged."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> RefuseRectification:
        not_before(self.due_on, self.occurred_on, field="due_on", what="occurred_on")
        return self


InstrumentCommand = Annotated[
    RecordReply | VerifyRectification | MarkOverdue | Escalate | RefuseRectification,
    Field(discriminator="type"),
]


class InstrumentEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    instrument_id: uuid.UUID
    type: InstrumentEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
