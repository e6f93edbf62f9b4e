from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.db import Base
from shared.db import RecordMixin


class CommitteeKind(StrEnum):
    """Kinds of people's mediation committee (人民调解委员会), domain.md §4."""

    village = "village"
    residents = "residents"
    township = "township"
    industry = "industry"
    enterprise = "enterprise"
    chamber_of_commerce = "chamber_of_commerce"
    consumer_dispute = "consumer_dispute"
    other = "other"


class MediationCommittee(RecordMixin, Base):
    __tablename__ = "mediation_committees"

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CommitteeKind] = mapped_column(
        Enum(
            CommitteeKind,
            name="committee_kind",
            native_enum=False,
            create_constraint=True,
            length=32,
        )
    )
    founded_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
