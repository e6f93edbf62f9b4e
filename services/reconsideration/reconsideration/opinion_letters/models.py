from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reconsideration.db import Base
from shared.db import RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class OpinionLetterStatus(StrEnum):
    """``issued → replied``."""

    issued = "issued"
    replied = "replied"


class OpinionLetterEventType(StrEnum):
    issue = "issue"
    record_reply = "record_reply"


class OpinionLetter(RecordMixin, Base):
    """A reconsideration opinion letter (行政复议意见书) to an agency, whose correction report is due
    60 calendar days after the agency receives it (复议法 Art. 76; a last day off work moves
    to the next working day)."""

    __tablename__ = "opinion_letters"
    __table_args__ = (
        Index("ix_opinion_letters_region_code_issued_on", "region_code", "issued_on"),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    agency: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date] = mapped_column(Date)
    #: The last day of the reply (60 days, moved off a rest day); None while it needs a
    #: calendar year nobody loaded (``due_unknown_year``).
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    due_unknown_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[OpinionLetterStatus] = mapped_column(
        _enum(OpinionLetterStatus, "opinion_letter_status")
    )
    replied_on: Mapped[dt.date | None] = mapped_column(Date)


class OpinionLetterEvent(RecordMixin, Base):
    """One lifecycle command applied to an opinion letter: what, on which date, by whom."""

    __tablename__ = "opinion_letter_events"

    opinion_letter_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("opinion_letters.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[OpinionLetterEventType] = mapped_column(
        _enum(OpinionLetterEventType, "opinion_letter_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
