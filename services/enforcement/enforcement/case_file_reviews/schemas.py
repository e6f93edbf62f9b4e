from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from enforcement.case_file_reviews.models import ReviewGrade
from enforcement.schemas import RegionCode, Year
from shared.types import CaseDate


class GradeThresholds(NamedTuple):
    """Lowest score (points out of 100) of each passing grade; configurable (domain.md §5)."""

    excellent: Decimal
    good: Decimal
    pass_: Decimal


class ReviewCreate(BaseModel):
    """A reviewed case file; the region comes from the agency and the grade is computed."""

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    case_reference: str = Field(
        min_length=1, max_length=100, examples=["通市监处罚〔2023〕15号"]
    )
    reviewed_on: CaseDate
    reviewer: str = Field(min_length=1, max_length=100)
    total_score: Annotated[
        Decimal,
        Field(
            ge=0,
            le=100,
            decimal_places=1,
            description="Points out of 100, one decimal.",
        ),
        # Pydantic would leave the string form unconstrained ("" is not a score).
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.1},
                    {
                        "type": "string",
                        "pattern": r"^(100(\.0)?|[0-9]{1,2}(\.[0-9])?)$",
                    },
                ],
                "description": "Points out of 100, one decimal.",
            }
        ),
    ]
    veto: bool = Field(
        default=False,
        description="A veto item (一票否决) applies: the file fails whatever its score.",
    )


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_id: uuid.UUID
    region_code: str
    case_reference: str
    reviewed_on: dt.date
    reviewer: str
    total_score: Decimal
    veto: bool
    grade: ReviewGrade
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ReviewFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    grade: ReviewGrade | None = None
    year: Year | None = Field(default=None, description="Reviewed in this year.")
