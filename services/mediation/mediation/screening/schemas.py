from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mediation.disputes.models import DisputeSource
from mediation.disputes.schemas import DisputeCreate
from mediation.schemas import RegionCode, TownshipCode, township_in_region
from mediation.screening.models import ScreeningLevel
from shared.errors import InvalidInput
from shared.types import PastDate


class ScreeningRoundCreate(BaseModel):
    """A round of dispute screening (矛盾纠纷排查, mission-notes §2.8).

    ``level`` ``county`` covers the county (no ``township_code``); ``township`` and
    ``village`` name the township screened. ``zero_report`` is true exactly when the round
    found no dispute (零报告): ``disputes_found`` 0 without it, or above 0 with it, is
    refused (422 naming ``zero_report``).
    """

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    township_code: TownshipCode | None = None
    committee_id: uuid.UUID | None = Field(
        default=None,
        description="The committee that screened (e.g. a village committee); it must lie "
        "in the region (and township, if given).",
    )
    level: ScreeningLevel
    area: str = Field(
        min_length=1,
        max_length=200,
        description="What was screened, e.g. a village or a border area.",
        examples=["隽水镇城东村"],
    )
    screened_on: PastDate
    disputes_found: int = Field(ge=0, le=100_000)
    zero_report: bool = Field(
        default=False,
        description="A zero report (零报告): the round found no dispute.",
    )
    note: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _consistent(self) -> ScreeningRoundCreate:
        township_in_region(self.region_code, self.township_code)
        if self.level is ScreeningLevel.county and self.township_code is not None:
            raise InvalidInput(
                "a county-level round covers the county: leave township_code out",
                field="township_code",
                code="county_level",
            )
        if self.level is not ScreeningLevel.county and self.township_code is None:
            raise InvalidInput(
                f"a {self.level}-level round names its township",
                field="township_code",
                code="township_required",
            )
        if self.zero_report and self.disputes_found != 0:
            raise InvalidInput(
                "a zero report (零报告) found no dispute: disputes_found must be 0",
                field="zero_report",
                code="zero_report_with_disputes",
            )
        if not self.zero_report and self.disputes_found == 0:
            raise InvalidInput(
                "a round that found no dispute is filed as a zero report (零报告): set "
                "zero_report to true",
                field="zero_report",
                code="zero_report_required",
            )
        return self


class ScreeningRoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    township_code: str | None
    committee_id: uuid.UUID | None
    level: ScreeningLevel
    area: str
    screened_on: dt.date
    disputes_found: int
    zero_report: bool
    disputes_opened: int = Field(
        description="Disputes registered from the round (at most `disputes_found`)."
    )
    note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class ScreeningRoundFilters(BaseModel):
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
    committee_id: uuid.UUID | None = None
    level: ScreeningLevel | None = None
    zero_report: bool | None = None
    year: int | None = Field(
        default=None, ge=1949, le=2100, description="Screened in this year."
    )


class ScreeningDisputeCreate(DisputeCreate):
    """A dispute the round found, registered for mediation: as ``POST /disputes``, with
    ``source`` ``screening`` (the default; no other source is accepted)."""

    source: Literal[DisputeSource.screening] = DisputeSource.screening
    registered_on: PastDate = Field(
        description="On or after the day the round screened."
    )
