from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from enforcement.db import Base
from shared.db import RecordMixin

TENTHS = Decimal("0.1")


class Score(TypeDecorator[Decimal]):
    """A review score in points with one decimal, stored as integer tenths (exact on every backend)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        tenths = Decimal(value) * 10
        if tenths != tenths.to_integral_value():
            raise ValueError("a score has at most one decimal")
        return int(tenths)

    def process_result_value(
        self, value: int | None, dialect: Dialect
    ) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 10).quantize(TENTHS)


class ReviewGrade(StrEnum):
    """案卷评查 grades: 优秀 / 良好 / 合格 / 不合格 (domain.md §5)."""

    excellent = "excellent"
    good = "good"
    pass_ = "pass"
    fail = "fail"


class CaseFileReview(RecordMixin, Base):
    """The review (案卷评查) of one of an agency's case files, graded from its score and veto."""

    __tablename__ = "case_file_reviews"
    __table_args__ = (
        Index(
            "ix_case_file_reviews_region_code_reviewed_on", "region_code", "reviewed_on"
        ),
        # tenths of a point: 0.0 to 100.0
        CheckConstraint(
            "total_score >= 0 AND total_score <= 1000", name="total_score_range"
        ),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enforcement_agencies.id"), index=True
    )
    region_code: Mapped[str] = mapped_column(String(6))
    case_reference: Mapped[str] = mapped_column(String(100))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(100))
    total_score: Mapped[Decimal] = mapped_column(Score)
    veto: Mapped[bool] = mapped_column(Boolean)
    grade: Mapped[ReviewGrade] = mapped_column(
        Enum(
            ReviewGrade,
            name="review_grade",
            native_enum=False,
            create_constraint=True,
            length=16,
        ),
        index=True,
    )
