"""The v1 API of the enforcement service: the only place routes are assembled."""

from fastapi import APIRouter

from enforcement.agencies.router import router as agencies
from enforcement.audit.router import router as audit
from enforcement.campaigns.router import router as campaigns
from enforcement.case_file_reviews.router import router as case_file_reviews
from enforcement.case_file_rubrics.router import router as case_file_rubrics
from enforcement.inspections.router import router as inspections
from enforcement.instruments.router import router as instruments
from enforcement.judgment_performances.router import router as judgment_performances
from enforcement.lenient_items.router import router as lenient_items
from enforcement.officers.router import router as officers
from enforcement.social_supervisors.router import router as social_supervisors
from enforcement.statistics.router import router as statistics
from enforcement.teams.router import router as teams
from enforcement.tips.router import router as tips

api_router = APIRouter(prefix="/api/v1")
for router in (
    agencies,
    teams,
    officers,
    instruments,
    case_file_rubrics,
    case_file_reviews,
    social_supervisors,
    tips,
    inspections,
    lenient_items,
    campaigns,
    judgment_performances,
    statistics,
    audit,
):
    api_router.include_router(router)
