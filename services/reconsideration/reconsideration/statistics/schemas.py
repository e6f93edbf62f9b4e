from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.statistics import FigureDefinition, RateFigure
from shared.statistics import Statistics as FigureStatistics
from shared.types import CountyCode

__all__ = [
    "DEFINITIONS",
    "ApplicationFlows",
    "ApplicationGroup",
    "BreakdownFigures",
    "BreakdownRate",
    "ConclusionGroup",
    "LitigationBreakdowns",
    "LitigationGroup",
    "OutcomeGroup",
    "ReconsiderationBreakdowns",
    "Statistics",
    "StatisticsQuery",
]


class StatisticsQuery(BaseModel):
    region_code: CountyCode = Field(
        description="The county (GB/T 2260, six digits). These figures are kept per county:"
        " a province's or prefecture's code is refused (422)."
    )
    year: int = Field(ge=1949, le=2100)


def _d(key: str, text: str, version: int = 1) -> FigureDefinition:
    return FigureDefinition(formula=f"{key}/v{version}", text=text)


#: The reconsideration and litigation figures of domain.md §6, each with its definition.
DEFINITIONS: dict[str, FigureDefinition] = {
    d.formula.split("/")[0]: d
    for d in (
        _d(
            "reconsideration.applications_received",
            "Applications the reconsideration office received in the period (received_on in the period).",
        ),
        _d(
            "reconsideration.not_accepted",
            "Not-accepted decisions made in the period (not_accepted_on in the period).",
        ),
        _d(
            "reconsideration.accepted",
            "Applications accepted or deemed accepted in the period (accepted_on in the period).",
        ),
        _d(
            "reconsideration.concluded",
            "Applications concluded in the period by a decision, a termination or a mediation statement, "
            "whenever they were received.",
        ),
        _d(
            "reconsideration.pending",
            "Applications accepted (or deemed accepted) on or before the period's last day and not concluded by then.",
        ),
        _d(
            "reconsideration.corrected",
            "Decisions made in the period that vary, revoke, confirm illegal, order performance or confirm invalid.",
        ),
        _d(
            "reconsideration.correction_rate",
            "reconsideration.corrected ÷ applications concluded by a decision in the period, shown with one decimal.",
        ),
        _d(
            "reconsideration.correction_rate.over_concluded",
            "reconsideration.corrected ÷ reconsideration.concluded, shown with one decimal.",
        ),
        _d(
            "reconsideration.mediated_or_settled",
            "Applications concluded in the period by a mediation statement or terminated on a settlement.",
        ),
        _d(
            "reconsideration.mediated_or_settled_rate",
            "reconsideration.mediated_or_settled ÷ reconsideration.concluded, shown with one decimal.",
        ),
        _d(
            "reconsideration.agency_points",
            "Agency points established on or before the period's last day and not closed by then.",
        ),
        _d(
            "reconsideration.collective_discussions",
            "Collective-discussion meetings held in the period.",
        ),
        _d(
            "reconsideration.opinion_letters_issued",
            "Opinion letters issued in the period.",
        ),
        _d(
            "reconsideration.opinion_letters_replied_on_time",
            "Of the opinion letters issued in the period, those whose reply was recorded on or before the due date "
            "(60 calendar days after the agency's receipt); while the due date waits for a calendar year nobody "
            "loaded, a reply within the 60 days.",
        ),
        _d(
            "litigation.cases",
            "Litigation cases handled in the period: complaint received on or before the period's last day and "
            "still pending or concluded on or after its first day.",
        ),
        _d(
            "litigation.cases.county_government_party",
            "Of the litigation cases handled in the period, those to which the county government is a party.",
        ),
        _d(
            "litigation.concluded",
            "Of the litigation cases handled in the period, those concluded on or before its last day.",
        ),
        _d(
            "litigation.pending",
            "Of the litigation cases handled in the period, those not concluded by its last day.",
        ),
        _d(
            "litigation.lost",
            "Litigation cases concluded in the period with the outcome lost.",
        ),
        _d(
            "litigation.loss_rate",
            "litigation.lost ÷ litigation cases concluded in the period, shown with one decimal.",
        ),
        _d(
            "litigation.head_appearance_rate",
            "Cases with a hearing in the period at which a qualifying agency head appeared ÷ cases with a hearing "
            "in the period, shown with no decimals.",
        ),
        _d(
            "litigation.head_appearance_rate.per_hearing",
            "Hearings in the period at which a qualifying agency head appeared ÷ hearings in the period, "
            "shown with no decimals.",
        ),
    )
}


# --- Breakdowns beside the figures (domain.md §6: not part of the key list) -----------------
#
# A group's measure is the figure of the same name restricted to the group: the same
# conditions, the same date for the period (received on received_on, not accepted on
# not_accepted_on, accepted on accepted_on, concluded, decided, corrected and mediated or
# settled on concluded_on), so each breakdown's groups add up to the county's figure.


class BreakdownRate(BaseModel):
    """A rate of a group: the shape of a rate figure without its definition (the figure of
    the same key has it)."""

    kind: Literal["rate"] = "rate"
    numerator: int
    denominator: int
    value: Decimal | None = Field(
        description="numerator ÷ denominator rounded half-up to 6 decimals; null when the denominator is 0."
    )
    display: str = Field(
        description="Percentage rounded half-up to the figure's precision; `—` when undefined."
    )
    precision: int

    @classmethod
    def of(cls, figure: RateFigure) -> BreakdownRate:
        return cls(**figure.model_dump(exclude={"kind", "definition"}))


class _Group(BaseModel):
    # Measure names are the figure keys without the service prefix; a variant keeps its dot.
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ApplicationFlows(_Group):
    """What happened to the applications of a group in the period, each on its own date."""

    applications_received: int
    not_accepted: int
    accepted: int
    concluded: int
    decided: int = Field(
        description="Concluded by a decision: the denominator of correction_rate."
    )
    corrected: int
    mediated_or_settled: int
    correction_rate: BreakdownRate
    correction_rate_over_concluded: BreakdownRate = Field(
        alias="correction_rate.over_concluded"
    )
    mediated_or_settled_rate: BreakdownRate


class ApplicationGroup(ApplicationFlows):
    pending: int = Field(
        description="Accepted on or before the period's last day and not concluded by then."
    )


class ConclusionGroup(_Group):
    """Applications concluded in the period in one way (a decision type of §3.4, a mediation
    statement, or a termination on its ground)."""

    bucket: Literal[
        "correction", "upheld", "dismissed", "mediated_or_settled", "terminated"
    ] = Field(description="The statistic bucket of domain.md §3.4.")
    concluded: int
    decided: int
    corrected: int
    mediated_or_settled: int


class ReconsiderationBreakdowns(BaseModel):
    by_respondent: dict[str, ApplicationGroup] = Field(
        description="By the respondent agency, as written on the application; agencies with "
        "nothing in the period are left out."
    )
    by_matter_type: dict[str, ApplicationGroup] = Field(
        description="By matter type: all seven, zeros included."
    )
    by_decision_type: dict[str, ConclusionGroup] = Field(
        description="Applications concluded in the period by how they ended: the eight decision "
        "types, `mediation_statement`, and `termination.<ground>` for each termination ground; all "
        "present, zeros included."
    )
    by_month: dict[str, ApplicationFlows] = Field(
        description="By month `01`…`12` of the period, all present; each measure by the month of its "
        "own date (received_on, not_accepted_on, accepted_on, concluded_on). Pending is a count at "
        "the period's end and has no month."
    )


class LitigationGroup(_Group):
    cases: int
    cases_county_government_party: int = Field(alias="cases.county_government_party")
    concluded: int
    pending: int
    lost: int
    loss_rate: BreakdownRate
    head_appearance_rate: BreakdownRate
    head_appearance_rate_per_hearing: BreakdownRate = Field(
        alias="head_appearance_rate.per_hearing"
    )


class OutcomeGroup(_Group):
    concluded: int = Field(
        description="Cases concluded in the period with this outcome."
    )
    cases_county_government_party: int = Field(
        alias="cases.county_government_party",
        description="Of those, cases to which the county government is a party.",
    )


class LitigationBreakdowns(BaseModel):
    by_defendant_agency: dict[str, LitigationGroup] = Field(
        description="By defendant agency; agencies with no case handled in the period are left out."
    )
    by_outcome: dict[str, OutcomeGroup] = Field(
        description="Cases concluded in the period by outcome: all five, zeros included."
    )


class BreakdownFigures(BaseModel):
    reconsideration: ReconsiderationBreakdowns
    litigation: LitigationBreakdowns


class Statistics(FigureStatistics):
    """The figures, the count breakdowns every service returns, and this service's breakdowns
    of its figures (with their rates)."""

    breakdown_figures: BreakdownFigures = Field(
        description="The figures by respondent, matter type, decision type and month, and the "
        "litigation figures by defendant agency and outcome (domain.md §6: beside the figures, not "
        "part of the key list). Each group's measure is the figure of the same name restricted to "
        "the group, so the groups of a breakdown add up to the figure."
    )
