from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Column, Date, Enum, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.db import Base
from mediation.trainings.models import Training
from shared.db import RecordMixin


class MediatorEmployment(StrEnum):
    """专职 / 兼职 调解员."""

    full_time = "full_time"
    part_time = "part_time"


#: Which mediator attended which training session (人民调解法 Art. 14: the county 司法局
#: trains mediators regularly). A training's ``attendees_count`` is kept as recorded: it
#: also counts people who are not mediators of this service.
mediator_trainings = Table(
    "mediator_trainings",
    Base.metadata,
    Column(
        "mediator_id",
        ForeignKey("mediators.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "training_id",
        ForeignKey("trainings.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


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

    trainings: Mapped[list[Training]] = relationship(
        secondary=mediator_trainings,
        lazy="selectin",
        order_by=(Training.held_on, Training.id),
    )
