"""The routes of the gateway: the only place they are assembled."""

from fastapi import APIRouter

from gateway.identity.router import router as auth
from gateway.identity.router import well_known_router
from gateway.proxy.router import router as proxy
from gateway.reports.router import router as reports

#: ``/api/v1/...``: tokens, reports, and the routes to the services.
api_router = APIRouter(prefix="/api/v1")
for router in (auth, reports, proxy):
    api_router.include_router(router)

#: ``/.well-known/...``: the signing keys.
root_router = APIRouter()
root_router.include_router(well_known_router)
