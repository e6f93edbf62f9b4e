from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from reconsideration.deadlines.models import Clock
from reconsideration.deadlines.statutes import law_for
from reconsideration.opinion_letters.models import (
    OpinionLetterEventType,
    OpinionLetterStatus,
)
from reconsideration.schemas import RegionCode, not_before
from shared.types import Label, PastDate, Prose, today

ReplyState = Literal[
    "due", "overdue", "calendar_unknown", "replied_on_time", "replied_late"
]


class OpinionLetterCreate(BaseModel):
    """A letter starts ``issued``; its reply is due 60 calendar days after ``received_on``
    (a last day off work moves to the next working day)."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    agency: Label = Field(
        min_length=1,
        max_length=200,
        description="The agency the letter is addressed to.",
    )
    subject: Prose | None = Field(
        default=None, max_length=4000, description="The wrongful act or practice found."
    )
    issued_on: PastDate
    received_on: PastDate = Field(
        description="Date the agency received the letter; starts the 60-day reply period."
    )

    @model_validator(mode="after")
    def _received_after_issue(self) -> OpinionLetterCreate:
        not_before(
            self.received_on, self.issued_on, field="received_on", what="issued_on"
        )
        return self


def replied_on_time(
    *, received_on: dt.date, due_on: dt.date | None, replied_on: dt.date | None
) -> bool | None:
    """Whether a reply on ``replied_on`` to a letter the agency received on
    ``received_on`` came within the time limit (60 calendar days, 复议法(2023) Art. 76):
    on or before ``due_on``. While the due day is unknown (its year not loaded) a reply on
    or before the 60th day is on time whatever the calendar says (the due day is that day
    or later), a later one is None (not known yet); no reply is False."""
    if replied_on is None:
        return False
    if due_on is not None:
        return replied_on <= due_on
    days = law_for(received_on).rule(Clock.opinion_letter_reply).days
    if replied_on <= received_on + dt.timedelta(days=days):
        return True
    return None


class OpinionLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    agency: str
    subject: str | None
    issued_on: dt.date
    received_on: dt.date
    due_on: dt.date | None = Field(
        description="received_on + 60 calendar days (复议法 Art. 76), moved to the next "
        "working day when it is a weekend or a holiday; null while it needs a calendar "
        "year nobody loaded (`due_unknown_year`)."
    )
    due_unknown_year: int | None = Field(
        description="The year to load with `PUT /api/v1/calendar-years/{year}`."
    )
    status: OpinionLetterStatus
    replied_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @computed_field(  # type: ignore[prop-decorator]
        description="`due` (not replied, due day not passed), `overdue` (not replied, "
        "due day before today in Asia/Shanghai), `calendar_unknown` (due day unknown: not "
        "replied, or replied after the 60th day), `replied_on_time` (a reply within the 60 "
        "days is on time even while the due day is unknown), `replied_late`."
    )
    @property
    def reply_state(self) -> ReplyState:
        if self.replied_on is not None:
            on_time = replied_on_time(
                received_on=self.received_on,
                due_on=self.due_on,
                replied_on=self.replied_on,
            )
            if on_time is None:
                return "calendar_unknown"
            return "replied_on_time" if on_time else "replied_late"
        if self.due_on is None:
            return "calendar_unknown"
        return "overdue" if self.due_on < today() else "due"


class OpinionLetterFilters(BaseModel):
    region_code: RegionCode | None = None
    status: OpinionLetterStatus | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Issued in this year."
    )


class RecordReply(BaseModel):
    """The agency's correction report arrived on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[OpinionLetterEventType.record_reply]
    occurred_on: PastDate


# A union of one for now: later commands (e.g. verify) join it without changing the endpoint.
OpinionLetterCommand = Annotated[RecordReply, Field(discriminator="type")]


class OpinionLetterEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    opinion_letter_id: uuid.UUID
    type: OpinionLetterEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
