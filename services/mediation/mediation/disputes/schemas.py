from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediation.disputes.models import (
    AgreementForm,
    DeadlineKind,
    DisputeEventType,
    DisputeSource,
    DisputeStatus,
    DisputeType,
    EscalationRisk,
    JudicialConfirmationStatus,
    MediationMode,
    PartyKind,
)
from mediation.schemas import RegionCode, TownshipCode
from shared.errors import InvalidInput
from shared.personal_data import (
    CreditCode,
    Phone,
    ResidentIdNumber,
    mask_id_number,
    mask_phone,
)
from shared.types import CaseDate, PastDate, Yuan


class DeadlineRead(BaseModel):
    """One deadline of a dispute, as of a day (today, Beijing time, unless the list was
    asked ``as_of`` another day)."""

    kind: DeadlineKind = Field(
        description="`time_limit`: the dispute's mediation time limit (concluded = done); "
        "`judicial_confirmation`: the 30 days from the agreement taking effect within which "
        "the parties may apply to a court (an application = done); `performance`: the "
        "agreement's performance due date (a follow-up finding it performed = done)."
    )
    due_on: dt.date = Field(description="The last day.")
    done_on: dt.date | None
    overdue: bool = Field(
        description="Not done and the last day has passed. For `judicial_confirmation`: "
        "the window closed without an application (applying is the parties' choice)."
    )
    days_left: int | None = Field(
        description="Days from the as-of day to the last day (negative when overdue); "
        "null once done."
    )


class PartyCreate(BaseModel):
    """A party; its ID number, credit code and phone are stored encrypted (domain.md §8)."""

    model_config = ConfigDict(extra="forbid")

    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)
    id_number: ResidentIdNumber | None = Field(
        default=None, description="A person's resident ID number (kind person only)."
    )
    credit_code: CreditCode | None = Field(
        default=None,
        description="An organisation's unified social credit code (kind organisation only).",
    )
    phone: Phone | None = None

    def masked(self) -> dict[str, Any]:
        """The party as an audit event may hold it: personal data masked."""
        out: dict[str, Any] = {"kind": str(self.kind), "name": self.name}
        if self.id_number is not None:
            out["id_number"] = mask_id_number(self.id_number)
        if self.credit_code is not None:
            out["credit_code"] = self.credit_code
        if self.phone is not None:
            out["phone"] = mask_phone(self.phone)
        return out


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: PartyKind
    name: str
    id_number: str | None = Field(
        default=None,
        description="Masked (first 4 and last 4) unless the caller has mediation:pii.",
    )
    credit_code: str | None = None
    phone: str | None = Field(
        default=None, description="Masked (3 + 4) unless the caller has mediation:pii."
    )


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
    partner_committee: str | None = Field(
        default=None,
        max_length=200,
        description="The partner committee in the other province (e.g. a joint border "
        "committee, 联合人民调解委员会); needs `partner_region_code`.",
    )
    registered_on: PastDate
    mediator_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=20,
        description="Mediators assigned at registration (人民调解法 Art. 19): mediators of "
        "the dispute's committee; later changed with the `assign_mediators` command.",
    )

    @model_validator(mode="after")
    def _identifiers_fit_the_kind(self) -> DisputeCreate:
        for i, party in enumerate(self.parties):
            if party.id_number is not None and party.kind is not PartyKind.person:
                raise InvalidInput(
                    "id_number applies to a party of kind person only",
                    field=f"parties.{i}.id_number",
                    code="not_a_person",
                )
            if (
                party.credit_code is not None
                and party.kind is not PartyKind.organisation
            ):
                raise InvalidInput(
                    "credit_code applies to a party of kind organisation only",
                    field=f"parties.{i}.credit_code",
                    code="not_an_organisation",
                )
        return self

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
                code="partner_region_required",
            )
        return self


class DisputeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_number: str = Field(
        description="通人调〔<year registered>〕<n>号: numbered per county and year."
    )
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
    partner_region_code: str | None = Field(
        description="County (GB/T 2260) of the partner in cross-border joint mediation "
        "(边界联调), if any."
    )
    partner_province_code: str | None = Field(
        default=None,
        description="The partner's province (GB/T 2260: the first two digits of "
        "`partner_region_code` followed by 0000), if any.",
        examples=["430000"],
    )
    partner_committee: str | None
    mediator_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="The mediators assigned (人民调解法 Art. 19), in the order they were "
        "registered as mediators.",
    )
    screening_round_id: uuid.UUID | None = Field(
        default=None,
        description="The screening round (排查) that found the dispute (source `screening`).",
    )
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
    agreement_effective_on: dt.date | None = Field(
        description="The day the agreement took effect (an oral one on the day it was reached)."
    )
    judicial_confirmation_window_ends_on: dt.date | None = Field(
        description="Last day to apply for judicial confirmation: agreement_effective_on + 30 "
        "calendar days, moved off a weekend or holiday to the next working day (人民调解法 "
        "Art. 33; 民诉法 Art. 85, 205)."
    )
    judicial_confirmation_status: JudicialConfirmationStatus | None
    judicial_confirmation_court: str | None
    judicial_confirmation_applied_on: dt.date | None
    judicial_confirmation_decided_on: dt.date | None
    judicial_confirmation_refusal_reason: str | None
    followed_up_on: dt.date | None = Field(
        description="Date of the latest performance follow-up (回访)."
    )
    agreement_performed: bool | None = Field(
        description="Whether the latest follow-up found the agreement performed."
    )
    on_watch_list: bool = Field(
        description="Flagged with an escalation risk and not cleared."
    )
    escalation_risks: list[EscalationRisk]
    escalation_risk_flagged_on: dt.date | None
    escalation_risk_reason: str | None
    deadlines: list[DeadlineRead] = Field(
        description="The time limit, and once resolved the judicial-confirmation window and "
        "the performance due date (if any), as of today."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class DueDisputeRead(BaseModel):
    """A dispute with the deadlines that make it due."""

    id: uuid.UUID
    case_number: str
    region_code: str
    township_code: str | None
    committee_id: uuid.UUID
    dispute_type: DisputeType
    status: DisputeStatus
    on_watch_list: bool
    deadlines: list[DeadlineRead] = Field(
        description="Only the deadlines that are due: open and last day on or before `due_before`."
    )


class DueFilters(BaseModel):
    due_before: CaseDate | None = Field(
        default=None,
        description="Deadlines whose last day is on or before this day (default: as_of + 7 days).",
    )
    as_of: CaseDate | None = Field(
        default=None,
        description="The day deadlines are judged on (default today, Beijing time).",
    )
    kind: DeadlineKind | None = None
    township_code: TownshipCode | None = None
    committee_id: uuid.UUID | None = None


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
    party_id_number: ResidentIdNumber | None = Field(
        default=None, description="A party's resident ID number (found by its hash)."
    )
    watch_list: bool | None = Field(
        default=None,
        description="true: only disputes flagged with an escalation risk (the watch list); "
        "false: only those not flagged.",
    )
    screening_round_id: uuid.UUID | None = Field(
        default=None, description="Disputes found by this screening round."
    )
    mediator_id: uuid.UUID | None = Field(
        default=None,
        description="Disputes this mediator is assigned to (a mediator's own case list).",
    )


class AssignMediators(BaseModel):
    """The committee designates (or the parties choose) the mediators of the dispute
    (人民调解法 Art. 19); they replace those assigned before."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.assign_mediators]
    occurred_on: PastDate
    mediator_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=20,
        description="Mediators of the dispute's committee (`/mediators`).",
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
    effective_on: PastDate | None = Field(
        default=None,
        description="The day the agreement took effect: a written one once signed and sealed "
        "(not before it was reached), an oral one on the day it was reached (人民调解法 "
        "Art. 29–30). Default: the resolve date. The judicial-confirmation window counts "
        "from it.",
    )


class Resolve(BaseModel):
    """Mediation succeeded: an agreement was reached on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.resolve]
    occurred_on: PastDate
    agreement: AgreementCreate = Field(
        description="Required: a dispute is resolved only by an agreement (人民调解法 Art. "
        "28); a mediation that reached none ends with `fail`."
    )

    @model_validator(mode="before")
    @classmethod
    def _agreement_recorded(cls, data: Any) -> Any:
        """A missing or null ``agreement`` is refused with a problem naming it, not
        pydantic's bare "Field required"."""
        if isinstance(data, dict) and data.get("agreement") is None:
            raise InvalidInput(
                "a dispute is resolved by an agreement (人民调解法 Art. 28); record the "
                "agreement (its form, terms and, if any, performance due date), or use "
                "fail when mediation reached none",
                field="agreement",
                code="agreement_required",
            )
        return data


class Fail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.fail]
    occurred_on: PastDate
    reason: str = Field(min_length=1, max_length=2000)


class FlagEscalationRisk(BaseModel):
    """The dispute risks turning criminal (民转刑) or into a group petition (群体性上访):
    it goes on the watch list (人民调解法 Art. 25)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.flag_escalation_risk]
    occurred_on: PastDate
    risks: list[EscalationRisk] = Field(min_length=1, max_length=2)
    reason: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _distinct(self) -> FlagEscalationRisk:
        if len(set(self.risks)) != len(self.risks):
            raise InvalidInput(
                "risks lists a risk twice", field="risks", code="duplicate"
            )
        return self


class ClearEscalationRisk(BaseModel):
    """The risk has passed: the dispute leaves the watch list."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.clear_escalation_risk]
    occurred_on: PastDate
    reason: str = Field(min_length=1, max_length=2000)


class FollowUp(BaseModel):
    """A performance follow-up visit (回访, 人民调解法 Art. 31) on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.follow_up]
    occurred_on: PastDate
    performed: bool = Field(description="Whether the agreement has been performed.")
    note: str | None = Field(default=None, max_length=2000)


class ApplyForConfirmation(BaseModel):
    """The parties jointly applied to a court for judicial confirmation (司法确认)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.apply_for_confirmation]
    occurred_on: PastDate
    court: str | None = Field(default=None, max_length=200)


class ConfirmAgreement(BaseModel):
    """The court confirmed the agreement: it is enforceable."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.confirm_agreement]
    occurred_on: PastDate


class RefuseConfirmation(BaseModel):
    """The court refused to confirm the agreement."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[DisputeEventType.refuse_confirmation]
    occurred_on: PastDate
    reason: str = Field(min_length=1, max_length=2000)


DisputeCommand = Annotated[
    AssignMediators
    | StartMediation
    | Resolve
    | Fail
    | FlagEscalationRisk
    | ClearEscalationRisk
    | FollowUp
    | ApplyForConfirmation
    | ConfirmAgreement
    | RefuseConfirmation,
    Field(discriminator="type"),
]


class DisputeEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    dispute_id: uuid.UUID
    type: DisputeEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
