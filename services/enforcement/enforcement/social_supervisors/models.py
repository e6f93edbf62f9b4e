from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


class SocialSupervisor(RecordMixin, Base):
    """A social supervisor (行政执法社会监督员) appointed by the bureau for a term."""

    __tablename__ = "social_supervisors"
    __table_args__ = (
        Index(
            "ix_social_supervisors_region_code_appointed_on",
            "region_code",
            "appointed_on",
        ),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(100))
    sector: Mapped[str] = mapped_column(String(100))
    enterprise_related: Mapped[bool] = mapped_column(Boolean)
    appointed_on: Mapped[dt.date] = mapped_column(Date)
    term_ends_on: Mapped[dt.date] = mapped_column(Date)
    #: The phone (personal data, domain.md §8): encrypted, and a keyed hash to find it.
    phone_encrypted: Mapped[str | None] = mapped_column(String(200))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
