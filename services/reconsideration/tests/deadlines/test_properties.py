"""Properties of working-day periods on any calendar: the package's years and calendars of
random holidays and make-up days."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reconsideration.deadlines.calendars import (
    CalendarYear,
    WorkingCalendar,
    package_calendar,
)
from reconsideration.deadlines.models import CalendarSource
from reconsideration.deadlines.periods import (
    add_calendar_days,
    add_working_days,
    subtract_working_days,
)

PACKAGE = package_calendar()
#: Starts far enough from the end of the package's last year (2026) that every period stays in it.
PACKAGE_STARTS = st.dates(dt.date(2004, 1, 1), dt.date(2026, 4, 30))
LENGTHS = st.integers(min_value=0, max_value=80)
SYNTHETIC_YEARS = (2031, 2032)


@st.composite
def synthetic_calendars(draw: st.DrawFn) -> WorkingCalendar:
    """Two years of random holidays (up to a quarter of the days) and random make-up
    weekend days."""
    years = []
    for year in SYNTHETIC_YEARS:
        first = dt.date(year, 1, 1)
        every = [first + dt.timedelta(n) for n in range(365)]
        holidays = draw(st.sets(st.sampled_from(every), max_size=90))
        weekends = [d for d in every if d.weekday() >= 5 and d not in holidays]
        makeup = draw(st.sets(st.sampled_from(weekends), max_size=20))
        years.append(
            CalendarYear(
                year=year,
                holidays=frozenset(holidays),
                makeup_working_days=frozenset(makeup),
                source=CalendarSource.loaded,
            )
        )
    return WorkingCalendar(years)


SYNTHETIC_STARTS = st.dates(dt.date(2031, 1, 1), dt.date(2031, 12, 31))
CALENDARS_AND_STARTS = st.one_of(
    st.tuples(st.just(PACKAGE), PACKAGE_STARTS),
    st.tuples(synthetic_calendars(), SYNTHETIC_STARTS),
)


@settings(max_examples=300)
@given(CALENDARS_AND_STARTS, st.integers(min_value=1, max_value=80))
def test_a_working_day_deadline_is_a_working_day(
    calendar_and_start: tuple[WorkingCalendar, dt.date], n: int
) -> None:
    calendar, start = calendar_and_start
    due = add_working_days(start, n, calendar=calendar)
    assert calendar.is_working_day(due)
    between = [start + dt.timedelta(k) for k in range(1, (due - start).days + 1)]
    assert sum(calendar.is_working_day(d) for d in between) == n


@settings(max_examples=300)
@given(CALENDARS_AND_STARTS, LENGTHS)
def test_monotonic_in_the_length(
    calendar_and_start: tuple[WorkingCalendar, dt.date], n: int
) -> None:
    calendar, start = calendar_and_start
    assert add_working_days(start, n, calendar=calendar) < add_working_days(
        start, n + 1, calendar=calendar
    )


@settings(max_examples=300)
@given(CALENDARS_AND_STARTS, st.integers(min_value=0, max_value=60), LENGTHS)
def test_monotonic_in_the_start(
    calendar_and_start: tuple[WorkingCalendar, dt.date], shift: int, n: int
) -> None:
    calendar, start = calendar_and_start
    later = start + dt.timedelta(days=shift)
    assert add_working_days(start, n, calendar=calendar) <= add_working_days(
        later, n, calendar=calendar
    )


@settings(max_examples=300)
@given(
    CALENDARS_AND_STARTS,
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
)
def test_n_then_m_working_days_are_n_plus_m(
    calendar_and_start: tuple[WorkingCalendar, dt.date], n: int, m: int
) -> None:
    calendar, start = calendar_and_start
    step = add_working_days(start, n, calendar=calendar)
    assert add_working_days(step, m, calendar=calendar) == add_working_days(
        start, n + m, calendar=calendar
    )


@settings(max_examples=200)
@given(CALENDARS_AND_STARTS, st.integers(min_value=1, max_value=40))
def test_counting_back_then_forward_returns_to_a_working_day(
    calendar_and_start: tuple[WorkingCalendar, dt.date], n: int
) -> None:
    calendar, start = calendar_and_start
    end = add_working_days(start, 45, calendar=calendar)
    back = subtract_working_days(end, n, calendar=calendar)
    assert calendar.is_working_day(back)
    assert add_working_days(back, n, calendar=calendar) == end


@settings(max_examples=200)
@given(CALENDARS_AND_STARTS, st.integers(min_value=0, max_value=90))
def test_a_calendar_day_deadline_is_the_first_working_day_from_its_last_day(
    calendar_and_start: tuple[WorkingCalendar, dt.date], n: int
) -> None:
    calendar, start = calendar_and_start
    last = start + dt.timedelta(days=n)
    due = add_calendar_days(start, n, calendar=calendar)
    assert calendar.is_working_day(due)
    assert due >= last
    assert not any(
        calendar.is_working_day(last + dt.timedelta(k))
        for k in range((due - last).days)
    )
