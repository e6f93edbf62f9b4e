from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from reconsideration.applications.models import (
    ApplicantKind,
    ApplicationEventType,
    ApplicationStatus,
    DecisionType,
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
from shared.types import CaseDate, PastDate


class ApplicationCreate(BaseModel):
    """An application as the reconsideration office received it; it starts in ``received``.

    An application handed in at an agency point (``receipt_channel`` ``agency_point``) keeps both
    receipt dates: ``agency_point_received_on`` and ``received_on``, the office's receipt, which
    starts the clocks (复议法 Art. 30). ``township_code`` defaults to the agency point's township.
    """

    model_config = ConfigDict(
        extra="forbid",
        # The channel rule of `_receipt`, stated in the OpenAPI document too.
        json_schema_extra={
            "if": {"properties": {"receipt_channel": {"const": "agency_point"}}},
            "then": {
                "required": ["agency_point_id", "agency_point_received_on"],
                "properties": {
                    "agency_point_id": {"type": "string"},
                    "agency_point_received_on": {"type": "string"},
                },
            },
            "else": {
                "properties": {
                    "agency_point_id": {"type": "null"},
                    "agency_point_received_on": {"type": "null"},
                }
            },
        },
    )

    region_code: RegionCode
    township_code: TownshipCode | None = None
    received_on: PastDate = Field(
        description="Date the reconsideration office received the application."
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
    applicant_name: str = Field(min_length=1, max_length=200, examples=["张某"])
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
    respondent: str = Field(
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
        via_point = self.receipt_channel is ReceiptChannel.agency_point
        for field in ("agency_point_id", "agency_point_received_on"):
            given = getattr(self, field) is not None
            if via_point and not given:
                raise InvalidInput(
                    f"{field} is required for receipt_channel agency_point",
                    field=field,
                    code="missing",
                )
            if given and not via_point:
                raise InvalidInput(
                    f"{field} applies to receipt_channel agency_point only",
                    field=field,
                    code="not_agency_point",
                )
        if (
            self.agency_point_received_on is not None
            and self.agency_point_received_on > self.received_on
        ):
            raise InvalidInput(
                "agency_point_received_on is after received_on",
                field="agency_point_received_on",
                code="too_late",
            )
        return self


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
    copied_to_respondent_on: dt.date | None
    suspension_ground: SuspensionGround | None = Field(
        description="Ground of the current or latest suspension."
    )
    concluded_on: dt.date | None
    decision_type: DecisionType | None
    redo_ordered: bool | None
    performance_deadline: dt.date | None
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


CorrectionItem = Annotated[str, Field(min_length=1, max_length=500)]


class RequestCorrection(_Command):
    """补正通知 (复议法 Art. 31): every missing item is listed at once."""

    type: Literal[ApplicationEventType.request_correction]
    items: list[CorrectionItem] = Field(
        min_length=1, max_length=50, description="Every missing item, all at once."
    )


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
    reason: str = Field(min_length=1, max_length=2000)
    competent_organ: str | None = Field(
        default=None,
        max_length=200,
        description="The competent reconsideration organ, when jurisdiction is wrong.",
    )


class CopyToRespondent(_Command):
    type: Literal[ApplicationEventType.copy_to_respondent]


class Suspend(_Command):
    type: Literal[ApplicationEventType.suspend]
    ground: SuspensionGround


class Resume(_Command):
    type: Literal[ApplicationEventType.resume]


class Decide(_Command):
    """A decision (复议决定). ``redo_ordered`` only with ``revoke``; ``performance_deadline`` is
    required with ``order_performance`` and allowed with it only."""

    type: Literal[ApplicationEventType.decide]
    decision_type: DecisionType
    redo_ordered: bool | None = Field(
        default=None, description="revoke only: the respondent must act again."
    )
    performance_deadline: CaseDate | None = Field(
        default=None, description="order_performance only."
    )

    @model_validator(mode="after")
    def _decision_details(self) -> Decide:
        if (
            self.redo_ordered is not None
            and self.decision_type is not DecisionType.revoke
        ):
            raise InvalidInput(
                "redo_ordered applies to revoke only",
                field="redo_ordered",
                code="not_revoke",
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
    type: Literal[ApplicationEventType.terminate]
    ground: TerminationGround


class RecordMediationStatement(_Command):
    """A mediation statement (调解书) signed by the parties (复议法 Art. 73)."""

    type: Literal[ApplicationEventType.record_mediation_statement]


class Extend(_Command):
    """Extend the decision period (复议法(2023) Art. 62(1); 1999/2017 law Art. 31): at most
    30 days, once, approved by the head of the reconsideration office; ordinary procedure
    only, while the case is accepted or in progress and its period still runs."""

    type: Literal[ApplicationEventType.extend]
    days: int = Field(ge=1, le=30, description="Days added to the decision period.")
    approved_by: str = Field(
        min_length=1, max_length=200, description="The head who approved it."
    )
    reason: str = Field(min_length=1, max_length=2000)


class SwitchProcedure(_Command):
    """Move a simplified case to the ordinary procedure (复议法(2023) Art. 55), with the
    approval of the head of the reconsideration office."""

    type: Literal[ApplicationEventType.switch_procedure]
    procedure: Literal[Procedure.ordinary] = Procedure.ordinary
    approved_by: str = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


ApplicationCommand = Annotated[
    StartReview
    | RequestCorrection
    | RecordCorrection
    | DeemAbandoned
    | Accept
    | DeemAccepted
    | NotAccept
    | CopyToRespondent
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
