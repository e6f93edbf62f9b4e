from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.schemas import RegionCode, Year, not_before
from shared.personal_data import Phone
from shared.types import CaseDate


class SupervisorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    name: str = Field(min_length=1, max_length=100, examples=["王某某"])
    sector: str = Field(
        min_length=1,
        max_length=100,
        description="Where the supervisor comes from.",
        examples=["工商联", "律师"],
    )
    enterprise_related: bool = Field(
        description="Supervises enforcement concerning enterprises (涉企)."
    )
    appointed_on: CaseDate
    term_ends_on: CaseDate = Field(description="Last day of the term.")
    phone: Phone | None = Field(
        default=None,
        description="Mobile (11 digits) or landline with area code; stored encrypted.",
        examples=["13812348000"],
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> SupervisorCreate:
        not_before(
            self.term_ends_on,
            self.appointed_on,
            field="term_ends_on",
            what="appointed_on",
        )
        return self


class SupervisorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    name: str
    sector: str
    enterprise_related: bool
    appointed_on: dt.date
    term_ends_on: dt.date
    phone: str | None = Field(
        default=None,
        description="Masked (`138****8000`) unless the caller has `enforcement:pii`.",
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class SupervisorFilters(BaseModel):
    region_code: RegionCode | None = None
    enterprise_related: bool | None = None
    year: Year | None = Field(default=None, description="Appointed in this year.")
    phone: Phone | None = Field(
        default=None, description="Has this phone (any separators; found by its hash)."
    )
