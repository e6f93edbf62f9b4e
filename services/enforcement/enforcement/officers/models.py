from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


class OfficerEventType(StrEnum):
    record_training = "record_training"


class Officer(RecordMixin, Base):
    """An enforcement officer (执法人员) of an agency, with the enforcement certificate (执法证)."""

    __tablename__ = "officers"
    __table_args__ = (
        Index("ix_officers_region_code_hired_on", "region_code", "hired_on"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(100))
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    certificate_valid_until: Mapped[dt.date] = mapped_column(Date)
    hired_on: Mapped[dt.date] = mapped_column(Date)
    training_completed_on: Mapped[dt.date | None] = mapped_column(Date)


class OfficerEvent(RecordMixin, Base):
    """One command applied to an officer's record: what, on which date, by whom."""

    __tablename__ = "officer_events"

    officer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[OfficerEventType] = mapped_column(
        Enum(
            OfficerEventType,
            name="officer_event_type",
            native_enum=False,
            create_constraint=True,
            length=40,
        )
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
