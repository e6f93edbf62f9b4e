from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mediation.db import Base
from shared.db import RecordMixin


class ScreeningLevel(StrEnum):
    """Who screened: the county, a township or a village (mission-notes §2.8)."""

    county = "county"
    township = "township"
    village = "village"


class ScreeningRound(RecordMixin, Base):
    """One round of dispute screening (矛盾纠纷排查): when, at which level, over which area,
    and how many disputes it found. A round that found none is a zero report (零报告)."""

    __tablename__ = "screening_rounds"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9), index=True)
    committee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("mediation_committees.id"), index=True
    )
    level: Mapped[ScreeningLevel] = mapped_column(
        Enum(
            ScreeningLevel,
            name="screening_level",
            native_enum=False,
            create_constraint=True,
            length=16,
        )
    )
    area: Mapped[str] = mapped_column(String(200))
    screened_on: Mapped[dt.date] = mapped_column(Date, index=True)
    disputes_found: Mapped[int] = mapped_column(Integer)
    zero_report: Mapped[bool] = mapped_column(Boolean)
    #: Disputes registered from this round (each with ``screening_round_id``); at most
    #: ``disputes_found``. Stored so that the round's version guards the count.
    disputes_opened: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
