"""The v1 API of the mediation service: the only place routes are assembled."""

from fastapi import APIRouter

from mediation.analysis.router import router as analysis
from mediation.audit.router import router as audit
from mediation.committees.router import router as committees
from mediation.disputes.router import router as disputes
from mediation.mediators.router import router as mediators
from mediation.screening.router import router as screening
from mediation.statistics.router import router as statistics
from mediation.trainings.router import router as trainings

api_router = APIRouter(prefix="/api/v1")
for router in (
    committees,
    mediators,
    trainings,
    disputes,
    screening,
    statistics,
    analysis,
    audit,
):
    api_router.include_router(router)
