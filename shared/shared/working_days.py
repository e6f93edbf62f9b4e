"""Working days (工作日) and periods on them, for every service (pure: no I/O).

A day is a working day when it is an official make-up working day (调休上班日, always a
Saturday or Sunday), or a Monday to Friday that is not a holiday. The State Council General
Office publishes each year's holidays and make-up days, usually in November of the year
before (e.g. 国办发明电〔2023〕7号 for 2024, 国办发明电〔2024〕12号 for 2025); the maintained
``chinesecalendar`` package carries them (2004-2026 in 1.11.0). The calendar of year Y holds
the days dated in Y, and a day of a year the calendar does not know raises
:class:`CalendarYearUnknown` (409): it fails closed, never guessing Monday to Friday.

Two ways of counting a period:

- **working days**: the 3, 5, 7 and 10-day periods of the Administrative Reconsideration Law
  (2023 revision Art. 88(2); 1999/2017 law Art. 40(2): 5 and 7 days), the 20 working days of
  random-inspection results. Weekends and statutory holidays do not count; the official
  make-up working days do;
- **calendar days**: every other period, under the Civil Procedure Law (民事诉讼法, 2023,
  Art. 85): the start day is not counted, and a last day that is not a working day moves to
  the next working day (weekends are treated as rest days for this roll, as courts do;
  research/mission-notes.md §1.3).

Both count from the day after ``start``. The period functions raise CalendarYearUnknown
when they need a day of a year the calendar does not know, and ValueError for a negative
``n`` (a programming error, not a client's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import metadata
from typing import Any

from shared.errors import ProblemError


class CalendarSource(StrEnum):
    """Where a year's holidays and make-up working days come from."""

    package = "package"
    loaded = "loaded"


class CalendarYearUnknown(ProblemError):
    """A deadline needs a year for which neither the package nor an administrator gave the
    holidays and make-up working days. 409: the request is fine, the service's calendar is
    not; once the year is loaded (``PUT /api/v1/calendar-years/{year}``) the same request
    succeeds. The problem names the ``year``."""

    status = 409
    type_slug = "calendar-year-unknown"
    title = "Working-day calendar year unknown"

    def __init__(self, year: int, **extensions: Any) -> None:
        super().__init__(
            f"No working-day calendar for {year}: the package does not cover it and nobody "
            f"loaded it. An administrator loads the State Council's holidays and make-up "
            f"working days for {year} with PUT /api/v1/calendar-years/{year}; deadlines are "
            "never guessed from Monday to Friday.",
            year=year,
            **extensions,
        )
        self.year = year


#: The maintained package of the State Council's holidays and make-up days (PyPI name).
PACKAGE = "chinesecalendar"

SATURDAY = 5


@dataclass(frozen=True)
class CalendarYear:
    """One year's holidays and make-up working days, and where they come from.

    ``holidays`` may list weekend days inside a holiday block (the notices give blocks such
    as 2月10日至17日); they change nothing. Raises ValueError when a date lies outside
    ``year``, a day is both, or a make-up working day is a Monday to Friday."""

    year: int
    holidays: frozenset[dt.date]
    makeup_working_days: frozenset[dt.date]
    source: CalendarSource
    #: The package and version (``chinesecalendar 1.11.0``) or the loaded notice, if named.
    source_detail: str | None = None

    def __post_init__(self) -> None:
        outside = [
            d for d in self.holidays | self.makeup_working_days if d.year != self.year
        ]
        if outside:
            raise ValueError(f"{min(outside)} is not in {self.year}")
        both = self.holidays & self.makeup_working_days
        if both:
            raise ValueError(f"{min(both)} is both a holiday and a make-up working day")
        weekdays = [d for d in self.makeup_working_days if d.weekday() < SATURDAY]
        if weekdays:
            raise ValueError(
                f"{min(weekdays)} is a Monday to Friday, not a make-up working day"
            )

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` (in this year) is a working day in the sense of 复议法(2023)
        第88条第2款 (statutory holidays and weekends excluded; make-up working days
        included, research/mission-notes.md §1.3). Raises ValueError for a day of another
        year."""
        if day.year != self.year:
            raise ValueError(f"{day} is not in {self.year}")
        if day in self.makeup_working_days:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays


class WorkingCalendar:
    """The working days of the years it knows. Asking about a day of any other year raises
    :class:`CalendarYearUnknown` (409): the calendar fails closed."""

    def __init__(self, years: Iterable[CalendarYear]) -> None:
        self._years: dict[int, CalendarYear] = {}
        for year in years:
            self._years[year.year] = year

    @property
    def years(self) -> Mapping[int, CalendarYear]:
        return dict(self._years)

    def knows(self, year: int) -> bool:
        """Whether the calendar has ``year``; raises nothing."""
        return year in self._years

    def year(self, year: int) -> CalendarYear:
        """Raises CalendarYearUnknown (409) for a year it does not know."""
        try:
            return self._years[year]
        except KeyError:
            raise CalendarYearUnknown(year) from None

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (复议法(2023) 第88条第2款: weekends and holidays
        are not, make-up Saturdays and Sundays are). Raises CalendarYearUnknown (409) when
        its year is unknown."""
        return self.year(day.year).is_working_day(day)

    def with_years(self, years: Iterable[CalendarYear]) -> WorkingCalendar:
        """This calendar with ``years`` added, each replacing the same year (a loaded year
        overrides the package's). Raises nothing."""
        return WorkingCalendar([*self._years.values(), *years])


def package_version() -> str:
    """The installed version of ``chinesecalendar``, e.g. ``1.11.0``."""
    return metadata.version(PACKAGE)


@cache
def package_years() -> tuple[CalendarYear, ...]:
    """Every year the ``chinesecalendar`` package covers (from its first to its last year
    with holidays: 2004-2026 in 1.11.0), as the State Council's notices give them.
    Raises nothing."""
    # The package ships no type information.
    from chinese_calendar import constants  # type: ignore[import-untyped]

    holidays: dict[dt.date, str] = constants.holidays
    workdays: dict[dt.date, str] = constants.workdays
    first, last = min(holidays).year, max(holidays).year
    detail = f"{PACKAGE} {package_version()}"
    return tuple(
        CalendarYear(
            year=year,
            holidays=frozenset(d for d in holidays if d.year == year),
            makeup_working_days=frozenset(d for d in workdays if d.year == year),
            source=CalendarSource.package,
            source_detail=detail,
        )
        for year in range(first, last + 1)
    )


def package_calendar() -> WorkingCalendar:
    """The calendar of the package's years alone; any other year raises
    CalendarYearUnknown (409) when asked."""
    return WorkingCalendar(package_years())


ONE_DAY = dt.timedelta(days=1)


def _check(n: int) -> None:
    if n < 0:
        raise ValueError(f"a period has a non-negative length, not {n}")


def add_working_days(start: dt.date, n: int, *, calendar: WorkingCalendar) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted; ``n`` = 0
    answers ``start``).

    Unit: working days (复议法 2023 Art. 88(2); 1999/2017 law Art. 40(2)): weekends and
    holidays are skipped, make-up Saturdays and Sundays count. Raises CalendarYearUnknown
    (409) for a day of an unknown year on the way, ValueError for ``n`` < 0."""
    _check(n)
    day = start
    while n:
        day += ONE_DAY
        if calendar.is_working_day(day):
            n -= 1
    return day


def subtract_working_days(
    end: dt.date, n: int, *, calendar: WorkingCalendar
) -> dt.date:
    """The ``n``-th working day before ``end`` (``end`` itself is not counted; ``n`` = 0
    answers ``end``): the latest day to act when something is due ``n`` working days ahead
    of ``end``, e.g. the hearing notice (复议法 2023 Art. 51).

    Unit: working days (复议法 2023 Art. 88(2)). Raises CalendarYearUnknown (409) for a day
    of an unknown year on the way, ValueError for ``n`` < 0."""
    _check(n)
    day = end
    while n:
        day -= ONE_DAY
        if calendar.is_working_day(day):
            n -= 1
    return day


def next_working_day(day: dt.date, *, calendar: WorkingCalendar) -> dt.date:
    """``day`` when it is a working day, else the first working day after it (民事诉讼法 2023
    Art. 85(3)). Raises CalendarYearUnknown (409) for a day of an unknown year on the way."""
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def add_calendar_days(start: dt.date, n: int, *, calendar: WorkingCalendar) -> dt.date:
    """The last day of an ``n``-day period starting the day after ``start``: ``start`` +
    ``n`` days, moved to the next working day when that is a weekend or a holiday (a make-up
    working day stays).

    Unit: calendar days (民事诉讼法 2023 Art. 85, applied by 复议法 2023 Art. 88(1) and
    1999/2017 law Art. 40(1)). Only the last day and the days it moves over need a known
    year. Raises CalendarYearUnknown (409) when they are in an unknown year, ValueError for
    ``n`` < 0."""
    _check(n)
    return next_working_day(start + dt.timedelta(days=n), calendar=calendar)
