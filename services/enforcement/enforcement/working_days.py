"""Working days (工作日) for the enforcement service, from the ``chinesecalendar`` package.

A working day is a Monday to Friday that is not a statutory holiday, or an official
make-up working day (调休上班日), as the State Council General Office's yearly notices
give them (the package carries them: 2004-2026 in 1.11.0). A day of a year the package
does not cover has no answer: the functions return None rather than guess.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

SATURDAY = 5


@cache
def _calendar() -> tuple[dict[dt.date, str], dict[dt.date, str], int, int]:
    # The package ships no type information.
    from chinese_calendar import constants  # type: ignore[import-untyped]

    holidays: dict[dt.date, str] = constants.holidays
    workdays: dict[dt.date, str] = constants.workdays
    return holidays, workdays, min(holidays).year, max(holidays).year


def is_working_day(day: dt.date) -> bool | None:
    """Whether ``day`` is a working day; None for a year the package does not cover."""
    holidays, workdays, first, last = _calendar()
    if not first <= day.year <= last:
        return None
    if day in workdays:
        return True
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: dt.date, days: int) -> dt.date | None:
    """The ``days``-th working day after ``start`` (``start`` itself not counted: the
    period begins the next day), or None when a day on the way lies in a year the package
    does not cover."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        working = is_working_day(day)
        if working is None:
            return None
        counted += working
    return day
