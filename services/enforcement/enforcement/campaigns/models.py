from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


class ProblemClueEventType(StrEnum):
    rectify = "rectify"


class SpecialCampaign(RecordMixin, Base):
    """A special campaign (专项整治 / 专项督察) grouping the problem clues it finds."""

    __tablename__ = "special_campaigns"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[dt.date] = mapped_column(Date, index=True)


class ProblemClue(RecordMixin, Base):
    """A problem clue (问题线索) found in a campaign, concerning one agency, tracked to rectification."""

    __tablename__ = "problem_clues"
    __table_args__ = (
        Index("ix_problem_clues_region_code_found_on", "region_code", "found_on"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("special_campaigns.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6))
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    found_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)


class ProblemClueEvent(RecordMixin, Base):
    """One command applied to a problem clue: what, on which date, by whom."""

    __tablename__ = "problem_clue_events"

    clue_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("problem_clues.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[ProblemClueEventType] = mapped_column(
        Enum(
            ProblemClueEventType,
            name="problem_clue_event_type",
            native_enum=False,
            create_constraint=True,
            length=40,
        )
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
