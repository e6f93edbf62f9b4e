from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from reconsideration.db import Base
from shared.db import RecordMixin


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class AgencyPointStatus(StrEnum):
    """``active → closed``."""

    active = "active"
    closed = "closed"


class AgencyPointEventType(StrEnum):
    establish = "establish"
    close = "close"


class AgencyPoint(RecordMixin, Base):
    """A township agency point (代办点) that receives applications and forwards them to the
    reconsideration office (local practice, research/mission-notes.md §1.1)."""

    __tablename__ = "agency_points"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[AgencyPointStatus] = mapped_column(
        _enum(AgencyPointStatus, "agency_point_status")
    )
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class AgencyPointEvent(RecordMixin, Base):
    """One lifecycle command applied to an agency point: what, on which date, by whom."""

    __tablename__ = "agency_point_events"

    agency_point_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agency_points.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[AgencyPointEventType] = mapped_column(
        _enum(AgencyPointEventType, "agency_point_event_type")
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
