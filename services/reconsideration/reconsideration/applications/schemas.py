from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reconsideration.applications.models import (
    ApplicantKind,
    ApplicationEventType,
    ApplicationStatus,
    ConsultationGround,
    DecisionApproval,
    DecisionType,
    HearingMode,
    MatterType,
    Procedure,
    ReceiptChannel,
    SuspensionGround,
    TerminationGround,
)
from reconsideration.deadlines.schemas import ApplicationDeadlineRead
from reconsideration.deadlines.tracking import CLOCK_ORDER
from reconsideration.schemas import (
    RegionCode,
    TownshipCode,
    not_before,
    township_in_region,
)
from shared.errors import InvalidInput
from shared.personal_data import CreditCode, Phone, ResidentIdNumber
from shared.types import CaseDate, Label, PastDate, Prose

#: The Administrative Reconsideration Law (1999) took effect: no application before it.
LAW_1999_IN_FORCE = dt.date(1999, 10, 1)

#: The fields each forwarding channel requires (and the others refuse): who received the
#: application first, and when.
CHANNEL_FIELDS: dict[ReceiptChannel, tuple[str, str]] = {
    ReceiptChannel.agency_point: ("agency_point_id", "agency_point_received_on"),
    ReceiptChannel.forwarded_by_agency: (
        "forwarding_agency",
        "forwarding_agency_received_on",
    ),
}


def _channel_rule(channel: str, *fields: str) -> dict[str, Any]:
    return {
        "if": {"properties": {"receipt_channel": {"const": channel}}},
        "then": {
            "required": list(fields),
            "properties": {f: {"type": "string"} for f in fields},
        },
        "else": {"properties": {f: {"type": "null"} for f in fields}},
    }


class ApplicationCreate(BaseModel):
    """An application as the reconsideration office received it; it starts in ``received``.

    An application received first by someone else keeps both receipt dates, theirs and
    ``received_on``, the office's receipt, which starts the clocks (复议法(2023) 第30条):
    handed in at an agency point (``receipt_channel`` ``agency_point``:
    ``agency_point_id``, ``agency_point_received_on``), or at the penalising agency, which
    forwards it within 5 working days (``forwarded_by_agency``, 第32条:
    ``forwarding_agency``, ``forwarding_agency_received_on``; its ``forwarding`` clock
    shows whether it did). ``township_code`` defaults to the agency point's township.
    """

    model_config = ConfigDict(
        extra="forbid",
        # The channel rules of `_receipt`, stated in the OpenAPI document too.
        json_schema_extra={
            "allOf": [
                _channel_rule(
                    "agency_point", "agency_point_id", "agency_point_received_on"
                ),
                _channel_rule(
                    "forwarded_by_agency",
                    "forwarding_agency",
                    "forwarding_agency_received_on",
                ),
            ]
        },
    )

    region_code: RegionCode
    township_code: TownshipCode | None = None
    received_on: PastDate = Field(
        description="Date the reconsideration office received the application; from "
        "1999-10-01, when the Administrative Reconsideration Law took effect (its "
        "clocks need a law version)."
    )
    receipt_channel: ReceiptChannel
    agency_point_id: uuid.UUID | None = Field(
        default=None,
        description="The agency point (代办点) that received it; required for channel agency_point.",
    )
    agency_point_received_on: PastDate | None = Field(
        default=None,
        description="Date the agency point received it; required for channel agency_point.",
    )
    forwarding_agency: Label | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The penalising agency that received the application and forwarded "
        "it (复议法(2023) 第32条); required for channel forwarded_by_agency.",
    )
    forwarding_agency_received_on: PastDate | None = Field(
        default=None,
        description="Date the penalising agency received it; required for channel "
        "forwarded_by_agency.",
    )
    applicant_name: Label = Field(min_length=1, max_length=200, examples=["张某"])
    applicant_kind: ApplicantKind
    applicant_id_number: ResidentIdNumber | None = Field(
        default=None,
        description="A person's resident ID number (居民身份证号, 18 characters); stored encrypted.",
    )
    applicant_credit_code: CreditCode | None = Field(
        default=None,
        description="An organisation's unified social credit code (统一社会信用代码); stored encrypted.",
    )
    applicant_phone: Phone | None = Field(
        default=None, description="The applicant's phone; stored encrypted."
    )
    respondent: Label = Field(
        min_length=1, max_length=200, description="The agency whose act is contested."
    )
    matter_type: MatterType

    @model_validator(mode="after")
    def _receipt(self) -> ApplicationCreate:
        township_in_region(self.region_code, self.township_code)
        for field, kind in (
            ("applicant_id_number", ApplicantKind.person),
            ("applicant_credit_code", ApplicantKind.organisation),
        ):
            if getattr(self, field) is not None and self.applicant_kind is not kind:
                raise InvalidInput(
                    f"{field} applies to applicant_kind {kind} only",
                    field=field,
                    code=f"not_{kind}",
                )
        for channel, fields in CHANNEL_FIELDS.items():
            via = self.receipt_channel is channel
            for field in fields:
                given = getattr(self, field) is not None
                if via and not given:
                    raise InvalidInput(
                        f"{field} is required for receipt_channel {channel}",
                        field=field,
                        code="missing",
                    )
                if given and not via:
                    raise InvalidInput(
                        f"{field} applies to receipt_channel {channel} only",
                        field=field,
                        code=f"not_{channel}",
                    )
            first = getattr(self, fields[1])
            if first is not None and first > self.received_on:
                raise InvalidInput(
                    f"{fields[1]} is after received_on",
                    field=fields[1],
                    code="too_late",
                )
        for field in ("received_on", *(f for _, f in CHANNEL_FIELDS.values())):
            day = getattr(self, field)
            if day is not None and day < LAW_1999_IN_FORCE:
                raise InvalidInput(
                    f"{field} is before {LAW_1999_IN_FORCE}, when the Administrative "
                    "Reconsideration Law took effect",
                    field=field,
                    code="before_the_law",
                )
        return self


class HearingRead(BaseModel):
    """A hearing (听证) of the application (复议法(2023) 第50-51条)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    hearing_on: dt.date
    notified_on: dt.date = Field(
        description="The day the parties were notified (due 5 working days before)."
    )
    mode: HearingMode
    place: str | None
    presiding_officer: str
    held_on: dt.date | None = Field(description="Null until the hearing is recorded.")
    applicant_appeared: bool | None
    respondent_head_appeared: bool | None
    respondent_representative: str | None


class CommitteeConsultationRead(BaseModel):
    """The reconsideration committee's opinion (复议法(2023) 第52条); not binding."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    consulted_on: dt.date
    ground: ConsultationGround
    opinion: str
    votes_for: int | None
    votes_against: int | None
    votes_abstaining: int | None


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_number: str = Field(
        description="通政复〔<year received>〕<n>号: numbered per county and year."
    )
    region_code: str
    township_code: str | None
    received_on: dt.date
    receipt_channel: ReceiptChannel
    agency_point_id: uuid.UUID | None
    agency_point_received_on: dt.date | None
    forwarding_agency: str | None
    forwarding_agency_received_on: dt.date | None
    applicant_name: str
    applicant_kind: ApplicantKind
    applicant_id_number: str | None = Field(
        default=None,
        description="Masked (`4201**********1234`) unless the caller has `reconsideration:pii`.",
    )
    applicant_credit_code: str | None = Field(
        default=None,
        description="Masked (first 4 and last 4) unless the caller has `reconsideration:pii`.",
    )
    applicant_phone: str | None = Field(
        default=None,
        description="Masked (`138****8000`) unless the caller has `reconsideration:pii`.",
    )
    respondent: str
    matter_type: MatterType
    procedure: Procedure | None
    status: ApplicationStatus
    status_since: dt.date = Field(description="Date of the latest lifecycle step.")
    deemed_accepted: bool = Field(
        description="Accepted by operation of law (视为受理, 复议法 Art. 30), not by a person."
    )
    accepted_on: dt.date | None
    not_accepted_on: dt.date | None
    not_accept_reason: str | None
    competent_organ: str | None
    correction_items: list[str] | None = Field(
        description="Missing items of the latest correction request."
    )
    correction_received_on: dt.date | None = Field(
        description="The day the applicant received the latest correction notice (the "
        "correction period counts from it); null while unknown."
    )
    copied_to_respondent_on: dt.date | None
    respondent_received_copy_on: dt.date | None = Field(
        description="The respondent's receipt of the copy: starts its reply period."
    )
    respondent_replied_on: dt.date | None
    respondent_evidence_submitted: bool | None = Field(
        description="The reply came with the act's evidence and basis (复议法(2023) 第48条, 第70条)."
    )
    hearings: list[HearingRead]
    committee_consultations: list[CommitteeConsultationRead]
    suspension_ground: SuspensionGround | None = Field(
        description="Ground of the current or latest suspension."
    )
    concluded_on: dt.date | None
    decision_type: DecisionType | None
    partial_revocation: bool | None
    redo_ordered: bool | None
    redo_deadline: dt.date | None
    performance_deadline: dt.date | None
    decision_approval: DecisionApproval | None
    collective_discussion_id: uuid.UUID | None
    termination_ground: TerminationGround | None
    decision_extension_days: int | None = Field(
        description="The approved extension of the decision period (复议法 Art. 62)."
    )
    decision_extension_approved_by: str | None
    deadlines: list[ApplicationDeadlineRead] = Field(
        description="The statutory clocks (domain.md §3.2), in lifecycle order."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @field_validator("deadlines")
    @classmethod
    def _lifecycle_order(
        cls, value: list[ApplicationDeadlineRead]
    ) -> list[ApplicationDeadlineRead]:
        return sorted(value, key=lambda d: CLOCK_ORDER[d.clock])


class ApplicationFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    status: ApplicationStatus | None = None
    matter_type: MatterType | None = None
    receipt_channel: ReceiptChannel | None = None
    agency_point_id: uuid.UUID | None = None
    decision_type: DecisionType | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Received in this year."
    )
    applicant_id_number: ResidentIdNumber | None = Field(
        default=None,
        description="The applicant's resident ID number, in any accepted form (found by its keyed hash).",
    )


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_on: PastDate = Field(
        description="Date of the step; not before the previous step."
    )


class StartReview(_Command):
    type: Literal[ApplicationEventType.start_review]


CorrectionItem = Annotated[Prose, Field(min_length=1, max_length=500)]


class RequestCorrection(_Command):
    """补正通知 (复议法 Art. 31): every missing item is listed at once."""

    type: Literal[ApplicationEventType.request_correction]
    items: list[CorrectionItem] = Field(
        min_length=1, max_length=50, description="Every missing item, all at once."
    )
    applicant_received_on: PastDate | None = Field(
        default=None,
        description="The day the applicant received the notice, when already known (else "
        "record_correction_receipt later): the applicant's correction period counts from "
        "it (复议法(2023) 第31条). While unknown it counts from `occurred_on`.",
    )

    @model_validator(mode="after")
    def _received_after_sent(self) -> RequestCorrection:
        if self.applicant_received_on is not None:
            not_before(
                self.applicant_received_on,
                self.occurred_on,
                field="applicant_received_on",
                what="occurred_on",
            )
        return self


class RecordCorrectionReceipt(_Command):
    """The applicant received the correction notice on ``occurred_on`` (the delivery
    receipt's date): the applicant's correction period counts from it (复议法(2023)
    第31条). Once per notice."""

    type: Literal[ApplicationEventType.record_correction_receipt]


class RecordCorrection(_Command):
    type: Literal[ApplicationEventType.record_correction]


class DeemAbandoned(_Command):
    """The applicant did not correct in time without good reason (复议法 Art. 31)."""

    type: Literal[ApplicationEventType.deem_abandoned]


class Accept(_Command):
    type: Literal[ApplicationEventType.accept]
    procedure: Procedure = Field(
        default=Procedure.ordinary,
        description="普通程序 (default) or 简易程序 (复议法 Art. 53).",
    )


class DeemAccepted(_Command):
    """No decision within the acceptance review period: accepted by operation of law (复议法 Art. 30)."""

    type: Literal[ApplicationEventType.deem_accepted]


class NotAccept(_Command):
    type: Literal[ApplicationEventType.not_accept]
    reason: Prose = Field(min_length=1, max_length=2000)
    competent_organ: Label | None = Field(
        default=None,
        max_length=200,
        description="The competent reconsideration organ, when jurisdiction is wrong.",
    )


class CopyToRespondent(_Command):
    """The copy of the application (or of the oral record) sent to the respondent
    (复议法(2023) 第48条, 第54条); ``occurred_on`` is the day it was sent."""

    type: Literal[ApplicationEventType.copy_to_respondent]
    respondent_received_on: PastDate | None = Field(
        default=None,
        description="The respondent's receipt, when already known (else "
        "record_respondent_receipt later): starts its reply period.",
    )

    @model_validator(mode="after")
    def _received_after_sent(self) -> CopyToRespondent:
        if self.respondent_received_on is not None:
            not_before(
                self.respondent_received_on,
                self.occurred_on,
                field="respondent_received_on",
                what="occurred_on",
            )
        return self


class RecordRespondentReceipt(_Command):
    """The respondent received the copy on ``occurred_on`` (the delivery receipt's date):
    its reply period starts (复议法(2023) 第48条, 第54条). Once."""

    type: Literal[ApplicationEventType.record_respondent_receipt]


class RecordRespondentReply(_Command):
    """The respondent's written reply (答复) came in on ``occurred_on`` (复议法(2023)
    第48条). Once."""

    type: Literal[ApplicationEventType.record_respondent_reply]
    evidence_submitted: bool = Field(
        description="It came with the evidence, basis and materials of the act; without "
        "them the act counts as having none (第70条)."
    )


class ScheduleHearing(_Command):
    """Schedule a hearing (听证, 复议法(2023) 第50-51条); ``occurred_on`` is the day the
    parties were notified, due 5 working days before the hearing (the ``hearing_notice``
    clock shows a late notice; the 1999 law has no notice period). Scheduling again
    before the hearing is held reschedules it."""

    type: Literal[ApplicationEventType.schedule_hearing]
    hearing_on: CaseDate = Field(description="The hearing day, after occurred_on.")
    mode: HearingMode = HearingMode.in_person
    place: Label | None = Field(default=None, min_length=1, max_length=200)
    presiding_officer: Label = Field(
        min_length=1,
        max_length=200,
        description="A staff member of the reconsideration office (第51条第3款).",
    )

    @model_validator(mode="after")
    def _after_notice(self) -> ScheduleHearing:
        if self.hearing_on <= self.occurred_on:
            raise InvalidInput(
                "hearing_on is not after occurred_on (the notice)",
                field="hearing_on",
                code="too_early",
            )
        return self


class RecordHearing(_Command):
    """The scheduled hearing was held on ``occurred_on`` (its ``hearing_on``), with who
    appeared (复议法(2023) 第51条: the respondent's head should attend, or explain and send
    staff)."""

    type: Literal[ApplicationEventType.record_hearing]
    applicant_appeared: bool = Field(
        description="An applicant absent without good reason waives the hearing."
    )
    respondent_head_appeared: bool
    respondent_representative: Label | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Who spoke for the respondent: the head, or the staff sent.",
    )


class RecordCommitteeConsultation(_Command):
    """The reconsideration committee's (行政复议委员会) opinion on the case (复议法(2023)
    第52条): recorded, an important reference for the decision, not binding."""

    type: Literal[ApplicationEventType.record_committee_consultation]
    ground: ConsultationGround
    opinion: Prose = Field(min_length=1, max_length=10000)
    votes_for: int | None = Field(default=None, ge=0, le=1000)
    votes_against: int | None = Field(default=None, ge=0, le=1000)
    votes_abstaining: int | None = Field(default=None, ge=0, le=1000)


class _Notified(_Command):
    notice_served_on: PastDate | None = Field(
        default=None,
        description="The day the written notice was served; not before occurred_on.",
    )

    @model_validator(mode="after")
    def _served_after(self) -> _Notified:
        if self.notice_served_on is not None:
            not_before(
                self.notice_served_on,
                self.occurred_on,
                field="notice_served_on",
                what="occurred_on",
            )
        return self


class Suspend(_Notified):
    """中止 (复议法(2023) 第39条): the decision period stops. Both the suspension and the
    resumption are notified to the parties in writing (第39条第2-3款)."""

    type: Literal[ApplicationEventType.suspend]
    ground: SuspensionGround
    reason: Prose | None = Field(default=None, min_length=1, max_length=2000)


class Resume(_Notified):
    type: Literal[ApplicationEventType.resume]


class Decide(_Command):
    """A decision (复议决定, domain.md §3.4). ``partial_revocation`` and ``redo_ordered`` only
    with ``revoke`` (复议法(2023) 第64条), ``redo_deadline`` only with a redo order;
    ``performance_deadline`` is required with ``order_performance`` (第66条) and allowed with
    it only. ``approval`` says how it was approved (第61条): by the organ's responsible
    person, or by the collective discussion ``collective_discussion_id`` (a meeting of the
    county, held by ``occurred_on``, that lists this application)."""

    type: Literal[ApplicationEventType.decide]
    decision_type: DecisionType
    partial_revocation: bool | None = Field(
        default=None, description="revoke only: part of the act is revoked (部分撤销)."
    )
    redo_ordered: bool | None = Field(
        default=None, description="revoke only: the respondent must act again."
    )
    redo_deadline: CaseDate | None = Field(
        default=None, description="With redo_ordered: the time limit to act again."
    )
    performance_deadline: CaseDate | None = Field(
        default=None, description="order_performance only."
    )
    approval: DecisionApproval | None = None
    collective_discussion_id: uuid.UUID | None = Field(
        default=None, description="Required with approval collective_discussion."
    )

    @model_validator(mode="after")
    def _decision_details(self) -> Decide:
        for field in ("partial_revocation", "redo_ordered"):
            if (
                getattr(self, field) is not None
                and self.decision_type is not DecisionType.revoke
            ):
                raise InvalidInput(
                    f"{field} applies to revoke only",
                    field=field,
                    code="not_revoke",
                )
        if self.redo_deadline is not None:
            if not self.redo_ordered:
                raise InvalidInput(
                    "redo_deadline applies to a revocation with redo_ordered only",
                    field="redo_deadline",
                    code="no_redo_order",
                )
            not_before(
                self.redo_deadline,
                self.occurred_on,
                field="redo_deadline",
                what="occurred_on",
            )
        by_meeting = self.approval is DecisionApproval.collective_discussion
        if by_meeting and self.collective_discussion_id is None:
            raise InvalidInput(
                "collective_discussion_id is required for approval collective_discussion",
                field="collective_discussion_id",
                code="missing",
            )
        if not by_meeting and self.collective_discussion_id is not None:
            raise InvalidInput(
                "collective_discussion_id applies to approval collective_discussion only",
                field="collective_discussion_id",
                code="not_collective_discussion",
            )
        if self.decision_type is DecisionType.order_performance:
            if self.performance_deadline is None:
                raise InvalidInput(
                    "performance_deadline is required for order_performance",
                    field="performance_deadline",
                    code="missing",
                )
            not_before(
                self.performance_deadline,
                self.occurred_on,
                field="performance_deadline",
                what="occurred_on",
            )
        elif self.performance_deadline is not None:
            raise InvalidInput(
                "performance_deadline applies to order_performance only",
                field="performance_deadline",
                code="not_order_performance",
            )
        return self


class Terminate(_Command):
    """终止 (复议法(2023) 第41条, 第74条); see TerminationGround. ``suspension_not_lifted``
    needs a case suspended on ground applicant_died, applicant_incapacitated or
    organisation_terminated for at least 60 calendar days by ``occurred_on``."""

    type: Literal[ApplicationEventType.terminate]
    ground: TerminationGround
    settlement_terms: Prose | None = Field(
        default=None,
        min_length=1,
        max_length=10000,
        description="settlement only: what the parties agreed (和解协议).",
    )

    @model_validator(mode="after")
    def _terms(self) -> Terminate:
        if (
            self.settlement_terms is not None
            and self.ground is not TerminationGround.settlement
        ):
            raise InvalidInput(
                "settlement_terms applies to ground settlement only",
                field="settlement_terms",
                code="not_settlement",
            )
        return self


class RecordMediationStatement(_Command):
    """A mediation statement (调解书) signed by the parties and sealed by the organ
    (复议法(2023) 第73条); ``occurred_on`` is the day it took effect."""

    type: Literal[ApplicationEventType.record_mediation_statement]
    terms: Prose | None = Field(
        default=None,
        min_length=1,
        max_length=10000,
        description="What the statement settles.",
    )


class Extend(_Command):
    """Extend the decision period (复议法(2023) Art. 62(1); 1999/2017 law Art. 31): at most
    30 days, once, approved by the head of the reconsideration office; ordinary procedure
    only, while the case is accepted or in progress and its period still runs."""

    type: Literal[ApplicationEventType.extend]
    days: int = Field(ge=1, le=30, description="Days added to the decision period.")
    approved_by: Label = Field(
        min_length=1, max_length=200, description="The head who approved it."
    )
    reason: Prose = Field(min_length=1, max_length=2000)


class SwitchProcedure(_Command):
    """Move a simplified case to the ordinary procedure (复议法(2023) Art. 55), with the
    approval of the head of the reconsideration office."""

    type: Literal[ApplicationEventType.switch_procedure]
    procedure: Literal[Procedure.ordinary] = Procedure.ordinary
    approved_by: Label = Field(min_length=1, max_length=200)
    reason: Prose | None = Field(default=None, max_length=2000)


ApplicationCommand = Annotated[
    StartReview
    | RequestCorrection
    | RecordCorrectionReceipt
    | RecordCorrection
    | DeemAbandoned
    | Accept
    | DeemAccepted
    | NotAccept
    | CopyToRespondent
    | RecordRespondentReceipt
    | RecordRespondentReply
    | ScheduleHearing
    | RecordHearing
    | RecordCommitteeConsultation
    | Suspend
    | Resume
    | Decide
    | Terminate
    | RecordMediationStatement
    | Extend
    | SwitchProcedure,
    Field(discriminator="type"),
]


class ApplicationEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    application_id: uuid.UUID
    type: ApplicationEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
