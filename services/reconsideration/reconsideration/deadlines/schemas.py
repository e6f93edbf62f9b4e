from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
)

from reconsideration.applications.models import Procedure
from reconsideration.deadlines.models import (
    Clock,
    DeadlineState,
    Direction,
    LawVersion,
    Unit,
)
from reconsideration.schemas import RegionCode, TownshipCode
from shared.types import CaseDate, today
from shared.working_days import CalendarSource

#: At most every day of a year.
MAX_DAYS = 366


class CalendarYearLoad(BaseModel):
    """A year's calendar as the State Council General Office's notice gives it. Every date
    lies in the year of the path; none is listed twice or in both lists; a make-up working
    day is a Saturday or a Sunday. Holidays may include the weekend days of a block (the
    notice's 2月10日至17日); they change nothing."""

    model_config = ConfigDict(extra="forbid")

    holidays: Annotated[
        list[CaseDate],
        Field(
            min_length=1,
            max_length=MAX_DAYS,
            description="Days off (放假), e.g. every day of each holiday block.",
            examples=[["2027-01-01", "2027-02-05", "2027-02-06"]],
        ),
    ]
    makeup_working_days: Annotated[
        list[CaseDate],
        Field(
            default_factory=list,
            max_length=MAX_DAYS,
            description="Official make-up working days (调休上班日): Saturdays and Sundays "
            "that count as working days.",
            examples=[["2027-02-14"]],
        ),
    ]
    notice: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The notice the dates come from.",
        examples=["国务院办公厅关于2027年部分节假日安排的通知"],
    )


class CalendarYearRead(BaseModel):
    """A year of the working-day calendar and its source. ``version`` (and the ETag) belong
    to a loaded year; a package year has none."""

    year: int
    source: CalendarSource = Field(
        description="`package` (chinesecalendar) or `loaded` (an administrator's load, "
        "which overrides the package for the year)."
    )
    source_detail: str | None = Field(
        description="The package and its version, or the notice a loaded year names.",
        examples=["chinesecalendar 1.11.0"],
    )
    holidays: list[dt.date]
    makeup_working_days: list[dt.date]
    overrides_package: bool = Field(
        description="A loaded year the package also covers: the loaded dates apply."
    )
    loaded_by: str | None = None
    loaded_at: dt.datetime | None = None
    version: int | None = None


class DeadlineQuery(BaseModel):
    """The case facts a clock needs."""

    received_on: CaseDate = Field(
        description="The day the reconsideration organ received the application: it "
        "chooses the law version (the 2023 revision from 2024-01-01)."
    )
    starts_on: CaseDate = Field(
        description="The day the clock counts from (not counted itself): receipt, "
        "acceptance, the respondent's or the agency's receipt; for `hearing_notice`, the "
        "hearing day it counts back from."
    )
    procedure: Procedure | None = Field(
        default=None,
        description="Needed by copy_to_respondent, respondent_reply and decision.",
    )
    extension_days: int = Field(
        default=0,
        ge=0,
        le=MAX_DAYS,
        description="Approved extension, in the clock's unit (decision: at most 30).",
    )

    @field_validator("starts_on")
    @classmethod
    def _not_before_receipt(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        received_on = info.data.get("received_on")
        if received_on is not None and value < received_on:
            raise ValueError("must not be before received_on")
        return value


class DeadlineRead(BaseModel):
    """A clock's last day, with the rule that gives it."""

    clock: Clock
    law: LawVersion
    law_title: str
    article: str = Field(examples=["复议法(2023) 第62条第1款"])
    unit: Unit
    days: int = Field(description="The statutory length, in `unit`.")
    direction: Direction
    counts_from: str
    starts_on: dt.date
    extension_days: int
    suspended_days: int = Field(
        description="Days the decision clock stood still in ended suspensions (added)."
    )
    due_on: dt.date | None = Field(
        description="The last day; null while a suspension stops the clock."
    )
    note: str | None = None


class ClockStatus(BaseModel):
    """What a stored clock shows beside its state: ``overdue`` and ``late``, computed the
    same way for an application's clocks and a lawsuit's."""

    due_on: dt.date | None
    state: DeadlineState
    met_on: dt.date | None

    @computed_field(  # type: ignore[prop-decorator]
        description="Open and its last day is before today (Asia/Shanghai)."
    )
    @property
    def overdue(self) -> bool:
        return (
            self.state is DeadlineState.open
            and self.due_on is not None
            and self.due_on < today()
        )

    @computed_field(  # type: ignore[prop-decorator]
        description="Met, but after its last day (a late step, e.g. a late hearing "
        "notice); null when that day is unknown (a calendar year nobody loaded)."
    )
    @property
    def late(self) -> bool | None:
        if self.state is not DeadlineState.met or self.met_on is None:
            return False
        if self.due_on is None:
            return None  # its last day needs a calendar year nobody loaded
        return self.met_on > self.due_on


class ApplicationDeadlineRead(ClockStatus):
    """One statutory clock of an application, as stored with it."""

    model_config = ConfigDict(from_attributes=True)

    clock: Clock
    starts_on: dt.date = Field(
        description="The day the clock counts from (not counted)."
    )
    due_on: dt.date | None = Field(
        description="The last day; null while the clock is paused or its calendar year "
        "is unknown."
    )
    state: DeadlineState
    met_on: dt.date | None = Field(
        description="The day the step it waited for happened (state `met`)."
    )
    article: str = Field(examples=["复议法(2023) 第62条第1款"])
    law: LawVersion
    unit: Unit
    extension_days: int = Field(description="Approved extension (decision clock).")
    suspended_days: int = Field(
        description="Days the decision clock stood still in ended suspensions (added)."
    )
    unknown_year: int | None = Field(
        description="State `calendar_unknown`: the year to load with "
        "`PUT /api/v1/calendar-years/{year}`."
    )


class DeadlineListItem(ApplicationDeadlineRead):
    """A clock in the office's work list, with its application."""

    id: uuid.UUID
    application_id: uuid.UUID
    case_number: str
    region_code: str
    township_code: str | None


#: The states ``GET /deadlines`` lists; ``paused`` and ``calendar_unknown`` have no due day.
ListedState = Literal["open", "calendar_unknown", "paused"]


class DeadlineListFilters(BaseModel):
    due_before: CaseDate = Field(
        description="Open clocks due on or before this day (overdue ones included)."
    )
    clock: Clock | None = None
    state: ListedState | None = Field(
        default=None,
        description="Default: `open` (due by `due_before`) and `calendar_unknown` (due "
        "day unknown until its year is loaded).",
    )
    region_code: RegionCode | None = None
    township_code: TownshipCode | None = None
