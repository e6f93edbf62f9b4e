from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reconsideration.applications.models import Procedure
from reconsideration.deadlines.exceptions import CalendarYearNotFound
from reconsideration.deadlines.models import Clock, LoadedCalendarYear
from reconsideration.deadlines.schemas import (
    CalendarYearLoad,
    CalendarYearRead,
    DeadlineRead,
)
from reconsideration.deadlines.statutes import (
    LAWS,
    Deadline,
    Suspension,
    compute_deadline,
)
from shared.auth import Principal
from shared.conditional import IfMatch, PreconditionFailed, PreconditionRequired, etag
from shared.errors import InvalidInput
from shared.pagination import Page
from shared.working_days import (
    SATURDAY,
    CalendarSource,
    CalendarYear,
    WorkingCalendar,
    package_calendar,
)


def calendar_year_of(row: LoadedCalendarYear) -> CalendarYear:
    """A loaded row as a calendar year. Raises ValueError for a row that breaks the
    calendar's rules (the load validates them first)."""
    return CalendarYear(
        year=row.year,
        holidays=frozenset(dt.date.fromisoformat(d) for d in row.holidays),
        makeup_working_days=frozenset(
            dt.date.fromisoformat(d) for d in row.makeup_working_days
        ),
        source=CalendarSource.loaded,
        source_detail=row.notice,
    )


async def find_loaded_year(
    session: AsyncSession, year: int
) -> LoadedCalendarYear | None:
    """The year's loaded row, or None when nobody loaded it."""
    row: LoadedCalendarYear | None = await session.scalar(
        select(LoadedCalendarYear).where(LoadedCalendarYear.year == year)
    )
    return row


async def _loaded_years(session: AsyncSession) -> Sequence[LoadedCalendarYear]:
    stmt = select(LoadedCalendarYear).order_by(LoadedCalendarYear.year)
    return (await session.scalars(stmt)).all()


async def working_calendar(session: AsyncSession) -> WorkingCalendar:
    """The calendar deadlines use: the package's years, each year an administrator loaded
    replacing the package's (or adding a year it lacks). Any other year raises
    CalendarYearUnknown (409) when a period needs it."""
    loaded = await _loaded_years(session)
    return package_calendar().with_years(calendar_year_of(row) for row in loaded)


async def deadline(
    session: AsyncSession,
    clock: Clock,
    *,
    received_on: dt.date,
    starts_on: dt.date,
    procedure: Procedure | None = None,
    extension_days: int = 0,
    suspensions: Sequence[Suspension] = (),
) -> Deadline:
    """The last day of ``clock`` for an application received on ``received_on``, on the
    service's calendar (:func:`working_calendar`); see
    :func:`reconsideration.deadlines.statutes.compute_deadline` for the law, the units and
    the arguments.

    Raises LawVersionUnknown, ProcedureRequired, ClockNotInLaw, ExtensionNotAllowed (422)
    and CalendarYearUnknown (409)."""
    return compute_deadline(
        clock,
        received_on=received_on,
        starts_on=starts_on,
        calendar=await working_calendar(session),
        procedure=procedure,
        extension_days=extension_days,
        suspensions=suspensions,
    )


def deadline_read(deadline: Deadline) -> DeadlineRead:
    """The API's view of a deadline: its rule, law title and article, unit, last day."""
    law = next(law for law in LAWS if law.version is deadline.law)
    return DeadlineRead(
        clock=deadline.clock,
        law=deadline.law,
        law_title=law.title,
        article=deadline.article,
        unit=deadline.unit,
        days=deadline.days,
        direction=deadline.direction,
        counts_from=deadline.rule.counts_from,
        starts_on=deadline.starts_on,
        extension_days=deadline.extension_days,
        suspended_days=deadline.suspended_days,
        due_on=deadline.due_on,
        note=deadline.rule.note,
    )


def _package_years() -> dict[int, CalendarYear]:
    return dict(package_calendar().years)


def _read_package(year: CalendarYear) -> CalendarYearRead:
    return CalendarYearRead(
        year=year.year,
        source=year.source,
        source_detail=year.source_detail,
        holidays=sorted(year.holidays),
        makeup_working_days=sorted(year.makeup_working_days),
        overrides_package=False,
    )


def _read_loaded(row: LoadedCalendarYear) -> CalendarYearRead:
    return CalendarYearRead(
        year=row.year,
        source=CalendarSource.loaded,
        source_detail=row.notice,
        holidays=[dt.date.fromisoformat(d) for d in row.holidays],
        makeup_working_days=[dt.date.fromisoformat(d) for d in row.makeup_working_days],
        overrides_package=row.year in _package_years(),
        loaded_by=row.loaded_by,
        loaded_at=row.updated_at,
        version=row.version,
    )


async def list_calendar_years(session: AsyncSession) -> Page[CalendarYearRead]:
    """Every year the calendar knows, by year, with its source: a loaded year in place of
    the package's. One page: there is at most one item per year from 1949 to 2100."""
    years = {y: _read_package(c) for y, c in _package_years().items()}
    for row in await _loaded_years(session):
        years[row.year] = _read_loaded(row)
    return Page(items=[years[y] for y in sorted(years)])


async def get_calendar_year(
    session: AsyncSession, year: int
) -> tuple[CalendarYearRead, LoadedCalendarYear | None]:
    """The year as deadlines see it, and its loaded row if it was loaded. Raises
    CalendarYearNotFound (404) for a year neither loaded nor in the package."""
    row = await find_loaded_year(session, year)
    if row is not None:
        return _read_loaded(row), row
    package = _package_years().get(year)
    if package is None:
        raise CalendarYearNotFound(
            f"No calendar for {year}: the package does not cover it and nobody loaded it"
        )
    return _read_package(package), None


def _validate(year: int, payload: CalendarYearLoad) -> None:
    """Raises InvalidInput naming the first date (``holidays.<i>`` or
    ``makeup_working_days.<i>``) outside ``year``, listed twice, in both lists, or (a
    make-up working day) on a Monday to Friday."""
    holidays = set(payload.holidays)
    for name, days in (
        ("holidays", payload.holidays),
        ("makeup_working_days", payload.makeup_working_days),
    ):
        seen: set[dt.date] = set()
        for i, day in enumerate(days):
            field = f"{name}.{i}"
            if day.year != year:
                raise InvalidInput(
                    f"{day} is not in {year}", field=field, code="not_in_year"
                )
            if day in seen:
                raise InvalidInput(
                    f"{day} is listed twice", field=field, code="repeated"
                )
            seen.add(day)
            if name == "makeup_working_days":
                if day in holidays:
                    raise InvalidInput(
                        f"{day} is also a holiday", field=field, code="also_a_holiday"
                    )
                if day.weekday() < SATURDAY:
                    raise InvalidInput(
                        f"{day} is a Monday to Friday: a make-up working day is a "
                        "Saturday or a Sunday",
                        field=field,
                        code="not_a_weekend_day",
                    )


async def load_calendar_year(
    session: AsyncSession,
    *,
    year: int,
    payload: CalendarYearLoad,
    actor: Principal,
    if_match: IfMatch | None,
    if_none_match: bool = False,
) -> tuple[LoadedCalendarYear, bool]:
    """Store ``year``'s holidays and make-up working days, replacing an earlier load; from
    then on they override the package for that year. Answers the row and whether it is new.

    Replacing a loaded year needs ``if_match`` with its ETag: PreconditionRequired (428)
    without, PreconditionFailed (412) when stale. ``if_match`` for a year never loaded and
    ``if_none_match`` (``If-None-Match: *``) for a loaded one raise PreconditionFailed (412).
    Raises InvalidInput (422) for dates outside the year, repeated, in both lists, or
    make-up working days on a Monday to Friday."""
    _validate(year, payload)
    row = await find_loaded_year(session, year)
    if row is None:
        if if_match is not None:
            raise PreconditionFailed(
                f"No calendar was loaded for {year}: If-Match matches nothing"
            )
        row = LoadedCalendarYear(year=year)
        session.add(row)
        created = True
    else:
        if if_none_match:
            error = PreconditionFailed(
                f"A calendar for {year} was already loaded (If-None-Match: *)"
            )
            error.headers["ETag"] = etag(row.version)
            raise error
        if if_match is None:
            raise PreconditionRequired(
                f"A calendar for {year} was already loaded: send If-Match with its ETag "
                f"(from GET /api/v1/calendar-years/{year}) to replace it"
            )
        if_match.check(row)
        created = False
    row.holidays = [d.isoformat() for d in sorted(payload.holidays)]
    row.makeup_working_days = [
        d.isoformat() for d in sorted(payload.makeup_working_days)
    ]
    row.notice = payload.notice
    row.loaded_by = actor.subject
    await session.flush()
    return row, created


def calendar_year_read(row: LoadedCalendarYear) -> CalendarYearRead:
    """The API's view of a loaded year."""
    return _read_loaded(row)
