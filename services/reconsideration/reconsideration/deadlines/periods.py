"""Period arithmetic on a working-day calendar (pure: no I/O).

Two ways of counting, as the Administrative Reconsideration Law prescribes (2023 revision
Art. 88; 1999/2017 law Art. 40):

- **working days**: the 3, 5, 7 and 10-day periods of the 2023 revision (Art. 88(2)), the 5
  and 7-day periods of the 1999/2017 law (Art. 40(2)). Weekends and statutory holidays do
  not count; the official make-up working days (调休 Saturdays and Sundays) do;
- **calendar days**: every other period, under the Civil Procedure Law (民事诉讼法, 2023,
  Art. 85): the start day is not counted, and a last day that is not a working day moves to
  the next working day (weekends are treated as rest days for this roll, as courts do;
  research/mission-notes.md §1.3).

Both count from the day after ``start``. Every function raises CalendarYearUnknown (409)
when it needs a day of a year the calendar does not know, and ValueError for a negative
``n`` (a programming error, not a client's).
"""

from __future__ import annotations

import datetime as dt

from reconsideration.deadlines.calendars import WorkingCalendar

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
