"""Properties of working-day periods on any calendar: the package's years and calendars of
random holidays and make-up days."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reconsideration.applications.models import Procedure
from reconsideration.deadlines.exceptions import ClockNotInLaw
from reconsideration.deadlines.models import Clock, Direction
from reconsideration.deadlines.statutes import compute_deadline, law_for
from shared.working_days import (
    CalendarSource,
    CalendarYear,
    WorkingCalendar,
    add_calendar_days,
    add_working_days,
    package_calendar,
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


#: Receipt dates in the package's years (to 2026-06-30, so every clock stays in them),
#: both law versions (the 2023 revision from 2024-01-01).
RECEIPTS = st.dates(dt.date(2004, 1, 1), dt.date(2026, 6, 30))


@given(
    RECEIPTS,
    st.integers(min_value=0, max_value=60),
    st.sampled_from([*Procedure]),
    st.integers(min_value=0, max_value=30),
)
@settings(max_examples=300, deadline=None)
def test_every_clock_of_an_application_ends_on_a_working_day_not_before_its_start(
    received_on: dt.date, offset: int, procedure: Procedure, extension: int
) -> None:
    """Must-show 2 of issue 5: for any receipt date in the known years, every computed
    deadline of the application's law is a working day and not before its start (the
    hearing notice counts back, so it is before the hearing day instead)."""
    law = law_for(received_on)
    starts_on = received_on + dt.timedelta(days=offset)
    computed = 0
    for clock in Clock:
        try:
            rule = law.rule(clock, procedure)
        except ClockNotInLaw:
            continue
        days = extension if rule.extension and rule.extension.max_days == 30 else 0
        deadline = compute_deadline(
            clock,
            received_on=received_on,
            starts_on=starts_on,
            calendar=PACKAGE,
            procedure=procedure,
            extension_days=days,
        )
        due = deadline.due_on
        assert due is not None
        assert PACKAGE.is_working_day(due), (clock, due)
        if rule.direction is Direction.before:
            assert due < starts_on
        else:
            assert due > starts_on
        computed += 1
    assert computed >= 3  # the 1999 law has no simplified procedure
