from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
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
        # One review per case file (an agency's case reference).
        UniqueConstraint("agency_id", "case_reference"),
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
    second_reviewer: Mapped[str | None] = mapped_column(String(100))
    rubric_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_file_rubrics.id"), index=True
    )
    #: Per reviewer: ``{"reviewer", "points": {item code: "points"}, "total"}`` (rubric reviews).
    score_sheets: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: Codes of the rubric's veto items found to apply.
    veto_items: Mapped[list[str] | None] = mapped_column(JSON)
    #: The date of the case's decision: the day its handling officers acted.
    case_decided_on: Mapped[dt.date | None] = mapped_column(Date)

    handling_officers: Mapped[list[CaseFileReviewOfficer]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="CaseFileReviewOfficer.position",
    )

    @property
    def handling_officer_ids(self) -> list[uuid.UUID]:
        return [o.officer_id for o in self.handling_officers]


class CaseFileReviewOfficer(RecordMixin, Base):
    """An officer who handled (承办) the reviewed case: acting on the case's decision date."""

    __tablename__ = "case_file_review_officers"
    __table_args__ = (UniqueConstraint("review_id", "officer_id"),)

    review_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case_file_reviews.id", ondelete="CASCADE"), index=True
    )
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    position: Mapped[int]
