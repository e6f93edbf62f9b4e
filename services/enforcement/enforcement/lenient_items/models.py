from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from enforcement.db import Base
from shared.db import RecordMixin


class LenientMeasure(StrEnum):
    """免罚清单 measures: 不予处罚 / 免予处罚 / 从轻 / 减轻 (行政处罚法 Arts. 32–33)."""

    no_penalty = "no_penalty"
    exempt = "exempt"
    lighter = "lighter"
    reduced = "reduced"

    @classmethod
    def lighter_or_reduced(cls) -> frozenset[LenientMeasure]:
        return frozenset({cls.lighter, cls.reduced})


class LenientEnforcementListItem(RecordMixin, Base):
    """One item of an agency's lenient enforcement list (免罚清单), effective from a date."""

    __tablename__ = "lenient_enforcement_list_items"
    __table_args__ = (
        Index(
            "ix_lenient_enforcement_list_items_region_code_effective_on",
            "region_code",
            "effective_on",
        ),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6))
    measure: Mapped[LenientMeasure] = mapped_column(
        Enum(
            LenientMeasure,
            name="lenient_measure",
            native_enum=False,
            create_constraint=True,
            length=16,
        )
    )
    matter: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    #: Last day in force, when the list sets one (or the item was withdrawn).
    effective_until: Mapped[dt.date | None] = mapped_column(Date)
