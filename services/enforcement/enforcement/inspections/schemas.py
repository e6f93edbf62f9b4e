from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from enforcement.inspections.models import (
    InspectionItemEventType,
    RandomInspectionEventType,
)
from enforcement.schemas import RegionCode, Year, not_before
from shared.types import CaseDate, PastDate


class InspectionItemCreate(BaseModel):
    """An item on an agency's random-inspection list; the region is taken from the agency.

    ``delisted_on`` may be given when recording an item already off the list;
    otherwise use the ``delist`` command.
    """

    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID
    name: str = Field(
        min_length=1, max_length=300, examples=["食品经营许可事项的监督检查"]
    )
    listed_on: CaseDate
    delisted_on: CaseDate | None = Field(
        default=None, description="First day the item is no longer on the list."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> InspectionItemCreate:
        not_before(
            self.delisted_on, self.listed_on, field="delisted_on", what="listed_on"
        )
        return self


class InspectionItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_id: uuid.UUID
    region_code: str
    name: str
    listed_on: dt.date
    delisted_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class InspectionItemFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = None
    year: Year | None = Field(
        default=None, description="On the list at some time in this year."
    )


class Delist(BaseModel):
    """The item is taken off the list; ``occurred_on`` is its first day off the list."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[InspectionItemEventType.delist]
    occurred_on: PastDate


InspectionItemCommand = Annotated[Delist, Field(discriminator="type")]


class InspectionItemEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID
    type: InspectionItemEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime


class RandomInspectionCreate(BaseModel):
    """An inspection task; the region is the lead agency's.

    The departments are the lead plus ``participating_agency_ids`` (all in the lead's
    county); the task is joint when there is more than one. Every covered item must be
    on the list of one of the departments on ``inspected_on``.
    """

    model_config = ConfigDict(extra="forbid")

    inspected_on: CaseDate
    lead_agency_id: uuid.UUID
    participating_agency_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="Departments taking part besides the lead.",
    )
    inspection_item_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    inspector_officer_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="Officers who inspected (drawn at random), each of a department taking "
        "part; they act on `inspected_on` and need a valid enforcement certificate then.",
    )
    entities_inspected: int = Field(
        ge=0, le=1_000_000, description="Market entities inspected."
    )
    results_published_on: CaseDate | None = Field(
        default=None,
        description="Date the results were made public; otherwise use `publish_results`.",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> RandomInspectionCreate:
        not_before(
            self.results_published_on,
            self.inspected_on,
            field="results_published_on",
            what="inspected_on",
        )
        return self


class RandomInspectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    region_code: str
    inspected_on: dt.date
    lead_agency_id: uuid.UUID
    participating_agency_ids: list[uuid.UUID]
    department_count: int = Field(description="Lead plus participating agencies.")
    joint: bool = Field(description="More than one department took part.")
    inspection_item_ids: list[uuid.UUID]
    inspector_officer_ids: list[uuid.UUID] = Field(default_factory=list)
    entities_inspected: int
    results_published_on: dt.date | None
    results_due_on: dt.date | None = Field(
        default=None,
        description="Last day to publish the results in time: the 20th working day after "
        "`inspected_on` (configurable; statutory holidays and weekends excluded, make-up "
        "working days counted). Null for a year the holiday calendar does not cover.",
    )
    results_published_late: bool | None = Field(
        default=None,
        description="Published after `results_due_on`; null while unpublished or when "
        "`results_due_on` is unknown.",
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class RandomInspectionFilters(BaseModel):
    region_code: RegionCode | None = None
    agency_id: uuid.UUID | None = Field(
        default=None, description="Led by or with the participation of this agency."
    )
    joint: bool | None = None
    year: Year | None = Field(default=None, description="Inspected in this year.")


class PublishResults(BaseModel):
    """The results were made public (一公开) on ``occurred_on``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[RandomInspectionEventType.publish_results]
    occurred_on: PastDate


RandomInspectionCommand = Annotated[PublishResults, Field(discriminator="type")]


class RandomInspectionEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    inspection_id: uuid.UUID
    type: RandomInspectionEventType
    occurred_on: dt.date
    actor: str
    data: dict[str, Any]
    created_at: dt.datetime
