from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reconsideration.db import Base
from reconsideration.deadlines.models import ApplicationDeadline
from shared.db import RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class ReceiptChannel(StrEnum):
    """How the application reached the reconsideration office (复议法 Art. 22, 32; agency points are local practice)."""

    in_person = "in_person"
    post = "post"
    online = "online"
    oral_record = "oral_record"
    agency_point = "agency_point"
    forwarded_by_agency = "forwarded_by_agency"


class ApplicantKind(StrEnum):
    person = "person"
    organisation = "organisation"


class MatterType(StrEnum):
    """Kind of administrative act the application is against."""

    penalty = "penalty"
    compulsory_measure = "compulsory_measure"
    licensing = "licensing"
    information_disclosure = "information_disclosure"
    complaint_handling = "complaint_handling"
    inaction = "inaction"
    other = "other"


class Procedure(StrEnum):
    """普通程序 / 简易程序 (复议法 Art. 36, 53), chosen at acceptance."""

    ordinary = "ordinary"
    simplified = "simplified"


class ApplicationStatus(StrEnum):
    """The application lifecycle of domain.md §3.1."""

    received = "received"
    under_review = "under_review"
    correction_requested = "correction_requested"
    deemed_abandoned = "deemed_abandoned"
    accepted = "accepted"
    deemed_accepted = "deemed_accepted"
    not_accepted = "not_accepted"
    in_progress = "in_progress"
    suspended = "suspended"
    decided = "decided"
    terminated = "terminated"
    mediated = "mediated"

    @classmethod
    def concluded(cls) -> frozenset[ApplicationStatus]:
        """Accepted cases closed by a decision, a termination or a mediation statement (审结)."""
        return frozenset({cls.decided, cls.terminated, cls.mediated})

    @classmethod
    def open(cls) -> frozenset[ApplicationStatus]:
        """Statuses from which the application can still move."""
        return frozenset(
            {
                cls.received,
                cls.under_review,
                cls.correction_requested,
                cls.accepted,
                cls.deemed_accepted,
                cls.in_progress,
                cls.suspended,
            }
        )


class DecisionType(StrEnum):
    """复议决定 types (domain.md §3.4; 复议法 Art. 63-69, 33)."""

    vary = "vary"
    revoke = "revoke"
    confirm_illegal = "confirm_illegal"
    order_performance = "order_performance"
    confirm_invalid = "confirm_invalid"
    uphold = "uphold"
    dismiss_claim = "dismiss_claim"
    dismiss_application = "dismiss_application"

    @classmethod
    def correction(cls) -> frozenset[DecisionType]:
        """Decisions that change the act (纠错)."""
        return frozenset(
            {
                cls.vary,
                cls.revoke,
                cls.confirm_illegal,
                cls.order_performance,
                cls.confirm_invalid,
            }
        )


class TerminationGround(StrEnum):
    """终止 (复议法(2023) 第41条, 第74条; 1999/2017 law 实施条例 第42条).

    - ``withdrawal``: the applicant's withdrawal was approved (第41条第1项);
    - ``settlement``: the parties settled (和解, 第74条) and the applicant withdrew;
    - ``no_successor``: the applicant died or ended and nobody succeeds, or the successors
      waive (第41条第2-3项);
    - ``criminal_compulsory_measure``: in a case about a restriction of liberty the applicant
      now faces criminal compulsory measures for the same act (第41条第4项);
    - ``suspension_not_lifted``: suspended on a ground of 第39条第1款第1, 2 or 4项 (death,
      incapacity, an organisation ended) for 60 days and the ground still exists (第41条第5项);
    - ``other``.
    """

    withdrawal = "withdrawal"
    settlement = "settlement"
    no_successor = "no_successor"
    criminal_compulsory_measure = "criminal_compulsory_measure"
    suspension_not_lifted = "suspension_not_lifted"
    other = "other"


class DecisionApproval(StrEnum):
    """How a decision was approved (复议法(2023) 第61条第1款): by the responsible person of
    the reconsideration organ, or by a collective discussion (集体讨论)."""

    head_approval = "head_approval"
    collective_discussion = "collective_discussion"


class ConsultationGround(StrEnum):
    """Why the reconsideration committee (行政复议委员会) was consulted (复议法(2023)
    第52条第2款): the four cases where consultation is mandatory, or the office's choice."""

    major_complex = "major_complex"
    professional_technical = "professional_technical"
    provincial_government_act = "provincial_government_act"
    office_considers_needed = "office_considers_needed"


class HearingMode(StrEnum):
    """How the parties were heard (复议法(2023) 第49-50条): a hearing (听证) in person, or
    online."""

    in_person = "in_person"
    online = "online"


class SuspensionGround(StrEnum):
    """中止 grounds of 复议法 Art. 39."""

    applicant_died = "applicant_died"
    applicant_incapacitated = "applicant_incapacitated"
    applicant_missing = "applicant_missing"
    organisation_terminated = "organisation_terminated"
    force_majeure = "force_majeure"
    mediation_or_settlement = "mediation_or_settlement"
    legal_interpretation_pending = "legal_interpretation_pending"
    depends_on_other_case = "depends_on_other_case"
    normative_document_review = "normative_document_review"
    other = "other"


class ApplicationEventType(StrEnum):
    receive = "receive"
    start_review = "start_review"
    request_correction = "request_correction"
    record_correction = "record_correction"
    deem_abandoned = "deem_abandoned"
    accept = "accept"
    deem_accepted = "deem_accepted"
    not_accept = "not_accept"
    copy_to_respondent = "copy_to_respondent"
    suspend = "suspend"
    resume = "resume"
    decide = "decide"
    terminate = "terminate"
    record_mediation_statement = "record_mediation_statement"
    extend = "extend"
    switch_procedure = "switch_procedure"
    record_respondent_receipt = "record_respondent_receipt"
    record_respondent_reply = "record_respondent_reply"
    schedule_hearing = "schedule_hearing"
    record_hearing = "record_hearing"
    record_committee_consultation = "record_committee_consultation"
    record_correction_receipt = "record_correction_receipt"


class ReconsiderationApplication(RecordMixin, Base):
    """One application (复议申请) against one administrative act: the case."""

    __tablename__ = "reconsideration_applications"
    __table_args__ = (
        Index(
            "ix_reconsideration_applications_region_code_received_on",
            "region_code",
            "received_on",
        ),
        Index(
            "ix_reconsideration_applications_region_code_accepted_on",
            "region_code",
            "accepted_on",
        ),
        Index(
            "ix_reconsideration_applications_region_code_concluded_on",
            "region_code",
            "concluded_on",
        ),
    )

    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    township_code: Mapped[str | None] = mapped_column(String(9), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    receipt_channel: Mapped[ReceiptChannel] = mapped_column(
        _enum(ReceiptChannel, "receipt_channel")
    )
    agency_point_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agency_points.id"), index=True
    )
    agency_point_received_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Channel ``forwarded_by_agency`` (复议法(2023) 第32条): the penalising agency and the
    #: day it received the application (it forwards within 5 working days).
    forwarding_agency: Mapped[str | None] = mapped_column(String(200))
    forwarding_agency_received_on: Mapped[dt.date | None] = mapped_column(Date)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        _enum(ApplicantKind, "applicant_kind")
    )
    # Personal data (domain.md §8): AES-GCM ciphertext and a keyed hash, never the raw value.
    applicant_id_number_encrypted: Mapped[str | None] = mapped_column(String(255))
    applicant_id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    applicant_credit_code_encrypted: Mapped[str | None] = mapped_column(String(255))
    applicant_credit_code_hash: Mapped[str | None] = mapped_column(
        String(64), index=True
    )
    applicant_phone_encrypted: Mapped[str | None] = mapped_column(String(255))
    applicant_phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    respondent: Mapped[str] = mapped_column(String(200))
    matter_type: Mapped[MatterType] = mapped_column(_enum(MatterType, "matter_type"))
    procedure: Mapped[Procedure | None] = mapped_column(_enum(Procedure, "procedure"))
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "application_status"), index=True
    )
    status_since: Mapped[dt.date] = mapped_column(Date)
    deemed_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    not_accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    not_accept_reason: Mapped[str | None] = mapped_column(Text)
    competent_organ: Mapped[str | None] = mapped_column(String(200))
    correction_items: Mapped[list[str] | None] = mapped_column(JSON)
    #: The day the applicant received the latest correction notice (复议法 Art. 31: the
    #: correction period counts from it); None while unknown.
    correction_received_on: Mapped[dt.date | None] = mapped_column(Date)
    copied_to_respondent_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The respondent's receipt of the copy: starts its reply period (复议法(2023) 第48条, 第54条).
    respondent_received_copy_on: Mapped[dt.date | None] = mapped_column(Date)
    respondent_replied_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Whether the reply came with the evidence and basis of the act (第48条; 第70条:
    #: without them the act counts as having none).
    respondent_evidence_submitted: Mapped[bool | None] = mapped_column(Boolean)
    suspension_ground: Mapped[SuspensionGround | None] = mapped_column(
        _enum(SuspensionGround, "suspension_ground")
    )
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_type: Mapped[DecisionType | None] = mapped_column(
        _enum(DecisionType, "decision_type")
    )
    partial_revocation: Mapped[bool | None] = mapped_column(Boolean)
    redo_ordered: Mapped[bool | None] = mapped_column(Boolean)
    redo_deadline: Mapped[dt.date | None] = mapped_column(Date)
    performance_deadline: Mapped[dt.date | None] = mapped_column(Date)
    decision_approval: Mapped[DecisionApproval | None] = mapped_column(
        _enum(DecisionApproval, "decision_approval")
    )
    collective_discussion_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("collective_discussions.id"), index=True
    )
    termination_ground: Mapped[TerminationGround | None] = mapped_column(
        _enum(TerminationGround, "termination_ground")
    )
    #: The approved extension of the decision period (复议法 Art. 62: at most 30 days, once).
    decision_extension_days: Mapped[int | None] = mapped_column(Integer)
    decision_extension_approved_by: Mapped[str | None] = mapped_column(String(200))
    #: The statutory clocks, written by reconsideration.deadlines.tracking only.
    deadlines: Mapped[list[ApplicationDeadline]] = relationship(
        viewonly=True, lazy="selectin", order_by=ApplicationDeadline.starts_on
    )
    hearings: Mapped[list[ApplicationHearing]] = relationship(
        viewonly=True, lazy="selectin", order_by="ApplicationHearing.hearing_on"
    )
    committee_consultations: Mapped[list[CommitteeConsultation]] = relationship(
        viewonly=True, lazy="selectin", order_by="CommitteeConsultation.consulted_on"
    )


class ApplicationHearing(RecordMixin, Base):
    """A hearing (听证) of an application (复议法(2023) 第50-51条): scheduled with its notice
    to the parties (at least 5 working days before), then held, with who appeared. The
    respondent's head should attend (第51条第2款)."""

    __tablename__ = "application_hearings"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reconsideration_applications.id", ondelete="CASCADE"), index=True
    )
    hearing_on: Mapped[dt.date] = mapped_column(Date)
    notified_on: Mapped[dt.date] = mapped_column(Date)
    mode: Mapped[HearingMode] = mapped_column(_enum(HearingMode, "hearing_mode"))
    place: Mapped[str | None] = mapped_column(String(200))
    presiding_officer: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    applicant_appeared: Mapped[bool | None] = mapped_column(Boolean)
    respondent_head_appeared: Mapped[bool | None] = mapped_column(Boolean)
    #: Who spoke for the respondent (the head, or the staff sent with an explanation).
    respondent_representative: Mapped[str | None] = mapped_column(String(200))


class CommitteeConsultation(RecordMixin, Base):
    """A consultation of the reconsideration committee (行政复议委员会) on an application
    (复议法(2023) 第52条): the opinion is recorded and is an important reference for the
    decision; it does not bind."""

    __tablename__ = "committee_consultations"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reconsideration_applications.id", ondelete="CASCADE"), index=True
    )
    consulted_on: Mapped[dt.date] = mapped_column(Date)
    ground: Mapped[ConsultationGround] = mapped_column(
        _enum(ConsultationGround, "consultation_ground")
    )
    opinion: Mapped[str] = mapped_column(Text)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstaining: Mapped[int | None] = mapped_column(Integer)


class ApplicationEvent(RecordMixin, Base):
    """One lifecycle command applied to an application: what, on which date, by whom."""

    __tablename__ = "application_events"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reconsideration_applications.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[ApplicationEventType] = mapped_column(
        _enum(ApplicationEventType, "application_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
