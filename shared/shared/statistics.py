"""The shape of a statistic figure, shared by the three statistics endpoints.

A figure has a stable key (``mediation.resolution_rate``), a value, and its
definition: a formula id with a version and a sentence (domain.md §6). Counts
are integers; money is a decimal string in yuan; a rate carries its numerator,
denominator, the exact ratio and a display percentage rounded half-up to the
precision the report uses (97.8% with one decimal, 74% with none).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

#: Digits of the exact ratio sent as ``value`` (the fraction itself is numerator/denominator).
RATE_VALUE_DIGITS = 6


class FigureDefinition(BaseModel):
    formula: str = Field(
        description="Formula id with version, e.g. `mediation.resolution_rate/v1`."
    )
    text: str = Field(description="What is counted, in one sentence.")


class CountFigure(BaseModel):
    kind: Literal["count"] = "count"
    value: int
    definition: FigureDefinition


class MoneyFigure(BaseModel):
    kind: Literal["money"] = "money"
    value: Decimal = Field(description="Yuan, two decimals.")
    unit: Literal["CNY"] = "CNY"
    definition: FigureDefinition


class RateFigure(BaseModel):
    kind: Literal["rate"] = "rate"
    numerator: int
    denominator: int
    value: Decimal | None = Field(
        description=f"numerator ÷ denominator rounded half-up to {RATE_VALUE_DIGITS} decimals;"
        " null when the denominator is 0."
    )
    display: str = Field(
        description="Percentage rounded half-up to the report's precision, e.g. `97.8%`; `—` when undefined."
    )
    precision: int = Field(description="Decimals of the displayed percentage.")
    definition: FigureDefinition


Figure = Annotated[CountFigure | MoneyFigure | RateFigure, Field(discriminator="kind")]


class Period(BaseModel):
    start: dt.date = Field(description="First day of the period (inclusive).")
    end: dt.date = Field(description="Last day of the period (inclusive).")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


class Statistics(BaseModel):
    """One service's figures for a region and a period."""

    service: str
    region_code: str
    year: int
    period: Period
    figures: dict[str, Figure]
    breakdowns: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="Counts by township, type, agency, month ...: not part of the key list.",
    )


def percent_display(numerator: int, denominator: int, precision: int) -> str:
    """``numerator/denominator`` as a percentage rounded half-up, e.g. ``97.8%``."""
    if denominator == 0:
        return "—"
    # Exact integer arithmetic: no binary or decimal rounding before the half-up step.
    quotient, remainder = divmod(100 * numerator * 10**precision, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    value = Decimal(quotient).scaleb(-precision)
    return f"{value}%"


def rate(
    numerator: int, denominator: int, *, precision: int, definition: FigureDefinition
) -> RateFigure:
    value = None
    if denominator:
        value = (Decimal(numerator) / Decimal(denominator)).quantize(
            Decimal(1).scaleb(-RATE_VALUE_DIGITS), rounding=ROUND_HALF_UP
        )
    return RateFigure(
        numerator=numerator,
        denominator=denominator,
        value=value,
        display=percent_display(numerator, denominator, precision),
        precision=precision,
        definition=definition,
    )


def count(value: int | None, *, definition: FigureDefinition) -> CountFigure:
    return CountFigure(value=int(value or 0), definition=definition)


def money(value: Decimal | None, *, definition: FigureDefinition) -> MoneyFigure:
    return MoneyFigure(
        value=(value or Decimal(0)).quantize(Decimal("0.01")), definition=definition
    )
