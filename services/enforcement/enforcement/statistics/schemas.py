from __future__ import annotations

from pydantic import BaseModel, Field

from shared.statistics import FigureDefinition, Statistics
from shared.types import CountyCode

__all__ = ["DEFINITIONS", "Statistics", "StatisticsQuery"]


class StatisticsQuery(BaseModel):
    region_code: CountyCode = Field(
        description="The county (GB/T 2260, six digits). These figures are kept per county:"
        " a province's or prefecture's code is refused (422)."
    )
    year: int = Field(ge=1949, le=2100)


def _d(key: str, text: str, version: int = 1) -> FigureDefinition:
    return FigureDefinition(formula=f"{key}/v{version}", text=text)


#: The enforcement figures of domain.md §6, each with its definition.
DEFINITIONS: dict[str, FigureDefinition] = {
    d.formula.split("/")[0]: d
    for d in (
        _d(
            "enforcement.supervision_recommendations_issued",
            "Supervision instruments of kind recommendation (监督检查建议书) issued in the period.",
        ),
        _d(
            "enforcement.supervision_recommendations_rectified",
            "Of the recommendations issued in the period, those whose rectification the bureau verified "
            "on or before the period's last day.",
        ),
        _d(
            "enforcement.case_files_reviewed",
            "Case-file reviews (案卷评查) completed in the period.",
        ),
        _d(
            "enforcement.social_supervisors",
            "Enterprise-related social supervisors (涉企行政执法社会监督员) appointed in the period.",
        ),
        _d(
            "enforcement.random_inspections",
            "Random-inspection tasks (双随机、一公开) inspected in the period.",
        ),
        _d(
            "enforcement.joint_inspections",
            "Of the random-inspection tasks of the period, those in which more than one department took part.",
        ),
        _d(
            "enforcement.joint_share",
            "enforcement.joint_inspections ÷ enforcement.random_inspections, shown with no decimals.",
        ),
        _d(
            "enforcement.inspection_item_coverage",
            "Inspection-list items on a list at some time in the period (listed on or before its last day and "
            "not delisted on or before its first day) that a random inspection of the period covered, ÷ those "
            "items; shown with no decimals.",
        ),
        _d(
            "enforcement.lenient_items_exempt",
            "Lenient-enforcement-list items of measure exempt (免予处罚) effective from a day in the period.",
        ),
        _d(
            "enforcement.lenient_items_no_penalty",
            "Lenient-enforcement-list items of measure no_penalty (不予处罚) effective from a day in the period.",
        ),
        _d(
            "enforcement.lenient_items_lighter_or_reduced",
            "Lenient-enforcement-list items of measure lighter (从轻) or reduced (减轻) effective from a day "
            "in the period.",
        ),
        _d(
            "enforcement.new_officers_trained",
            "Officers hired in the period whose training was completed on or before the period's last day.",
        ),
        _d(
            "enforcement.special_campaign_clues",
            "Problem clues found in special campaigns in the period.",
        ),
        _d(
            "enforcement.special_campaign_clues_rectified",
            "Of the problem clues found in the period, those rectified on or before the period's last day.",
        ),
        _d(
            "enforcement.unperformed_judgments_rectified",
            "Unperformed-judgment items (生效裁判未履行) rectified in the period.",
        ),
        _d(
            "enforcement.comprehensive_enforcement_teams",
            "Comprehensive enforcement teams established on or before the period's last day and not "
            "dissolved on or before it.",
        ),
    )
}
