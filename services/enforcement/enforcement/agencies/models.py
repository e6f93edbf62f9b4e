from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


class EnforcementAgency(RecordMixin, Base):
    """An enforcement agency (执法主体) of a county; its name is unique in the county."""

    __tablename__ = "enforcement_agencies"
    __table_args__ = (UniqueConstraint("region_code", "name"),)

    region_code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(100), index=True)
