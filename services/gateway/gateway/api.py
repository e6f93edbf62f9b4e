"""The v1 API of the gateway: the only place routes are assembled."""

from fastapi import APIRouter

from gateway.proxy.router import router as proxy
from gateway.reports.router import router as reports

api_router = APIRouter(prefix="/api/v1")
for router in (reports, proxy):
    api_router.include_router(router)
