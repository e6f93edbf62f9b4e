from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema, model_validator

from mediation.disputes.models import DisputeType
from mediation.schemas import RegionCode
from shared.errors import InvalidInput
from shared.statistics import FigureDefinition, Period, RateFigure
from shared.types import CaseDate

#: The longest period one analysis covers (api-conventions rule 8: report endpoints cap
#: the date span).
MAX_SPAN_DAYS = 3 * 366

#: Defaults of the rising rule (:mod:`mediation.analysis.service`).
RISING_WINDOW_DAYS = 30
RISING_BASELINE_MONTHS = 12
RISING_FACTOR = Decimal(2)
RISING_MIN_COUNT = 3


_FACTOR_PATTERN = r"^(10(\.0{1,2})?|[1-9](\.[0-9]{1,2})?)$"


def _parse_factor(value: Any) -> Any:
    if isinstance(value, str):
        if not re.fullmatch(_FACTOR_PATTERN, value):
            raise ValueError(
                "a factor from 1 to 10 with at most two decimals, e.g. 1.5"
            )
        return Decimal(value)
    return value


#: A factor from 1 to 10 with at most two decimals, written as a decimal string.
Factor = Annotated[
    Decimal,
    BeforeValidator(_parse_factor),
    Field(ge=1, le=10),
    # What the validator accepts, stated for the OpenAPI document.
    WithJsonSchema(
        {"type": "string", "pattern": _FACTOR_PATTERN, "examples": ["2", "1.5"]}
    ),
]


class AnalysisQuery(BaseModel):
    region_code: RegionCode
    start: CaseDate = Field(description="First day of the period (inclusive).")
    end: CaseDate = Field(description="Last day of the period (inclusive).")
    as_of: CaseDate | None = Field(
        default=None,
        description="Last day of the rising window (default: `end`).",
    )
    rising_window_days: int = Field(
        default=RISING_WINDOW_DAYS,
        ge=7,
        le=92,
        description="Days of the rising window, ending on `as_of`.",
    )
    rising_baseline_months: int = Field(
        default=RISING_BASELINE_MONTHS,
        ge=1,
        le=36,
        description="Calendar months whose mean count is a pair's baseline: those before "
        "the month in which the window starts.",
    )
    rising_factor: Factor = Field(
        default=RISING_FACTOR,
        description="A pair rises when its window count is at least this many times its "
        "baseline mean (and at least `rising_min_count`).",
    )
    rising_min_count: int = Field(
        default=RISING_MIN_COUNT,
        ge=1,
        le=1000,
        description="The fewest disputes in the window that can make a pair rise.",
    )

    @model_validator(mode="after")
    def _span(self) -> AnalysisQuery:
        if self.end < self.start:
            raise InvalidInput(
                "end is before start",
                field="end",
                location="query",
                code="end_before_start",
            )
        if (self.end - self.start).days >= MAX_SPAN_DAYS:
            raise InvalidInput(
                f"the period may cover at most {MAX_SPAN_DAYS} days",
                field="end",
                location="query",
                code="span_too_long",
            )
        return self


class AnalysisGroup(BaseModel):
    """The disputes of one key value (or all of them) registered in the period."""

    count: int = Field(description="Disputes registered in the period.")
    resolved: int = Field(
        description="Of those, resolved by an agreement on or before the period's end."
    )
    failed: int = Field(description="Of those, failed on or before the period's end.")
    resolution_rate: RateFigure = Field(description="resolved ÷ count.")
    median_days_to_resolve: Decimal | None = Field(
        description="Median of calendar days from registration to resolution of the "
        "resolved ones (the mean of the two middle values for an even number), one "
        "decimal; null when none was resolved."
    )


class RisingRule(BaseModel):
    """The rule the rising list applied, with its parameters and the dates they gave."""

    text: str
    window_days: int
    window_start: dt.date
    window_end: dt.date
    baseline_months: int
    baseline_start: dt.date
    baseline_end: dt.date
    factor: Decimal
    min_count: int


class RisingPair(BaseModel):
    township_code: str
    dispute_type: DisputeType
    count: int = Field(description="Disputes registered in the window.")
    baseline_count: int = Field(
        description="Disputes registered in the baseline months."
    )
    baseline_mean: Decimal = Field(
        description="baseline_count ÷ baseline months, rounded half-up to 2 decimals "
        "(the comparison uses the exact value)."
    )
    threshold: Decimal = Field(
        description="max(min_count, factor × baseline mean), rounded half-up to 2 "
        "decimals (the comparison uses the exact value)."
    )


class Rising(BaseModel):
    rule: RisingRule
    items: list[RisingPair] = Field(
        description="Rising (township, type) pairs, most disputes in the window first, "
        "then by township and type."
    )


class Analysis(BaseModel):
    """The county's disputes of a period, broken down (domain.md §4, issue 6)."""

    region_code: str
    period: Period
    as_of: dt.date
    totals: AnalysisGroup
    breakdowns: dict[str, dict[str, AnalysisGroup]] = Field(
        description="By `dispute_type`, `township` (township code; `none` for disputes "
        "without one), `committee` (committee id), `source` and `month` (`YYYY-MM` of "
        "registration)."
    )
    rates: dict[str, RateFigure] = Field(
        description="`agreement_performance_rate`, `judicial_confirmation_rate` and "
        "`judicial_confirmation_rate.over_applied`."
    )
    rising: Rising
    definitions: dict[str, FigureDefinition] = Field(
        description="What each figure counts, by key."
    )
