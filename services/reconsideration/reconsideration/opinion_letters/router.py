from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from reconsideration.audit.service import audit_change
from reconsideration.db import IdempotencyDep, SessionDep
from reconsideration.opinion_letters import service
from reconsideration.opinion_letters.dependencies import (
    OpinionLetterDep,
    OpinionLetterFiltersDep,
)
from reconsideration.opinion_letters.exceptions import (
    OpinionLetterNotFound,
    OpinionLetterTransitionNotAllowed,
)
from reconsideration.opinion_letters.schemas import (
    OpinionLetterCommand,
    OpinionLetterCreate,
    OpinionLetterEventRead,
    OpinionLetterRead,
)
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import IfMatchDep, etag
from shared.errors import problem_responses
from shared.idempotency import COMMAND_PROBLEMS, CREATE_PROBLEMS, commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(
    prefix="/opinion-letters", tags=["opinion letters"], route_class=ServiceRoute
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OpinionLetterRead,
    responses=problem_responses(Forbidden, *CREATE_PROBLEMS),
)
async def issue_opinion_letter(
    idempotency: IdempotencyDep,
    payload: OpinionLetterCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Record an opinion letter (行政复议意见书) issued to an agency. It starts `issued`; the
    agency's correction report is due 60 calendar days after its receipt (`due_on`, 复议法 Art. 76).
    A letter is a county-level record: outside the caller's county, or for a township-scoped
    caller, 403."""
    letter = await service.issue_opinion_letter(
        session, payload=payload, actor=principal
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create",
        resource_type="opinion_letter",
        resource_id=letter.id,
        region_code=letter.region_code,
        payload=payload,
        status=201,
    )
    return await commit_response(
        session,
        lambda: OpinionLetterRead.model_validate(letter),
        record=letter,
        status_code=status.HTTP_201_CREATED,
        location=f"/api/v1/opinion-letters/{letter.id}",
        idempotency=idempotency,
    )


@router.get("", response_model=Page[OpinionLetterRead], responses=problem_responses())
async def list_opinion_letters(
    session: SessionDep,
    principal: PrincipalDep,
    filters: OpinionLetterFiltersDep,
    page: PageParamsDep,
) -> Page[OpinionLetterRead]:
    """Opinion letters of the caller's county ordered by creation, filtered by region, status
    and year issued. Letters are county-level records: a township-scoped caller sees none."""
    return await service.list_opinion_letters(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/{opinion_letter_id}",
    response_model=OpinionLetterRead,
    responses=problem_responses(OpinionLetterNotFound),
)
async def read_opinion_letter(
    response: Response,
    letter: OpinionLetterDep,
) -> OpinionLetterRead:
    """One opinion letter."""
    response.headers["ETag"] = etag(letter.version)
    return OpinionLetterRead.model_validate(letter)


@router.post(
    "/{opinion_letter_id}/events",
    response_model=OpinionLetterRead,
    responses=problem_responses(
        OpinionLetterNotFound, OpinionLetterTransitionNotAllowed, *COMMAND_PROBLEMS
    ),
)
async def apply_opinion_letter_command(
    letter: OpinionLetterDep,
    idempotency: IdempotencyDep,
    if_match: IfMatchDep,
    command: OpinionLetterCommand,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
) -> Response:
    """Apply a lifecycle command: `record_reply` (issued → replied) on `occurred_on`. A letter
    already replied answers 409."""
    if_match.check(letter)
    letter = await service.apply_command(
        session, letter, command=command, actor=principal
    )
    audit_change(
        session,
        principal=principal,
        request=request,
        action=f"command:{command.type}",
        resource_type="opinion_letter",
        resource_id=letter.id,
        region_code=letter.region_code,
        payload=command,
        status=200,
    )
    return await commit_response(
        session,
        lambda: OpinionLetterRead.model_validate(letter),
        record=letter,
        idempotency=idempotency,
    )


@router.get(
    "/{opinion_letter_id}/events",
    response_model=Page[OpinionLetterEventRead],
    responses=problem_responses(OpinionLetterNotFound),
)
async def list_opinion_letter_events(
    letter: OpinionLetterDep, session: SessionDep, page: PageParamsDep
) -> Page[OpinionLetterEventRead]:
    """The opinion letter's history, oldest first."""
    return await service.list_events(session, letter, page=page)
