from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from enforcement.schemas import RegionCode


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    name: str = Field(min_length=1, max_length=200, examples=["通城县市场监督管理局"])
    sector: str = Field(
        min_length=1,
        max_length=100,
        description="Field of enforcement.",
        examples=["市场监管"],
    )


class AgencyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    name: str
    sector: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class AgencyFilters(BaseModel):
    region_code: RegionCode | None = None
    sector: str | None = Field(default=None, max_length=100)
