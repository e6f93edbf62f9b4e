from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class InstrumentKind(StrEnum):
    """行政执法监督检查建议书 / 意见书 / 决定书 (domain.md §1)."""

    recommendation = "recommendation"
    opinion = "opinion"
    decision = "decision"


class InstrumentStatus(StrEnum):
    """``issued → replied → rectified (verified) | overdue | escalated`` (domain.md §5)."""

    issued = "issued"
    replied = "replied"
    rectified = "rectified"
    overdue = "overdue"
    escalated = "escalated"

    @classmethod
    def open(cls) -> frozenset[InstrumentStatus]:
        return frozenset({cls.issued, cls.replied, cls.overdue})

    @classmethod
    def terminal(cls) -> frozenset[InstrumentStatus]:
        return frozenset({cls.rectified, cls.escalated})


class EscalationMeasure(StrEnum):
    """What the bureau does when an agency fails to rectify: 约谈 / 通报批评 / 移送."""

    talk_with_leaders = "talk_with_leaders"
    circulated_criticism = "circulated_criticism"
    referral = "referral"


class InstrumentEventType(StrEnum):
    issue = "issue"
    record_reply = "record_reply"
    verify_rectification = "verify_rectification"
    mark_overdue = "mark_overdue"
    escalate = "escalate"
    refuse_rectification = "refuse_rectification"


class SupervisionInstrument(RecordMixin, Base):
    """A supervision instrument issued to an agency and tracked to rectification (整改)."""

    __tablename__ = "supervision_instruments"
    __table_args__ = (
        Index(
            "ix_supervision_instruments_region_code_issued_on",
            "region_code",
            "issued_on",
        ),
    )

    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[InstrumentKind] = mapped_column(
        _enum(InstrumentKind, "instrument_kind")
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6))
    follow_up_of: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("supervision_instruments.id"), index=True
    )
    findings: Mapped[str] = mapped_column(Text)
    required_actions: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[InstrumentStatus] = mapped_column(
        _enum(InstrumentStatus, "instrument_status"), index=True
    )
    status_changed_on: Mapped[dt.date] = mapped_column(Date)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_on: Mapped[dt.date | None] = mapped_column(Date)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)
    escalation_measure: Mapped[EscalationMeasure | None] = mapped_column(
        _enum(EscalationMeasure, "escalation_measure")
    )


class InstrumentEvent(RecordMixin, Base):
    """One lifecycle command applied to an instrument: what, on which date, by whom."""

    __tablename__ = "instrument_events"

    instrument_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supervision_instruments.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[InstrumentEventType] = mapped_column(
        _enum(InstrumentEventType, "instrument_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
