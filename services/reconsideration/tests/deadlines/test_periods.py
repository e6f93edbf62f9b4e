"""Working-day and calendar-day periods on the package's calendar, at the 2024 and 2025
Spring Festival and National Day holidays.

Every holiday and make-up working day asserted here is the State Council General Office's,
typed from its notices (not read back from the package): 国办发明电〔2023〕7号 of 2023-10-25
for 2024, 国办发明电〔2024〕12号 of 2024-11-12 for 2025. :class:`TestTheNotices` checks the
package against them."""

from __future__ import annotations

import datetime as dt

import pytest

from reconsideration.deadlines.exceptions import CalendarYearUnknown
from shared.working_days import (
    WorkingCalendar,
    add_calendar_days,
    add_working_days,
    next_working_day,
    package_calendar,
    subtract_working_days,
)

D = dt.date
CALENDAR = package_calendar()


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(n) for n in range((last - first).days + 1)]


#: The notices: each holiday block (放假调休, first and last day) and the make-up working
#: days (上班). Blocks "与周末连休" are given with their weekend.
NOTICES: dict[int, tuple[list[tuple[dt.date, dt.date]], list[dt.date]]] = {
    2024: (
        [
            (D(2023, 12, 30), D(2024, 1, 1)),  # 元旦, 与周末连休
            (D(2024, 2, 10), D(2024, 2, 17)),  # 春节
            (D(2024, 4, 4), D(2024, 4, 6)),  # 清明节
            (D(2024, 5, 1), D(2024, 5, 5)),  # 劳动节
            (D(2024, 6, 8), D(2024, 6, 10)),  # 端午节, 与周末连休
            (D(2024, 9, 15), D(2024, 9, 17)),  # 中秋节
            (D(2024, 10, 1), D(2024, 10, 7)),  # 国庆节
        ],
        [
            D(2024, 2, 4),
            D(2024, 2, 18),
            D(2024, 4, 7),
            D(2024, 4, 28),
            D(2024, 5, 11),
            D(2024, 9, 14),
            D(2024, 9, 29),
            D(2024, 10, 12),
        ],
    ),
    2025: (
        [
            (D(2025, 1, 1), D(2025, 1, 1)),  # 元旦, 不调休
            (D(2025, 1, 28), D(2025, 2, 4)),  # 春节
            (D(2025, 4, 4), D(2025, 4, 6)),  # 清明节
            (D(2025, 5, 1), D(2025, 5, 5)),  # 劳动节
            (D(2025, 5, 31), D(2025, 6, 2)),  # 端午节
            (D(2025, 10, 1), D(2025, 10, 8)),  # 国庆节、中秋节
        ],
        [
            D(2025, 1, 26),
            D(2025, 2, 8),
            D(2025, 4, 27),
            D(2025, 9, 28),
            D(2025, 10, 11),
        ],
    ),
}


class TestTheNotices:
    @pytest.mark.parametrize("year", sorted(NOTICES))
    def test_the_package_has_the_notice_of_the_year(self, year: int) -> None:
        blocks, makeup = NOTICES[year]
        off = {d for first, last in blocks for d in days(first, last)}
        for day in days(D(year, 1, 1), D(year, 12, 31)):
            expected = day in makeup or (day.weekday() < 5 and day not in off)
            assert CALENDAR.is_working_day(day) is expected, day
        assert CALENDAR.year(year).makeup_working_days == set(makeup)


class TestAddWorkingDays:
    def test_counts_from_the_day_after_the_start(self) -> None:
        # Monday 2024-03-04 + 1: Tuesday; Friday + 1: the next Monday.
        assert add_working_days(D(2024, 3, 4), 1, calendar=CALENDAR) == D(2024, 3, 5)
        assert add_working_days(D(2024, 3, 8), 1, calendar=CALENDAR) == D(2024, 3, 11)
        assert add_working_days(D(2024, 3, 8), 0, calendar=CALENDAR) == D(2024, 3, 8)

    def test_2024_spring_festival_counts_the_make_up_sunday(self) -> None:
        # Received Thu 2024-02-08: Fri 02-09 (1), the holiday 02-10..17, make-up Sun 02-18 (2),
        # 02-19 (3), 02-20 (4), 02-21 (5).
        assert add_working_days(D(2024, 2, 8), 5, calendar=CALENDAR) == D(2024, 2, 21)

    def test_2025_spring_festival_counts_both_make_up_days(self) -> None:
        # From Fri 2025-01-24: make-up Sun 01-26 (1), 01-27 (2), the holiday 01-28..02-04,
        # 02-05..07 (3-5), make-up Sat 02-08 (6), 02-10..13 (7-10).
        assert add_working_days(D(2025, 1, 24), 5, calendar=CALENDAR) == D(2025, 2, 7)
        assert add_working_days(D(2025, 1, 24), 10, calendar=CALENDAR) == D(2025, 2, 13)

    def test_2024_national_day(self) -> None:
        # From Thu 2024-09-26: 09-27 (1), make-up Sun 09-29 (2), 09-30 (3), the holiday
        # 10-01..07, 10-08..11 (4-7); make-up Sat 10-12 would be the eighth.
        assert add_working_days(D(2024, 9, 26), 7, calendar=CALENDAR) == D(2024, 10, 11)
        assert add_working_days(D(2024, 9, 26), 8, calendar=CALENDAR) == D(2024, 10, 12)

    def test_2025_national_day(self) -> None:
        # From Fri 2025-09-26: make-up Sun 09-28 (1), 09-29 (2), 09-30 (3), the holiday
        # 10-01..08, 10-09 (4), 10-10 (5), make-up Sat 10-11 (6), 10-13..16 (7-10).
        assert add_working_days(D(2025, 9, 26), 10, calendar=CALENDAR) == D(
            2025, 10, 16
        )

    def test_across_new_year_2024(self) -> None:
        # From Fri 2023-12-29: the weekend and New Year's Day 2024-01-01 do not count.
        assert add_working_days(D(2023, 12, 29), 5, calendar=CALENDAR) == D(2024, 1, 8)

    def test_a_negative_length_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="non-negative"):
            add_working_days(D(2024, 3, 4), -1, calendar=CALENDAR)


class TestSubtractWorkingDays:
    def test_counts_back_over_the_2024_national_day(self) -> None:
        # Five working days before Tue 2024-10-08: 09-30, make-up Sun 09-29, 09-27, 09-26, 09-25.
        assert subtract_working_days(D(2024, 10, 8), 5, calendar=CALENDAR) == D(
            2024, 9, 25
        )


class TestAddCalendarDays:
    def test_a_last_day_in_the_2024_national_day_moves_to_the_first_working_day(
        self,
    ) -> None:
        # 2024-08-05 + 60 = Fri 2024-10-04, in the holiday: Tue 10-08.
        assert add_calendar_days(D(2024, 8, 5), 60, calendar=CALENDAR) == D(2024, 10, 8)

    def test_a_last_day_in_the_2025_spring_festival_moves_to_the_first_working_day(
        self,
    ) -> None:
        # 2025-01-02 + 30 = Sat 2025-02-01, in the holiday (to 02-04): Wed 02-05.
        assert add_calendar_days(D(2025, 1, 2), 30, calendar=CALENDAR) == D(2025, 2, 5)

    def test_a_last_day_in_the_2024_spring_festival_moves_to_the_make_up_sunday(
        self,
    ) -> None:
        # 2023-12-17 + 60 = Thu 2024-02-15, in the holiday (to 02-17): make-up Sun 02-18.
        assert add_calendar_days(D(2023, 12, 17), 60, calendar=CALENDAR) == D(
            2024, 2, 18
        )

    def test_a_last_day_on_a_make_up_saturday_stays(self) -> None:
        # 2025-09-11 + 30 = Sat 2025-10-11, a make-up working day.
        assert add_calendar_days(D(2025, 9, 11), 30, calendar=CALENDAR) == D(
            2025, 10, 11
        )

    def test_a_last_day_on_an_ordinary_weekend_moves_to_monday(self) -> None:
        assert add_calendar_days(D(2024, 3, 1), 15, calendar=CALENDAR) == D(2024, 3, 18)


class TestUnknownYears:
    def test_a_working_day_period_into_an_unknown_year_fails_closed(self) -> None:
        # 2027 is in neither the package (chinesecalendar 1.11.0 ends with 2026) nor here.
        with pytest.raises(CalendarYearUnknown) as caught:
            add_working_days(D(2026, 12, 28), 5, calendar=CALENDAR)
        assert caught.value.year == 2027
        assert caught.value.status == 409
        assert caught.value.extensions == {"year": 2027}

    def test_a_plain_weekday_of_an_unknown_year_is_not_guessed(self) -> None:
        # Tue 2027-03-02 would be a working day from Monday to Friday: still unknown.
        with pytest.raises(CalendarYearUnknown):
            add_calendar_days(D(2027, 1, 31), 30, calendar=CALENDAR)

    def test_an_empty_calendar_knows_nothing(self) -> None:
        with pytest.raises(CalendarYearUnknown):
            next_working_day(D(2024, 3, 4), calendar=WorkingCalendar([]))
