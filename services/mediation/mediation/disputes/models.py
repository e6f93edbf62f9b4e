from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.db import Base
from mediation.mediators.models import Mediator
from shared.db import Money, RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class DisputeType(StrEnum):
    """Dispute categories of the MoJ reporting set (domain.md §4)."""

    marriage_family = "marriage_family"
    neighbour = "neighbour"
    housing_homestead = "housing_homestead"
    contract = "contract"
    production_business = "production_business"
    damages = "damages"
    land_forest = "land_forest"
    land_acquisition_demolition = "land_acquisition_demolition"
    environment = "environment"
    labour = "labour"
    consumer = "consumer"
    medical = "medical"
    traffic_accident = "traffic_accident"
    property_management = "property_management"
    other = "other"


class DisputeSource(StrEnum):
    application = "application"
    own_initiative = "own_initiative"
    referral = "referral"
    screening = "screening"


class MediationMode(StrEnum):
    on_site = "on_site"
    remote_video = "remote_video"


class DisputeStatus(StrEnum):
    """``registered → mediating → resolved | failed`` (domain.md §4)."""

    registered = "registered"
    mediating = "mediating"
    resolved = "resolved"
    failed = "failed"

    @classmethod
    def open(cls) -> frozenset[DisputeStatus]:
        return frozenset({cls.registered, cls.mediating})

    @classmethod
    def terminal(cls) -> frozenset[DisputeStatus]:
        return frozenset({cls.resolved, cls.failed})


class AgreementForm(StrEnum):
    """调解协议: written (书面) or oral (口头), 人民调解法 Art. 28."""

    written = "written"
    oral = "oral"


class EscalationRisk(StrEnum):
    """Risks a mediator must report (人民调解法 Art. 25; the MoJ reports count cases where
    each was prevented, mission-notes §2.7)."""

    criminal = "criminal"  # 民转刑: the dispute may turn into a criminal case
    group_petition = "group_petition"  # 群体性上访


class JudicialConfirmationStatus(StrEnum):
    """司法确认 of the agreement (人民调解法 Art. 33; 民诉法 Art. 205–206)."""

    applied = "applied"
    confirmed = "confirmed"
    refused = "refused"


class DeadlineKind(StrEnum):
    """The deadlines a dispute shows and the list of what is due names."""

    time_limit = "time_limit"
    judicial_confirmation = "judicial_confirmation"
    performance = "performance"


class PartyKind(StrEnum):
    person = "person"
    organisation = "organisation"


class DisputeEventType(StrEnum):
    register = "register"
    assign_mediators = "assign_mediators"
    start_mediation = "start_mediation"
    resolve = "resolve"
    fail = "fail"
    flag_escalation_risk = "flag_escalation_risk"
    clear_escalation_risk = "clear_escalation_risk"
    follow_up = "follow_up"
    apply_for_confirmation = "apply_for_confirmation"
    confirm_agreement = "confirm_agreement"
    refuse_confirmation = "refuse_confirmation"


#: The mediators assigned to a dispute (人民调解法 Art. 19: the committee designates one or
#: more of its mediators, or the parties choose them).
dispute_mediators = Table(
    "dispute_mediators",
    Base.metadata,
    Column(
        "dispute_id",
        ForeignKey("disputes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "mediator_id",
        ForeignKey("mediators.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Dispute(RecordMixin, Base):
    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_region_code_registered_on", "region_code", "registered_on"),
    )

    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    township_code: Mapped[str | None] = mapped_column(String(9), index=True)
    committee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mediation_committees.id"), index=True
    )
    dispute_type: Mapped[DisputeType] = mapped_column(
        _enum(DisputeType, "dispute_type")
    )
    source: Mapped[DisputeSource] = mapped_column(
        _enum(DisputeSource, "dispute_source")
    )
    mode: Mapped[MediationMode] = mapped_column(_enum(MediationMode, "mediation_mode"))
    summary: Mapped[str] = mapped_column(Text)
    amount_involved: Mapped[Decimal | None] = mapped_column(Money)
    cost_saved: Mapped[Decimal | None] = mapped_column(Money)
    partner_region_code: Mapped[str | None] = mapped_column(String(6))
    partner_committee: Mapped[str | None] = mapped_column(String(200))
    #: The screening round that found the dispute (source ``screening``), if registered
    #: from one.
    screening_round_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("screening_rounds.id"), index=True
    )
    registered_on: Mapped[dt.date] = mapped_column(Date)
    time_limit_due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[DisputeStatus] = mapped_column(
        _enum(DisputeStatus, "dispute_status"), index=True
    )
    mediation_started_on: Mapped[dt.date | None] = mapped_column(Date)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    agreement_form: Mapped[AgreementForm | None] = mapped_column(
        _enum(AgreementForm, "agreement_form")
    )
    agreement_terms: Mapped[str | None] = mapped_column(Text)
    performance_due_on: Mapped[dt.date | None] = mapped_column(Date)
    agreement_effective_on: Mapped[dt.date | None] = mapped_column(Date)
    # Stored (not only computed) so that the list of what is due can filter on it.
    judicial_confirmation_window_ends_on: Mapped[dt.date | None] = mapped_column(
        Date, index=True
    )
    judicial_confirmation_status: Mapped[JudicialConfirmationStatus | None] = (
        mapped_column(_enum(JudicialConfirmationStatus, "judicial_confirmation_status"))
    )
    judicial_confirmation_court: Mapped[str | None] = mapped_column(String(200))
    judicial_confirmation_applied_on: Mapped[dt.date | None] = mapped_column(Date)
    judicial_confirmation_decided_on: Mapped[dt.date | None] = mapped_column(Date)
    judicial_confirmation_refusal_reason: Mapped[str | None] = mapped_column(Text)
    #: The latest performance follow-up (回访); every visit is in the dispute's events.
    followed_up_on: Mapped[dt.date | None] = mapped_column(Date)
    agreement_performed: Mapped[bool | None] = mapped_column(Boolean)
    escalation_risk_flagged_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    risk_of_crime: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    risk_of_group_petition: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    escalation_risk_reason: Mapped[str | None] = mapped_column(Text)

    parties: Mapped[list[DisputeParty]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="DisputeParty.position"
    )
    mediators: Mapped[list[Mediator]] = relationship(
        secondary=dispute_mediators,
        lazy="selectin",
        order_by=(Mediator.created_at, Mediator.id),
    )


class DisputeParty(RecordMixin, Base):
    """A party (当事人) to a dispute: a person or an organisation."""

    __tablename__ = "dispute_parties"

    dispute_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, "party_kind"))
    name: Mapped[str] = mapped_column(String(200))
    # Personal data (domain.md §8): encrypted, with a keyed hash to find it; never raw.
    id_number_encrypted: Mapped[str | None] = mapped_column(String(255))
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    credit_code_encrypted: Mapped[str | None] = mapped_column(String(255))
    credit_code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_encrypted: Mapped[str | None] = mapped_column(String(255))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)


class DisputeEvent(RecordMixin, Base):
    """One lifecycle command applied to a dispute: what, on which date, by whom."""

    __tablename__ = "dispute_events"

    dispute_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[DisputeEventType] = mapped_column(
        _enum(DisputeEventType, "dispute_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
