from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.db import Base
from shared.db import RecordMixin


class MediatorEmployment(StrEnum):
    """专职 / 兼职 调解员."""

    full_time = "full_time"
    part_time = "part_time"


class Mediator(RecordMixin, Base):
    __tablename__ = "mediators"

    committee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mediation_committees.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(100))
    employment: Mapped[MediatorEmployment] = mapped_column(
        Enum(
            MediatorEmployment,
            name="mediator_employment",
            native_enum=False,
            create_constraint=True,
            length=16,
        )
    )
    recruited_on: Mapped[dt.date] = mapped_column(Date, index=True)
