from __future__ import annotations

from fastapi import APIRouter, Response, status

from enforcement.db import SessionDep
from enforcement.social_supervisors import service
from enforcement.social_supervisors.dependencies import (
    SupervisorDep,
    SupervisorFiltersDep,
)
from enforcement.social_supervisors.exceptions import SupervisorNotFound
from enforcement.social_supervisors.schemas import SupervisorCreate, SupervisorRead
from shared.auth import Forbidden, PrincipalDep
from shared.errors import problem_responses
from shared.pagination import Page, PageParamsDep

router = APIRouter(prefix="/social-supervisors", tags=["social supervisors"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SupervisorRead,
    responses=problem_responses(Forbidden),
)
async def appoint_supervisor(
    payload: SupervisorCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> SupervisorRead:
    """Appoint a social supervisor (社会监督员) for a term. Another county, or a caller
    acting for one agency, answers 403."""
    supervisor = await service.appoint_supervisor(
        session, payload=payload, org=principal.org
    )
    await session.commit()
    response.headers["Location"] = f"/api/v1/social-supervisors/{supervisor.id}"
    return SupervisorRead.model_validate(supervisor)


@router.get("", response_model=Page[SupervisorRead], responses=problem_responses())
async def list_supervisors(
    session: SessionDep,
    filters: SupervisorFiltersDep,
    page: PageParamsDep,
    principal: PrincipalDep,
) -> Page[SupervisorRead]:
    """Social supervisors ordered by creation, filtered by region, enterprise relation and year appointed."""
    return await service.list_supervisors(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{supervisor_id}",
    response_model=SupervisorRead,
    responses=problem_responses(SupervisorNotFound),
)
async def read_supervisor(supervisor: SupervisorDep) -> SupervisorRead:
    """One social supervisor."""
    return SupervisorRead.model_validate(supervisor)
