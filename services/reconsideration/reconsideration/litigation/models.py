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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reconsideration.db import Base
from shared.db import RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class LitigationStage(StrEnum):
    """Trial level; each level is counted as a case of its own (件次)."""

    first_instance = "first_instance"
    second_instance = "second_instance"
    retrial = "retrial"


class LitigationStatus(StrEnum):
    """``pending → concluded``."""

    pending = "pending"
    concluded = "concluded"


class LitigationOutcome(StrEnum):
    """How the case ended for the defendant (``lost`` = 败诉)."""

    won = "won"
    lost = "lost"
    withdrawn = "withdrawn"
    mediated = "mediated"
    other = "other"


class LitigationEventType(StrEnum):
    file = "file"
    record_hearing = "record_hearing"
    conclude = "conclude"
    submit_answer = "submit_answer"
    decide_appeal = "decide_appeal"


class JudgmentKind(StrEnum):
    """What concluded a first-instance case: a judgment (判决, 15 days to appeal) or a ruling
    (裁定, 10 days) (行政诉讼法 第85条)."""

    judgment = "judgment"
    ruling = "ruling"


class LitigationClock(StrEnum):
    """The defendant's statutory clocks in a lawsuit: the answer with its evidence
    (行政诉讼法 第67条第1款) and the appeal window (第85条)."""

    answer = "answer"
    appeal = "appeal"


class LitigationCase(RecordMixin, Base):
    """An administrative lawsuit (行政应诉) against the county government or one of its agencies."""

    __tablename__ = "litigation_cases"
    __table_args__ = (
        UniqueConstraint("region_code", "case_number"),
        Index("ix_litigation_cases_region_code_filed_on", "region_code", "filed_on"),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    case_number: Mapped[str] = mapped_column(String(100))
    court: Mapped[str] = mapped_column(String(200))
    defendant_agency: Mapped[str] = mapped_column(String(200))
    county_government_party: Mapped[bool] = mapped_column(Boolean)
    cause: Mapped[str] = mapped_column(Text)
    stage: Mapped[LitigationStage] = mapped_column(
        _enum(LitigationStage, "litigation_stage")
    )
    filed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[LitigationStatus] = mapped_column(
        _enum(LitigationStatus, "litigation_status"), index=True
    )
    outcome: Mapped[LitigationOutcome | None] = mapped_column(
        _enum(LitigationOutcome, "litigation_outcome")
    )
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The defendant's answer (答辩状) and whether its evidence and basis came with it
    #: (行政诉讼法 第67条第1款, 第34条: without them the act counts as having none).
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answer_evidence_submitted: Mapped[bool | None] = mapped_column(Boolean)
    #: Stored by reconsideration.litigation.deadlines with every change: the answer's last
    #: day, or the calendar year nobody loaded that it needs.
    answer_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    answer_due_unknown_year: Mapped[int | None] = mapped_column(Integer)
    judgment_kind: Mapped[JudgmentKind | None] = mapped_column(
        _enum(JudgmentKind, "judgment_kind")
    )
    judgment_served_on: Mapped[dt.date | None] = mapped_column(Date)
    appeal_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    appeal_due_unknown_year: Mapped[int | None] = mapped_column(Integer)
    #: The defendant's decision on appealing (day, and whether it appealed).
    appeal_decided_on: Mapped[dt.date | None] = mapped_column(Date)
    appealed: Mapped[bool | None] = mapped_column(Boolean)

    hearings: Mapped[list[Hearing]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="[Hearing.held_on, Hearing.created_at, Hearing.id]",
    )

    @property
    def deadlines(self) -> list[Any]:
        """The answer and appeal clocks (reconsideration.litigation.deadlines)."""
        from reconsideration.litigation.deadlines import deadlines_of

        return list(deadlines_of(self))


class Hearing(RecordMixin, Base):
    """One court hearing of a case and whether a qualifying agency head appeared (负责人出庭应诉,
    行政诉讼法 Art. 3(3))."""

    __tablename__ = "litigation_hearings"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("litigation_cases.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    head_appeared: Mapped[bool] = mapped_column(Boolean)
    head_name: Mapped[str | None] = mapped_column(String(100))
    head_post: Mapped[str | None] = mapped_column(String(200))


class LitigationEvent(RecordMixin, Base):
    """One command applied to a litigation case: what, on which date, by whom."""

    __tablename__ = "litigation_events"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("litigation_cases.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[LitigationEventType] = mapped_column(
        _enum(LitigationEventType, "litigation_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
