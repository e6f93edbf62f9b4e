"""The working-day calendar, shared by every service: :mod:`shared.working_days`. The
reconsideration service adds on top the years an administrator loads
(:func:`reconsideration.deadlines.service.working_calendar`)."""

from shared.working_days import (
    PACKAGE,
    CalendarYear,
    WorkingCalendar,
    package_calendar,
    package_version,
    package_years,
)

__all__ = [
    "PACKAGE",
    "CalendarYear",
    "WorkingCalendar",
    "package_calendar",
    "package_version",
    "package_years",
]
