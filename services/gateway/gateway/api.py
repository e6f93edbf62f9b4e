"""The routes of the gateway: the only place they are assembled."""

from fastapi import APIRouter, Depends

from gateway.identity.router import router as auth
from gateway.identity.router import well_known_router
from gateway.proxy.router import router as proxy
from gateway.reports.router import router as reports
from shared.guard import request_guard

#: ``/api/v1/...``: tokens, reports, and the routes to the services.
api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth)
# The gateway's own reads refuse undeclared or repeated query parameters (400) like the
# services do; routed calls pass theirs on for the service to judge.
api_router.include_router(reports, dependencies=[Depends(request_guard)])
api_router.include_router(proxy)

#: ``/.well-known/...``: the signing keys.
root_router = APIRouter()
root_router.include_router(well_known_router)
