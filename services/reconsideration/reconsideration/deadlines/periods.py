"""Period arithmetic on a working-day calendar: :mod:`shared.working_days` (working days
for the 3, 5, 7 and 10-day periods of 复议法(2023) 第88条第2款; calendar days, moved off
rest days, for the others under 民事诉讼法 第85条)."""

from shared.working_days import (
    ONE_DAY,
    add_calendar_days,
    add_working_days,
    next_working_day,
    subtract_working_days,
)

__all__ = [
    "ONE_DAY",
    "add_calendar_days",
    "add_working_days",
    "next_working_day",
    "subtract_working_days",
]
