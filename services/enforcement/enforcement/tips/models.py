from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enforcement.db import Base
from enforcement.instruments.models import SupervisionInstrument
from shared.db import RecordMixin


class TipStatus(StrEnum):
    """``received → instrument_opened | no_action`` (mission-notes §3.5-3.6: a tip is
    verified, then either a supervision instrument follows or the bureau finds no cause)."""

    received = "received"
    instrument_opened = "instrument_opened"
    no_action = "no_action"


class Tip(RecordMixin, Base):
    """A tip (线索/意见) submitted by a social supervisor about enforcement, and what came of it."""

    __tablename__ = "tips"
    __table_args__ = (
        Index("ix_tips_region_code_received_on", "region_code", "received_on"),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    supervisor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("social_supervisors.id"), index=True
    )
    #: The agency the tip concerns, when it names one.
    agency_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    received_on: Mapped[dt.date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[TipStatus] = mapped_column(
        Enum(
            TipStatus,
            name="tip_status",
            native_enum=False,
            create_constraint=True,
            length=40,
        ),
        index=True,
    )
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Why no action was taken (``no_action``).
    reason: Mapped[str | None] = mapped_column(Text)
    instrument_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("supervision_instruments.id"), index=True
    )

    instrument: Mapped[SupervisionInstrument | None] = relationship(lazy="raise")
