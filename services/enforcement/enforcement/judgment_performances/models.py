from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


class JudgmentPerformanceEventType(StrEnum):
    rectify = "rectify"


class JudgmentPerformance(RecordMixin, Base):
    """An agency's unperformed effective court judgment (生效裁判未履行), found by supervision
    and tracked until the agency performs it (rectified)."""

    __tablename__ = "judgment_performances"
    __table_args__ = (
        Index(
            "ix_judgment_performances_region_code_rectified_on",
            "region_code",
            "rectified_on",
        ),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    judgment_reference: Mapped[str] = mapped_column(String(100))
    found_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: The special campaign (专项整治) that found it, if any.
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("special_campaigns.id"), index=True
    )
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)


class JudgmentPerformanceEvent(RecordMixin, Base):
    """One command applied to a judgment-performance item: what, on which date, by whom."""

    __tablename__ = "judgment_performance_events"

    performance_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("judgment_performances.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[JudgmentPerformanceEventType] = mapped_column(
        Enum(
            JudgmentPerformanceEventType,
            name="judgment_performance_event_type",
            native_enum=False,
            create_constraint=True,
            length=40,
        )
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
