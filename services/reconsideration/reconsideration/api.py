"""The v1 API of the reconsideration service: the only place routes are assembled."""

from fastapi import APIRouter

from reconsideration.agency_points.router import router as agency_points
from reconsideration.applications.router import router as applications
from reconsideration.audit.router import router as audit
from reconsideration.collective_discussions.router import (
    router as collective_discussions,
)
from reconsideration.deadlines.router import router as deadlines
from reconsideration.litigation.router import router as litigation
from reconsideration.opinion_letters.router import router as opinion_letters
from reconsideration.statistics.router import router as statistics

api_router = APIRouter(prefix="/api/v1")
for router in (
    agency_points,
    applications,
    collective_discussions,
    opinion_letters,
    litigation,
    deadlines,
    statistics,
    audit,
):
    api_router.include_router(router)
