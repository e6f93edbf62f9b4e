from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediation.disputes.models import (
    AgreementForm,
    DisputeEventType,
    DisputeSource,
    DisputeStatus,
    DisputeType,
    MediationMode,
    PartyKind,
)
from mediation.schemas import RegionCode, TownshipCode
from shared.errors import InvalidInput
from shared.types import CaseDate, PastDate, Yuan


class PartyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: PartyKind
    name: str


class DisputeCreate(BaseModel):
    """A dispute registered for mediation; it starts in ``registered``.

    Region comes from the committee; ``township_code`` defaults to the committee's.
    """

    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID
    township_code: TownshipCode | None = None
    dispute_type: DisputeType
    source: DisputeSource
    mode: MediationMode = MediationMode.on_site
    summary: str = Field(min_length=1, max_length=4000)
    parties: list[PartyCreate] = Field(
        min_length=2, max_length=50, description="At least two parties."
    )
    amount_involved: Yuan | None = None
    cost_saved: Yuan | None = Field(
        default=None,
        description="Estimated travel and lost-work cost saved for the parties by remote video mediation (yuan).",
    )
    partner_region_code: RegionCode | None = Field(
        default=None,
        description="County of the partner in cross-border joint mediation (边界联调).",
    )
    partner_committee: str | None = Field(default=None, max_length=200)
    registered_on: CaseDate

    @model_validator(mode="after")
    def _cost_saved_only_for_remote(self) -> DisputeCreate:
        if self.cost_saved is not None and self.mode is not MediationMode.remote_video:
            raise InvalidInput(
                "cost_saved applies to remote_video mediation only",
                field="cost_saved",
                code="not_remote",
            )
        if self.partner_committee and not self.partner_region_code:
            raise InvalidInput(
                "partner_committee needs partner_region_code",
                field="partner_region_code",
                code="missing",
            )
        return self


class DisputeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    township_code: str | None
    committee_id: uuid.UUID
    dispute_type: DisputeType
    source: DisputeSource
    mode: MediationMode
    summary: str
    parties: list[PartyRead]
    amount_involved: Decimal | None
    cost_saved: Decimal | None
    partner_region_code: str | None
    partner_committee: str | None
    registered_on: dt.date
    time_limit_due_on: dt.date = Field(
        description="registered_on + the time limit (calendar days, configurable)."
    )
    status: DisputeStatus
    mediation_started_on: dt.date | None
    concluded_on: dt.date | None
    failure_reason: str | None
    agreement_form: AgreementForm | None
    agreement_terms: str | None
    performance_due_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class DisputeFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    committee_id: uuid.UUID | None = None
    status: DisputeStatus | None = None
    dispute_type: DisputeType | None = None
    mode: MediationMode | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Registered in this year."
    )


class StartMediation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.start_mediation]
    occurred_on: PastDate


class AgreementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    form: AgreementForm
    terms: str = Field(min_length=1, max_length=8000)
    performance_due_on: CaseDate | None = None


class Resolve(BaseModel):
    """Mediation succeeded: an agreement was reached on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.resolve]
    occurred_on: PastDate
    agreement: AgreementCreate


class Fail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.fail]
    occurred_on: PastDate
    reason: str = Field(min_length=1, max_length=2000)


DisputeCommand = Annotated[StartMediation | Resolve | Fail, Field(discriminator="type")]


class DisputeEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    dispute_id: uuid.UUID
    type: DisputeEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
