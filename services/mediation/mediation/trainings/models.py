from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.db import Base
from shared.db import RecordMixin


class Training(RecordMixin, Base):
    """One mediator training session (调解员培训); the report counts sessions."""

    __tablename__ = "trainings"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    attendees_count: Mapped[int] = mapped_column(Integer)
