from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enforcement.case_file_reviews.models import Score
from enforcement.db import Base
from shared.db import RecordMixin


class RubricItemKind(StrEnum):
    """``scored``: worth up to ``max_points``; ``veto`` (一票否决): fails the file whatever
    its score (mission-notes §3.4)."""

    scored = "scored"
    veto = "veto"


class CaseFileRubric(RecordMixin, Base):
    """A county's case-file review rubric (案卷评查标准): scored items whose maximum points
    add up to 100, and veto items. Immutable once created: a new standard is a new rubric."""

    __tablename__ = "case_file_rubrics"
    __table_args__ = (
        Index(
            "ix_case_file_rubrics_region_code_effective_on",
            "region_code",
            "effective_on",
        ),
    )

    region_code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[dt.date] = mapped_column(Date)

    items: Mapped[list[CaseFileRubricItem]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="CaseFileRubricItem.position",
    )


class CaseFileRubricItem(RecordMixin, Base):
    """One item of a rubric; ``max_points`` is set for scored items only."""

    __tablename__ = "case_file_rubric_items"
    __table_args__ = (
        UniqueConstraint("rubric_id", "code"),
        # tenths of a point: a scored item is worth 0.1 to 100.0, a veto item nothing
        CheckConstraint(
            "(kind = 'scored' AND max_points > 0 AND max_points <= 1000)"
            " OR (kind = 'veto' AND max_points IS NULL)",
            name="max_points_by_kind",
        ),
    )

    rubric_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_file_rubrics.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[RubricItemKind] = mapped_column(
        Enum(
            RubricItemKind,
            name="rubric_item_kind",
            native_enum=False,
            create_constraint=True,
            length=16,
        )
    )
    max_points: Mapped[Decimal | None] = mapped_column(Score)
