from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request

from reconsideration.deadlines.models import EARLIEST_YEAR, LATEST_YEAR
from reconsideration.deadlines.schemas import DeadlineListFilters, DeadlineQuery
from shared.auth import Principal, require
from shared.conditional import IfMatch, parse_if_match
from shared.errors import BadRequest, FieldProblem

#: Loading a calendar year changes every deadline of the county's cases: an administrator's
#: permission (docs/auth.md), on top of ``reconsideration:write``.
CALENDAR_SCOPE = "reconsideration:calendar"


async def _if_match(
    request: Request,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="Required to replace a loaded year: its current ETag, e.g. "
            '`"2"`. Missing then: 428; not current: 412; sent for a year never loaded: '
            "412.",
        ),
    ] = None,
) -> IfMatch | None:
    if if_match is None:
        return None
    # Several If-Match lines are one list (RFC 9110 §5.3).
    return parse_if_match(", ".join(request.headers.getlist("if-match")))


async def _if_none_match(
    if_none_match: Annotated[
        str | None,
        Header(
            alias="If-None-Match",
            description="`*`: load only if the year was never loaded (else 412).",
        ),
    ] = None,
) -> bool:
    if if_none_match is None:
        return False
    if if_none_match.strip() != "*":
        error = BadRequest("If-None-Match may only be `*` here")
        error.errors = [
            FieldProblem(
                field="If-None-Match",
                location="header",
                message="only * is accepted",
                code="invalid",
            )
        ]
        raise error
    return True


Year = Annotated[
    int,
    Path(
        ge=EARLIEST_YEAR,
        le=LATEST_YEAR,
        description="The calendar year.",
        examples=[2027],
    ),
]
OptionalIfMatchDep = Annotated[IfMatch | None, Depends(_if_match)]
IfNoneMatchDep = Annotated[bool, Depends(_if_none_match)]
CalendarAdminDep = Annotated[Principal, Depends(require(CALENDAR_SCOPE))]
DeadlineQueryDep = Annotated[DeadlineQuery, Query()]
DeadlineListFiltersDep = Annotated[DeadlineListFilters, Query()]
