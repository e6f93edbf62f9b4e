"""The working-day calendar (pure: no I/O).

A day is a working day when it is an official make-up working day (调休上班日, always a
Saturday or Sunday), or a Monday to Friday that is not a holiday. The State Council General
Office publishes each year's holidays and make-up days, usually in November of the year
before (e.g. 国办发明电〔2023〕7号 for 2024, 国办发明电〔2024〕12号 for 2025). The calendar
of year Y holds the days dated in Y.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from reconsideration.deadlines.exceptions import CalendarYearUnknown
from reconsideration.deadlines.models import CalendarSource

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
