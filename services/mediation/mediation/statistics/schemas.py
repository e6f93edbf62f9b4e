from __future__ import annotations

from pydantic import BaseModel, Field

from shared.statistics import FigureDefinition, Statistics
from shared.types import StatisticsScope

__all__ = ["DEFINITIONS", "Statistics", "StatisticsQuery"]


class StatisticsQuery(BaseModel):
    region_code: StatisticsScope = Field(
        description="The scope (GB/T 2260, six digits): a county (`421222`), a province"
        " (`420000`) or the whole country (`000000`); a prefecture is refused (422). A"
        " county-level caller may only ask for its own county."
    )
    year: int = Field(ge=1949, le=2100)


def _d(key: str, text: str, version: int = 1) -> FigureDefinition:
    return FigureDefinition(formula=f"{key}/v{version}", text=text)


#: The mediation figures of domain.md §6, each with its definition.
DEFINITIONS: dict[str, FigureDefinition] = {
    d.formula.split("/")[0]: d
    for d in (
        _d(
            "mediation.cases_mediated",
            "Disputes registered for mediation in the period (registered_on in the period).",
        ),
        _d(
            "mediation.cases_resolved",
            "Of the disputes registered in the period, those resolved by an agreement"
            " on or before the period's last day.",
        ),
        _d(
            "mediation.resolution_rate",
            "mediation.cases_resolved ÷ mediation.cases_mediated, shown with one decimal.",
        ),
        _d(
            "mediation.remote_video_sessions",
            "Disputes registered in the period whose mediation mode is remote video.",
        ),
        _d(
            "mediation.remote_video_cost_saved",
            "Sum of the estimated cost saved for the parties by those remote video mediations, in yuan.",
        ),
        _d("mediation.trainings", "Mediator training sessions held in the period."),
        _d(
            "mediation.fulltime_mediators_recruited",
            "Full-time mediators recruited in the period.",
        ),
        _d(
            "mediation.committees_founded",
            "Mediation committees founded in the period.",
        ),
    )
}
