"""The gateway's own models: what it reads from the services' statistics endpoints
(``Upstream*``) and what its report endpoints answer (``AnnualReport`` and its parts).

The upstream models mirror ``shared.statistics.Statistics`` but are owned here and
tolerant: unknown fields are ignored and a figure of an unknown kind is skipped, so a
service may add to its payload without breaking the gateway (API conventions rule 14).
Report bodies are always built from these models, never copied from an upstream.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.types import CountyCode

RegionCode = Annotated[
    str,
    # [0-9], not \d: the regex engine's \d also matches full-width and other scripts' digits.
    Field(
        pattern=r"^[0-9]{6}$",
        description="County code (GB/T 2260, six digits).",
        examples=["421222"],
    ),
]
Year = Annotated[
    int,
    Field(
        ge=1949, le=2100, description="Calendar year of the report.", examples=[2023]
    ),
]


class UpstreamName(StrEnum):
    """The services behind the gateway, in the order of the report's sections."""

    reconsideration = "reconsideration"
    mediation = "mediation"
    enforcement = "enforcement"


# --- what the services send --------------------------------------------------------------


class _Upstream(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class UpstreamFigureDefinition(_Upstream):
    formula: str
    text: str


class UpstreamCountFigure(_Upstream):
    kind: Literal["count"]
    value: int
    definition: UpstreamFigureDefinition


class UpstreamMoneyFigure(_Upstream):
    kind: Literal["money"]
    value: Decimal
    unit: str = "CNY"
    definition: UpstreamFigureDefinition


class UpstreamRateFigure(_Upstream):
    kind: Literal["rate"]
    numerator: int
    denominator: int
    value: Decimal | None
    display: str
    precision: int
    definition: UpstreamFigureDefinition


UpstreamFigure = Annotated[
    UpstreamCountFigure | UpstreamMoneyFigure | UpstreamRateFigure,
    Field(discriminator="kind"),
]
_KNOWN_KINDS = frozenset({"count", "money", "rate"})


class UpstreamPeriod(_Upstream):
    start: dt.date
    end: dt.date


class UpstreamStatistics(_Upstream):
    """One service's ``GET /api/v1/statistics`` answer, as the gateway reads it."""

    service: str
    region_code: str
    year: int
    period: UpstreamPeriod | None = None
    figures: dict[str, UpstreamFigure]
    breakdowns: dict[str, dict[str, int]] = Field(default_factory=dict)

    @field_validator("figures", mode="before")
    @classmethod
    def _skip_unknown_kinds(cls, value: Any) -> Any:
        # Figure kinds are an extensible enum: a kind this gateway does not know is left out
        # of the report (the appendix lists what arrived) instead of failing the whole source.
        if isinstance(value, dict):
            return {
                k: v
                for k, v in value.items()
                if not isinstance(v, dict) or v.get("kind") in _KNOWN_KINDS
            }
        return value


# --- what the gateway answers ------------------------------------------------------------


class ReportFormat(StrEnum):
    json = "json"
    markdown = "markdown"


class AnnualReportQuery(BaseModel):
    region_code: CountyCode = Field(
        description="The county (GB/T 2260, six digits): the annual report is a county's;"
        " a province's or prefecture's code is refused (422)."
    )
    year: Year


class SourceStatus(StrEnum):
    ok = "ok"
    timeout = "timeout"
    error = "error"


class ReportSource(BaseModel):
    """One service asked for the report and how it answered."""

    service: UpstreamName
    status: SourceStatus
    problem: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Why the source failed, in a few words; absent when `status` is `ok`.",
        examples=["mediation did not answer within 1.5 s"],
    )


# Each figure reads value and kind first, then its kind's fields, then where it comes from.
Definition = Annotated[str, Field(description="What is counted, in one sentence.")]
Formula = Annotated[
    str,
    Field(description="Formula id with version, e.g. `mediation.resolution_rate/v1`."),
]
Source = Annotated[
    UpstreamName, Field(description="The service that computed the figure.")
]


class ReportCountFigure(BaseModel):
    value: int
    kind: Literal["count"] = "count"
    definition: Definition
    formula: Formula
    source: Source


class ReportMoneyFigure(BaseModel):
    value: Decimal = Field(
        description="Yuan, two decimals, as a decimal string.", examples=["553680.00"]
    )
    kind: Literal["money"] = "money"
    unit: str = "CNY"
    definition: Definition
    formula: Formula
    source: Source


class ReportRateFigure(BaseModel):
    value: Decimal | None = Field(
        description="numerator ÷ denominator (six decimals); null when the denominator is 0."
    )
    kind: Literal["rate"] = "rate"
    numerator: int
    denominator: int
    display: str = Field(
        description="Percentage rounded half-up to `precision` decimals, e.g. `97.8%`."
    )
    precision: int
    definition: Definition
    formula: Formula
    source: Source


ReportFigure = Annotated[
    ReportCountFigure | ReportMoneyFigure | ReportRateFigure,
    Field(discriminator="kind"),
]


class AnnualReport(BaseModel):
    """The figures of a county's annual rule-of-law report, each with its definition and source."""

    region_code: str
    region_name: str | None = Field(default=None, examples=["通城县"])
    year: int
    partial: bool = Field(
        description="True when at least one source failed; its figures are then missing."
    )
    sources: list[ReportSource]
    figures: dict[str, ReportFigure] = Field(
        description="Every figure by its stable key (domain.md §6)."
    )
    breakdowns: dict[str, dict[str, dict[str, int]]] = Field(
        default_factory=dict,
        description="Per service: counts by township, type, month ... (not part of the key list).",
    )

    @property
    def failed_sources(self) -> list[ReportSource]:
        return [s for s in self.sources if s.status is not SourceStatus.ok]
