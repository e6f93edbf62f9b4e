from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.lenient_items.models import LenientMeasure
from enforcement.schemas import RegionCode, Year, not_before
from shared.types import CaseDate


class LenientItemCreate(BaseModel):
    """A list item of one agency; the region is taken from the agency."""

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    measure: LenientMeasure
    matter: str = Field(
        min_length=1, max_length=2000, description="The violation the item covers."
    )
    legal_basis: str = Field(
        min_length=1,
        max_length=2000,
        examples=["《中华人民共和国行政处罚法》第三十三条第一款"],
    )
    effective_on: CaseDate
    effective_until: CaseDate | None = Field(
        default=None, description="Last day in force, if the list sets one."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> LenientItemCreate:
        not_before(
            self.effective_until,
            self.effective_on,
            field="effective_until",
            what="effective_on",
        )
        return self


class LenientItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_id: uuid.UUID
    region_code: str
    measure: LenientMeasure
    matter: str
    legal_basis: str
    effective_on: dt.date
    effective_until: dt.date | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class LenientItemFilters(BaseModel):
    in_force_on: CaseDate | None = Field(
        default=None,
        description="In force on this day: effective_on on or before it and "
        "effective_until, if any, on or after it.",
    )
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    measure: LenientMeasure | None = None
    year: Year | None = Field(
        default=None, description="Effective from a day in this year."
    )
