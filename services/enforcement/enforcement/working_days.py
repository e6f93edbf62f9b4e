"""Working days (工作日) for the enforcement service: the shared calendar of the
``chinesecalendar`` package (:mod:`shared.working_days`: weekends and statutory holidays
excluded, official make-up working days included). A day of a year the package does not
cover has no answer: the functions return None rather than guess."""

from __future__ import annotations

import datetime as dt

from shared import working_days
from shared.working_days import CalendarYearUnknown


def add_working_days(start: dt.date, days: int) -> dt.date | None:
    """The ``days``-th working day after ``start`` (``start`` itself not counted: the
    period begins the next day), or None when a day on the way lies in a year the package
    does not cover."""
    try:
        return working_days.add_working_days(
            start, days, calendar=working_days.package_calendar()
        )
    except CalendarYearUnknown:
        return None
