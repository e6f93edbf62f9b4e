from __future__ import annotations

from pydantic import BaseModel, Field

from reconsideration.schemas import RegionCode
from shared.statistics import FigureDefinition, Statistics

__all__ = ["DEFINITIONS", "Statistics", "StatisticsQuery"]


class StatisticsQuery(BaseModel):
    region_code: RegionCode
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
            "(60 calendar days after the agency's receipt).",
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
