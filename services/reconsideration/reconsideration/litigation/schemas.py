from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reconsideration.deadlines.models import DeadlineState, Unit
from reconsideration.deadlines.schemas import ClockStatus
from reconsideration.litigation.models import (
    JudgmentKind,
    LitigationClock,
    LitigationEventType,
    LitigationOutcome,
    LitigationStage,
    LitigationStatus,
)
from reconsideration.schemas import RegionCode
from shared.errors import InvalidInput
from shared.types import CaseDate, Label, PastDate, Prose


class LitigationCaseCreate(BaseModel):
    """A lawsuit as the complaint was received; it starts ``pending``."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    case_number: Label = Field(
        min_length=1, max_length=100, examples=["(2023)鄂1222行初12号"]
    )
    court: Label = Field(min_length=1, max_length=200, examples=["通城县人民法院"])
    defendant_agency: Label = Field(
        min_length=1, max_length=200, description="The defendant agency (被告)."
    )
    county_government_party: bool = Field(
        description="Whether the county government is a party (the report counts these)."
    )
    cause: Prose = Field(
        min_length=1, max_length=2000, description="Cause of action (案由)."
    )
    stage: LitigationStage
    filed_on: PastDate = Field(
        description="Date the complaint (起诉状副本) was received: the 15-day answer "
        "period counts from it (行政诉讼法 第67条)."
    )


class HearingCreate(BaseModel):
    """One hearing; name and post of the head are required when a head appeared, and only then."""

    model_config = ConfigDict(extra="forbid")

    held_on: PastDate
    head_appeared: bool = Field(
        description="A qualifying head of the defendant agency appeared (负责人出庭应诉)."
    )
    head_name: Label | None = Field(default=None, max_length=100)
    head_post: Label | None = Field(default=None, max_length=200, examples=["局长"])

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


class LitigationDeadlineRead(ClockStatus):
    """One clock of a lawsuit, in the shape of an application's clocks."""

    model_config = ConfigDict(frozen=True)

    clock: LitigationClock
    article: str
    unit: Unit = Unit.calendar_days
    days: int = Field(description="The statutory length, in calendar days.")
    starts_on: dt.date = Field(
        description="The day the clock counts from (not counted)."
    )
    due_on: dt.date | None = Field(
        description="The last day; null while its calendar year is unknown."
    )
    state: DeadlineState = Field(
        description="open, met (answered / appealed), ended (the case concluded without "
        "an answer / no appeal), or calendar_unknown."
    )
    met_on: dt.date | None
    unknown_year: int | None


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
    answered_on: dt.date | None
    answer_evidence_submitted: bool | None
    judgment_kind: JudgmentKind | None
    judgment_served_on: dt.date | None
    appeal_decided_on: dt.date | None
    appealed: bool | None
    deadlines: list[LitigationDeadlineRead] = Field(
        description="The answer and, after a first-instance judgment or ruling, the "
        "appeal window (calendar days, moved off rest days)."
    )
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
    due_before: CaseDate | None = Field(
        default=None,
        description="Cases with an open clock (answer or appeal) due on or before this "
        "day, overdue ones included, and those whose due day waits for a calendar year.",
    )


class Conclude(BaseModel):
    """The case ended on ``occurred_on`` (judgment, ruling, withdrawal or mediation) with
    ``outcome``. A first-instance case ended by a judgment or a ruling names it
    (``judgment_kind``) and the day it was served (``served_on``, default ``occurred_on``):
    the appeal window runs from that day (行政诉讼法 第85条)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[LitigationEventType.conclude]
    occurred_on: PastDate
    outcome: LitigationOutcome
    judgment_kind: JudgmentKind | None = None
    served_on: PastDate | None = Field(
        default=None, description="With judgment_kind: the day it was served."
    )

    @model_validator(mode="after")
    def _served(self) -> Conclude:
        if self.served_on is not None:
            if self.judgment_kind is None:
                raise InvalidInput(
                    "served_on applies with judgment_kind only",
                    field="served_on",
                    code="no_judgment",
                )
            if self.served_on < self.occurred_on:
                raise InvalidInput(
                    f"served_on is before occurred_on ({self.occurred_on})",
                    field="served_on",
                    code="too_early",
                )
        return self


class SubmitAnswer(BaseModel):
    """The defendant's answer (答辩状) was submitted on ``occurred_on``, with or without
    the evidence and normative documents of the act (行政诉讼法 第67条第1款). Once."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[LitigationEventType.submit_answer]
    occurred_on: PastDate
    evidence_submitted: bool


class DecideAppeal(BaseModel):
    """The defendant appealed on ``occurred_on``, or decided not to (行政诉讼法 第85条).
    Once, after a first-instance judgment or ruling; an appeal after the window is
    refused. The appeal itself is a new case at the second instance."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[LitigationEventType.decide_appeal]
    occurred_on: PastDate
    appealed: bool


LitigationCommand = Annotated[
    Conclude | SubmitAnswer | DecideAppeal, Field(discriminator="type")
]


class LitigationEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    type: LitigationEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
