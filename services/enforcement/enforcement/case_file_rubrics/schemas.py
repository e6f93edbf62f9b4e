from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from enforcement.case_file_rubrics.models import RubricItemKind
from enforcement.schemas import RegionCode
from shared.errors import InvalidInput
from shared.types import CaseDate

#: The points of a rubric: the grade thresholds (domain.md §5) are out of 100.
RUBRIC_TOTAL = Decimal(100)

Points = Annotated[
    Decimal,
    Field(ge=0, le=100, decimal_places=1, description="Points, one decimal, 0 to 100."),
    # Pydantic would leave the string form unconstrained ("" is not a number of points).
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.1},
                {"type": "string", "pattern": r"^(100(\.0)?|[0-9]{1,2}(\.[0-9])?)$"},
            ],
            "description": "Points, one decimal, 0 to 100.",
        }
    ),
]

ItemCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        pattern=r"^[a-z0-9_]+$",
        description="The item's code, unique within its rubric.",
        examples=["evidence", "unlawful_body"],
    ),
]


class RubricItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ItemCode
    title: str = Field(min_length=1, max_length=300, examples=["事实证据"])
    kind: RubricItemKind
    max_points: Points | None = Field(
        default=None,
        description="Scored items: the most a file can earn (> 0). Veto items: none.",
    )


class RubricCreate(BaseModel):
    """A rubric (案卷评查标准) of one county: scored items whose ``max_points`` add up to
    exactly 100, and veto items (一票否决) that fail a file whatever its score
    (mission-notes §3.4: e.g. 卷面 20 + 内容 80; vetoes such as unlawful body, officer
    without qualification, insufficient evidence, illegal procedure)."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    name: str = Field(
        min_length=1, max_length=200, examples=["通城县行政处罚案卷评查标准"]
    )
    effective_on: CaseDate = Field(description="First day reviews may use the rubric.")
    items: list[RubricItemCreate] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _items_add_up(self) -> RubricCreate:
        seen: set[str] = set()
        total = Decimal(0)
        for index, item in enumerate(self.items):
            if item.code in seen:
                raise InvalidInput(
                    f"item code {item.code} is listed twice",
                    field=f"items.{index}.code",
                    code="duplicate",
                )
            seen.add(item.code)
            if item.kind is RubricItemKind.scored:
                if item.max_points is None or item.max_points <= 0:
                    raise InvalidInput(
                        "a scored item needs max_points above 0",
                        field=f"items.{index}.max_points",
                        code="max_points_required",
                    )
                total += item.max_points
            elif item.max_points is not None:
                raise InvalidInput(
                    "a veto item has no max_points",
                    field=f"items.{index}.max_points",
                    code="not_allowed",
                )
        if total != RUBRIC_TOTAL:
            raise InvalidInput(
                f"the scored items add up to {total} points, not {RUBRIC_TOTAL}",
                field="items",
                code="total_not_100",
            )
        return self


class RubricItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    title: str
    kind: RubricItemKind
    max_points: Decimal | None


class RubricRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    name: str
    effective_on: dt.date
    items: list[RubricItemRead]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class RubricFilters(BaseModel):
    region_code: RegionCode | None = None
