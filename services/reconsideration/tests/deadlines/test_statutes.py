"""The clocks of each law version, chosen by the receipt date (domain.md §3.2), with
extension and suspension, on the package's calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reconsideration.applications.models import Procedure
from reconsideration.deadlines.exceptions import (
    CalendarYearUnknown,
    ClockNotInLaw,
    ExtensionNotAllowed,
    LawVersionUnknown,
    ProcedureRequired,
)
from reconsideration.deadlines.models import Clock, Direction, LawVersion, Unit
from reconsideration.deadlines.statutes import (
    LAW_1999,
    LAW_2023,
    LAWS,
    Suspension,
    compute_deadline,
    law_for,
)
from shared.working_days import package_calendar

D = dt.date
CALENDAR = package_calendar()
ORDINARY = Procedure.ordinary
SIMPLIFIED = Procedure.simplified


def due(
    clock: Clock, received_on: dt.date, starts_on: dt.date, **kw: Any
) -> dt.date | None:
    return compute_deadline(
        clock,
        received_on=received_on,
        starts_on=starts_on,
        calendar=CALENDAR,
        **kw,
    ).due_on


class TestLawVersion:
    @pytest.mark.parametrize(
        ("received_on", "law"),
        [
            (D(1999, 10, 1), LawVersion.law_1999),
            (D(2023, 12, 29), LawVersion.law_1999),
            (D(2023, 12, 31), LawVersion.law_1999),
            (D(2024, 1, 1), LawVersion.law_2023),
            (D(2024, 1, 2), LawVersion.law_2023),
        ],
    )
    def test_the_receipt_date_chooses_the_law(
        self, received_on: dt.date, law: LawVersion
    ) -> None:
        assert law_for(received_on).version is law

    def test_before_the_first_law_there_is_none(self) -> None:
        with pytest.raises(LawVersionUnknown) as caught:
            law_for(D(1999, 9, 30))
        assert caught.value.status == 422

    def test_the_laws_meet_without_a_gap(self) -> None:
        assert LAW_1999.in_force_until == LAW_2023.in_force_from - dt.timedelta(days=1)
        assert [law.version for law in LAWS] == [
            LawVersion.law_2023,
            LawVersion.law_1999,
        ]


class TestOldAndNewLaw:
    """Received on Friday 2023-12-29 (the 1999/2017 law) and Tuesday 2024-01-02 (the 2023
    revision)."""

    OLD = D(2023, 12, 29)
    NEW = D(2024, 1, 2)

    def test_acceptance_review_is_five_working_days_under_both(self) -> None:
        old = compute_deadline(
            Clock.acceptance_review,
            received_on=self.OLD,
            starts_on=self.OLD,
            calendar=CALENDAR,
        )
        new = compute_deadline(
            Clock.acceptance_review,
            received_on=self.NEW,
            starts_on=self.NEW,
            calendar=CALENDAR,
        )
        # New Year's Day 2024-01-01 and the weekends do not count.
        assert (old.law, old.article, old.unit, old.due_on) == (
            LawVersion.law_1999,
            "复议法(2017) 第17条",
            Unit.working_days,
            D(2024, 1, 8),
        )
        assert (new.law, new.article, new.unit, new.due_on) == (
            LawVersion.law_2023,
            "复议法(2023) 第30条",
            Unit.working_days,
            D(2024, 1, 9),
        )

    def test_the_respondents_reply_is_calendar_days_under_the_old_law_only(
        self,
    ) -> None:
        # The respondent receives the copy on Friday 2024-01-05.
        received_copy = D(2024, 1, 5)
        old = compute_deadline(
            Clock.respondent_reply,
            received_on=self.OLD,
            starts_on=received_copy,
            calendar=CALENDAR,
            procedure=ORDINARY,
        )
        assert (old.unit, old.article, old.due_on) == (
            Unit.calendar_days,
            "复议法(2017) 第23条第1款",
            D(2024, 1, 15),
        )
        new = compute_deadline(
            Clock.respondent_reply,
            received_on=self.NEW,
            starts_on=received_copy,
            calendar=CALENDAR,
            procedure=ORDINARY,
        )
        assert (new.unit, new.article, new.due_on) == (
            Unit.working_days,
            "复议法(2023) 第48条",
            D(2024, 1, 19),
        )
        assert due(
            Clock.respondent_reply, self.NEW, received_copy, procedure=SIMPLIFIED
        ) == D(2024, 1, 12)

    def test_the_simplified_procedure_exists_only_under_the_new_law(self) -> None:
        for clock in (Clock.copy_to_respondent, Clock.respondent_reply, Clock.decision):
            with pytest.raises(ClockNotInLaw, match="simplified procedure came with"):
                due(clock, self.OLD, self.OLD, procedure=SIMPLIFIED)
            assert due(clock, self.NEW, self.NEW, procedure=SIMPLIFIED) is not None

    def test_the_applicants_correction_period_is_statutory_only_under_the_new_law(
        self,
    ) -> None:
        with pytest.raises(ClockNotInLaw) as caught:
            due(Clock.applicant_correction, self.OLD, self.OLD)
        assert caught.value.status == 422
        # 10 working days from Friday 2024-01-05.
        assert due(Clock.applicant_correction, self.NEW, D(2024, 1, 5)) == D(
            2024, 1, 19
        )

    def test_the_correction_request(self) -> None:
        # Old: 5 calendar days (实施条例 第29条), Wed 2024-01-03. New: 5 working days.
        assert due(Clock.correction_request, self.OLD, self.OLD) == D(2024, 1, 3)
        assert due(Clock.correction_request, self.NEW, self.NEW) == D(2024, 1, 9)

    def test_the_hearing_notice_counts_back_under_the_new_law(self) -> None:
        deadline = compute_deadline(
            Clock.hearing_notice,
            received_on=self.NEW,
            starts_on=D(2024, 10, 8),
            calendar=CALENDAR,
        )
        assert (deadline.direction, deadline.due_on) == (
            Direction.before,
            D(2024, 9, 25),
        )
        with pytest.raises(ClockNotInLaw):
            due(Clock.hearing_notice, self.OLD, D(2024, 1, 20))

    def test_the_opinion_letter_reply_is_sixty_days_under_both(self) -> None:
        # From 2024-08-05: Fri 10-04 is in the National Day holiday, so Tue 10-08.
        assert due(Clock.opinion_letter_reply, self.OLD, D(2024, 8, 5)) == D(
            2024, 10, 8
        )
        assert due(Clock.opinion_letter_reply, self.NEW, D(2024, 8, 5)) == D(
            2024, 10, 8
        )

    def test_procedure_dependent_clocks_need_the_procedure(self) -> None:
        with pytest.raises(ProcedureRequired):
            due(Clock.decision, self.NEW, self.NEW)


class TestDecision:
    ACCEPTED = D(2024, 3, 1)

    def test_sixty_calendar_days_from_acceptance(self) -> None:
        deadline = compute_deadline(
            Clock.decision,
            received_on=self.ACCEPTED,
            starts_on=self.ACCEPTED,
            calendar=CALENDAR,
            procedure=ORDINARY,
        )
        assert (deadline.unit, deadline.days, deadline.article, deadline.due_on) == (
            Unit.calendar_days,
            60,
            "复议法(2023) 第62条第1款",
            D(2024, 4, 30),
        )

    def test_a_suspension_adds_its_days_and_an_extension_its_own(self) -> None:
        deadline = compute_deadline(
            Clock.decision,
            received_on=self.ACCEPTED,
            starts_on=self.ACCEPTED,
            calendar=CALENDAR,
            procedure=ORDINARY,
            suspensions=[Suspension(D(2024, 3, 10), D(2024, 3, 20))],
        )
        assert (deadline.suspended_days, deadline.due_on) == (10, D(2024, 5, 10))
        # 60 + 30 + 10 days: Sun 2024-06-09, then 端午 Mon 06-10: Tue 06-11.
        extended = compute_deadline(
            Clock.decision,
            received_on=self.ACCEPTED,
            starts_on=self.ACCEPTED,
            calendar=CALENDAR,
            procedure=ORDINARY,
            extension_days=30,
            suspensions=[Suspension(D(2024, 3, 10), D(2024, 3, 20))],
        )
        assert (extended.extension_days, extended.due_on) == (30, D(2024, 6, 11))

    def test_several_suspensions_add_up(self) -> None:
        assert due(
            Clock.decision,
            self.ACCEPTED,
            self.ACCEPTED,
            procedure=ORDINARY,
            suspensions=[
                Suspension(D(2024, 3, 4), D(2024, 3, 6)),
                Suspension(D(2024, 3, 6), D(2024, 3, 9)),
            ],
        ) == D(2024, 5, 6)  # 65 days: Sun 05-05, in the Labour Day holiday: Mon 05-06

    def test_while_suspended_the_clock_has_no_due_day(self) -> None:
        deadline = compute_deadline(
            Clock.decision,
            received_on=self.ACCEPTED,
            starts_on=self.ACCEPTED,
            calendar=CALENDAR,
            procedure=ORDINARY,
            suspensions=[
                Suspension(D(2024, 3, 4), D(2024, 3, 6)),
                Suspension(D(2024, 4, 1)),
            ],
        )
        assert (deadline.due_on, deadline.suspended_days) == (None, 2)

    def test_the_extension_is_capped_by_the_law(self) -> None:
        with pytest.raises(ExtensionNotAllowed, match="at most 30 days"):
            due(
                Clock.decision,
                self.ACCEPTED,
                self.ACCEPTED,
                procedure=ORDINARY,
                extension_days=31,
            )
        with pytest.raises(ExtensionNotAllowed, match="no extension"):
            due(
                Clock.decision,
                self.ACCEPTED,
                self.ACCEPTED,
                procedure=SIMPLIFIED,
                extension_days=1,
            )

    def test_the_old_law_extension_is_thirty_days_too(self) -> None:
        received = D(2023, 11, 1)
        deadline = compute_deadline(
            Clock.decision,
            received_on=received,
            starts_on=received,
            calendar=CALENDAR,
            procedure=ORDINARY,
            extension_days=30,
        )
        # 90 days from 2023-11-01: Tue 2024-01-30.
        assert (deadline.article, deadline.due_on) == (
            "复议法(2017) 第31条第1款",
            D(2024, 1, 30),
        )

    @pytest.mark.parametrize(
        "suspensions",
        [
            [Suspension(D(2024, 2, 1), D(2024, 2, 5))],  # before acceptance
            [Suspension(D(2024, 3, 10), D(2024, 3, 5))],  # ends before it starts
            [
                Suspension(D(2024, 3, 10), D(2024, 3, 20)),
                Suspension(D(2024, 3, 15), D(2024, 3, 25)),
            ],  # overlapping
            [Suspension(D(2024, 3, 10)), Suspension(D(2024, 3, 20), D(2024, 3, 25))],
        ],
    )
    def test_suspensions_out_of_order_are_a_programming_error(
        self, suspensions: list[Suspension]
    ) -> None:
        with pytest.raises(ValueError, match="suspension"):
            due(
                Clock.decision,
                self.ACCEPTED,
                self.ACCEPTED,
                procedure=ORDINARY,
                suspensions=suspensions,
            )

    def test_a_suspension_does_not_stop_other_clocks(self) -> None:
        with pytest.raises(ValueError, match="does not stop"):
            due(
                Clock.acceptance_review,
                self.ACCEPTED,
                self.ACCEPTED,
                suspensions=[Suspension(D(2024, 3, 2), D(2024, 3, 3))],
            )

    def test_a_decision_due_in_an_unknown_year_fails_closed(self) -> None:
        with pytest.raises(CalendarYearUnknown) as caught:
            due(Clock.decision, D(2026, 11, 30), D(2026, 12, 1), procedure=ORDINARY)
        assert caught.value.year == 2027


class TestTheRulesAsData:
    def test_every_clock_of_the_new_law_has_a_rule_with_its_article(self) -> None:
        for clock in Clock:
            procedures = (
                (ORDINARY, SIMPLIFIED)
                if clock
                in (Clock.copy_to_respondent, Clock.respondent_reply, Clock.decision)
                else (None,)
            )
            for procedure in procedures:
                rule = LAW_2023.rule(clock, procedure)
                assert rule.article.startswith("复议法(2023) 第"), rule

    def test_working_days_are_the_three_five_seven_and_ten_day_periods(self) -> None:
        """复议法(2023) 第88条第2款; 复议法(2017) 第40条第2款 names only 五日、七日."""
        for law, working in ((LAW_2023, {3, 5, 7, 10}), (LAW_1999, {5, 7})):
            for (_, _), rule in law.rules.items():
                if rule.article.startswith("实施条例"):
                    continue
                assert (rule.unit is Unit.working_days) == (rule.days in working), rule
