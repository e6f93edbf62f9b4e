from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from reconsideration.audit.service import audit_change
from reconsideration.db import SessionDep
from reconsideration.deadlines import service, tracking
from reconsideration.deadlines.dependencies import (
    CalendarAdminDep,
    DeadlineListFiltersDep,
    DeadlineQueryDep,
    IfNoneMatchDep,
    OptionalIfMatchDep,
    Year,
)
from reconsideration.deadlines.exceptions import (
    CalendarYearNotFound,
    CalendarYearUnknown,
    ClockNotInLaw,
    ExtensionNotAllowed,
    LawVersionUnknown,
    ProcedureRequired,
)
from reconsideration.deadlines.models import Clock
from reconsideration.deadlines.schemas import (
    CalendarYearLoad,
    CalendarYearRead,
    DeadlineListItem,
    DeadlineRead,
)
from reconsideration.litigation import deadlines as litigation_deadlines
from reconsideration.opinion_letters import service as opinion_letters
from shared.auth import Forbidden, PrincipalDep
from shared.conditional import PreconditionFailed, PreconditionRequired, etag
from shared.errors import BadRequest, problem_responses
from shared.idempotency import commit_response
from shared.pagination import Page, PageParamsDep
from shared.routing import ServiceRoute

router = APIRouter(route_class=ServiceRoute)
CALENDAR = "working-day calendar"


@router.get(
    "/calendar-years",
    tags=[CALENDAR],
    response_model=Page[CalendarYearRead],
    responses=problem_responses(),
)
async def list_calendar_years(session: SessionDep) -> Page[CalendarYearRead]:
    """Every year of the working-day calendar, by year, with its source: `package` (the
    `chinesecalendar` package's copy of the State Council's notices) or `loaded` (an
    administrator's load, which overrides the package for its year). Deadlines in any
    other year answer 409 `calendar-year-unknown`. All years come on one page."""
    return await service.list_calendar_years(session)


@router.get(
    "/calendar-years/{year}",
    tags=[CALENDAR],
    response_model=CalendarYearRead,
    responses=problem_responses(CalendarYearNotFound),
)
async def read_calendar_year(
    year: Year, session: SessionDep, response: Response
) -> CalendarYearRead:
    """One year's holidays and make-up working days as deadlines use them, and their source.
    A loaded year answers its `ETag`, which replacing it needs."""
    read, row = await service.get_calendar_year(session, year)
    if row is not None:
        response.headers["ETag"] = etag(row.version)
    return read


@router.put(
    "/calendar-years/{year}",
    tags=[CALENDAR],
    response_model=CalendarYearRead,
    status_code=status.HTTP_200_OK,
    responses={
        201: {"model": CalendarYearRead, "description": "The year was loaded."},
        **problem_responses(
            Forbidden, BadRequest, PreconditionFailed, PreconditionRequired
        ),
    },
)
async def load_calendar_year(
    year: Year,
    payload: CalendarYearLoad,
    if_match: OptionalIfMatchDep,
    if_none_match: IfNoneMatchDep,
    principal: CalendarAdminDep,
    session: SessionDep,
    request: Request,
) -> Response:
    """Load a year's holidays and official make-up working days (调休上班日) from the State
    Council General Office's notice: 201 the first time, 200 when it replaces an earlier
    load (which needs `If-Match` with its ETag: 428 without, 412 when stale). From then on
    the loaded dates, not the package's, are the year's working-day calendar.

    Needs `reconsideration:write` and `reconsideration:calendar` (county administrators).
    Every date must lie in `year`, appear once, and not be in both lists; a make-up working
    day is a Saturday or a Sunday (else 422).

    In the same transaction, the pending deadlines of applications that depend on `year`
    (open, paused, or `calendar_unknown` waiting for it) and the reply due days of opinion
    letters and the answer and appeal clocks of lawsuits are recomputed on the new
    calendar."""
    row, created = await service.load_calendar_year(
        session,
        year=year,
        payload=payload,
        actor=principal,
        if_match=if_match,
        if_none_match=if_none_match,
    )
    await tracking.refresh_for_year(session, year)
    await opinion_letters.refresh_for_year(session, year)
    await litigation_deadlines.refresh_for_year(session, year)
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    audit_change(
        session,
        principal=principal,
        request=request,
        action="create" if created else "replace",
        resource_type="calendar_year",
        resource_id=row.id,
        # The calendar is the deployment's, not a record of a county: the event carries the
        # administrator's county, so that county's auditors see it.
        region_code=principal.org.region_code,
        payload=payload,
        status=code,
    )
    return await commit_response(
        session,
        lambda: service.calendar_year_read(row),
        record=row,
        status_code=code,
        location=f"/api/v1/calendar-years/{year}" if created else None,
    )


@router.get(
    "/deadlines",
    tags=["deadlines"],
    response_model=Page[DeadlineListItem],
    responses=problem_responses(),
)
async def list_deadlines(
    filters: DeadlineListFiltersDep,
    page: PageParamsDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> Page[DeadlineListItem]:
    """What is due: the statutory clocks of the applications of the caller's organisation
    (a township-scoped caller sees its township's) that are `open` and due on or before
    `due_before` (the overdue ones included, flagged `overdue`), and every
    `calendar_unknown` one (its due day needs a calendar year nobody loaded yet; load it
    with `PUT /api/v1/calendar-years/{year}`). `state` lists one state instead (`paused`:
    decision clocks of suspended cases, acceptance reviews awaiting a correction).
    Ordered by `due_on`, then id, the clocks without a due day last; each names its
    application and case number."""
    return await tracking.list_deadlines(
        session, filters=filters, page=page, org=principal.org
    )


@router.get(
    "/deadlines/{clock}",
    tags=["deadlines"],
    response_model=DeadlineRead,
    responses=problem_responses(
        CalendarYearUnknown,
        LawVersionUnknown,
        ProcedureRequired,
        ClockNotInLaw,
        ExtensionNotAllowed,
    ),
)
async def compute_deadline(
    clock: Clock, query: DeadlineQueryDep, session: SessionDep
) -> DeadlineRead:
    """The last day of a statutory clock (domain.md §3.2), with the law version (chosen by
    `received_on`: the 2023 revision from 2024-01-01), the article and the unit. Working-day
    periods skip weekends and holidays and count make-up working days; calendar-day periods
    move a last day off work to the next working day.

    A period that needs a year the calendar does not know answers 409
    `urn:fazhi:problem:calendar-year-unknown` naming the `year` (load it with
    `PUT /api/v1/calendar-years/{year}`): deadlines are never guessed. A clock the law
    does not have (e.g. the simplified procedure before 2024) answers 422."""
    result = await service.deadline(
        session,
        clock,
        received_on=query.received_on,
        starts_on=query.starts_on,
        procedure=query.procedure,
        extension_days=query.extension_days,
    )
    return service.deadline_read(result)
