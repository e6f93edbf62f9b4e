from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from mediation.audit.service import audit_change, audit_personal_data_read
from mediation.db import IdempotencyDep, SessionDep
from mediation.disputes import service as disputes
from mediation.disputes.router import PII_SCOPE
from mediation.disputes.schemas import DisputeRead
from mediation.screening import service
from mediation.screening.dependencies import (
    ScreeningRoundDep,
    ScreeningRoundFiltersDep,
)
from mediation.screening.exceptions import (
    ScreeningRoundExhausted,
    ScreeningRoundNotFound,
)
from mediation.screening.schemas import (
    ScreeningDisputeCreate,
    ScreeningRoundCreate,
    ScreeningRoundRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.personal_data import CipherDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/screening-rounds", tags=["screening"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ScreeningRoundRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def create_screening_round(
    idempotency: IdempotencyDep,
    payload: ScreeningRoundCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record a round of dispute screening (矛盾纠纷排查): the day, the level (`county`,
    `township` or `village`; the latter two name the township), the area, and how many
    disputes it found. A round that found none is a zero report (零报告): `disputes_found`
    0 with `zero_report` true; the two disagreeing answer 422 naming `zero_report`. A round
    outside the caller's organisation answers 403; a committee outside it is unknown
    (422)."""
    round_ = await service.create_round(session, payload=payload, org=principal.org)
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="screening_round",
        resource_id=round_.id,
        region_code=round_.region_code,
        changes=payload.model_dump(mode="json", exclude_none=True),
        status=status.HTTP_201_CREATED,
    )
    return await commit_response(
        session,
        lambda: ScreeningRoundRead.model_validate(round_),
        record=round_,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/screening-rounds/{round_.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[ScreeningRoundRead], responses=problem_responses())
async def list_screening_rounds(
    session: SessionDep,
    principal: PrincipalDep,
    filters: ScreeningRoundFiltersDep,
    page: PageParamsDep,
) -> Page[ScreeningRoundRead]:
    """Screening rounds ordered by creation, filtered by region, township, committee,
    level, zero report and year screened (within the caller's organisation)."""
    return await service.list_rounds(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{round_id}",
    response_model=ScreeningRoundRead,
    responses=problem_responses(ScreeningRoundNotFound),
)
async def read_screening_round(
    response: Response, round_: ScreeningRoundDep
) -> ScreeningRoundRead:
    """One screening round, with the number of disputes registered from it."""
    response.headers["ETag"] = etag(round_.version)
    return ScreeningRoundRead.model_validate(round_)


@router.post(
    "/{round_id}/disputes",
    status_code=status.HTTP_201_CREATED,
    response_model=DisputeRead,
    responses=problem_responses(
        ScreeningRoundNotFound, ScreeningRoundExhausted, Forbidden, *COMMAND_PROBLEMS
    ),
)
async def register_screened_dispute(
    round_: ScreeningRoundDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    payload: ScreeningDisputeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    cipher: CipherDep,
) -> Response:
    """Register a dispute the round found for mediation, with source `screening` and
    `screening_round_id` naming the round (the body and the answer are those of `POST
    /disputes`; `Location` is the dispute's). `If-Match` with the round's ETag is required:
    the round counts the disputes registered from it (`disputes_opened`), and its version
    moves on. Once all `disputes_found` are registered (at once for a zero report) it
    answers 409 `screening-round-exhausted`; a `registered_on` before the round, or a
    committee outside the area screened, answers 422 naming the field."""
    if_match.check(round_)
    dispute = await service.register_found_dispute(
        session,
        round_,
        payload=payload,
        actor=principal,
        time_limit_days=request.app.state.settings.dispute_time_limit_days,
        org=principal.org,
        cipher=cipher,
        abbreviations=request.app.state.settings.case_number_abbreviations,
    )
    changes = payload.model_dump(mode="json", exclude_none=True, exclude={"parties"})
    changes["parties"] = [p.masked() for p in payload.parties]
    changes["screening_round_id"] = str(round_.id)
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="dispute",
        resource_id=dispute.id,
        region_code=dispute.region_code,
        changes=changes,
        status=status.HTTP_201_CREATED,
    )
    read = disputes.dispute_read(dispute, cipher=cipher, full=principal.has(PII_SCOPE))
    if principal.has(PII_SCOPE) and (fields := disputes.shown_in_full(read)):
        audit_personal_data_read(
            session,
            principal=principal,
            request=request,
            resource_type="dispute",
            resource_id=read.id,
            region_code=read.region_code,
            fields=fields,
        )
    return await commit_response(
        session,
        read,
        record=dispute,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/disputes/{dispute.id}",
        idempotency=idempotency,
    )
