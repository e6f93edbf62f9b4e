"""The statutory clocks of reconsideration as data, per law version (domain.md §3.2;
research/mission-notes.md §1.2-1.3), and the deadline they give (pure: no I/O).

The version is chosen by the date the reconsideration organ received the application:
the 2023 revision for receipt on or after 2024-01-01, the 1999 law (as amended 2009 and
2017, with its 2007 implementing regulation, 实施条例) before. Periods marked
*[inference]* in their ``note`` are readings the statute does not spell out; confirm them
with the county.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reconsideration.applications.models import Procedure
from reconsideration.deadlines.exceptions import (
    ClockNotInLaw,
    ExtensionNotAllowed,
    LawVersionUnknown,
    ProcedureRequired,
)
from reconsideration.deadlines.models import Clock, Direction, LawVersion, Unit
from shared.working_days import (
    WorkingCalendar,
    add_calendar_days,
    add_working_days,
    subtract_working_days,
)

#: Clocks whose length depends on the procedure (ordinary or simplified).
PROCEDURE_CLOCKS = frozenset(
    {Clock.copy_to_respondent, Clock.respondent_reply, Clock.decision}
)


@dataclass(frozen=True)
class Extension:
    """How far a clock may be extended, and by whom."""

    #: Longest extension in the clock's unit; None: the law sets no cap ("a reasonable period").
    max_days: int | None
    approved_by: str


@dataclass(frozen=True)
class ClockRule:
    """One statutory period of one law version."""

    clock: Clock
    days: int
    unit: Unit
    article: str
    counts_from: str
    direction: Direction = Direction.after
    extension: Extension | None = None
    #: Whether a suspension (中止) stops the clock; its days are added (domain.md §3.2).
    pauses_while_suspended: bool = False
    note: str | None = None

    def __post_init__(self) -> None:
        if self.direction is Direction.before and self.unit is not Unit.working_days:
            raise ValueError("only working-day periods count back from an event")


@dataclass(frozen=True)
class Law:
    """One version of the Administrative Reconsideration Law with its clocks."""

    version: LawVersion
    title: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    #: The article that says which periods are working days.
    counting_article: str
    rules: Mapping[tuple[Clock, Procedure | None], ClockRule]
    #: Why a clock (for a procedure) has no period under this law.
    absent: Mapping[tuple[Clock, Procedure | None], str] = field(default_factory=dict)

    def rule(self, clock: Clock, procedure: Procedure | None = None) -> ClockRule:
        """The period of ``clock`` (under ``procedure`` for the clocks that depend on it;
        ignored for the others). Raises ProcedureRequired (422) when the clock needs a
        procedure and none is given, ClockNotInLaw (422) when this law has no such period."""
        if clock in PROCEDURE_CLOCKS:
            if procedure is None:
                raise ProcedureRequired(
                    f"The {clock} period depends on the procedure (ordinary or simplified)"
                )
            key: tuple[Clock, Procedure | None] = (clock, procedure)
        else:
            key = (clock, None)
        if key not in self.rules:
            what = f"{clock}" + (f" ({procedure} procedure)" if key[1] else "")
            # The procedure is at fault when the law has the clock for another procedure.
            by_procedure = key[1] is not None and any(c is clock for c, _ in self.rules)
            raise ClockNotInLaw(
                f"{self.title} has no {what} period: "
                f"{self.absent.get(key, 'not in the law')}",
                field="procedure" if by_procedure else "clock",
                location="query" if by_procedure else "path",
                code="not_in_law",
            )
        return self.rules[key]


def _rules(
    *rules: tuple[Procedure | None, ClockRule],
) -> dict[tuple[Clock, Procedure | None], ClockRule]:
    return {(rule.clock, procedure): rule for procedure, rule in rules}


WD = Unit.working_days
CD = Unit.calendar_days
ORDINARY = Procedure.ordinary
SIMPLIFIED = Procedure.simplified
_SUSPENSION_2023 = "复议法(2023) 第39条"

LAW_2023 = Law(
    version=LawVersion.law_2023,
    title="中华人民共和国行政复议法(2023修订)",
    in_force_from=dt.date(2024, 1, 1),
    in_force_until=None,
    counting_article="复议法(2023) 第88条: 三日、五日、七日、十日 are working days, excluding "
    "statutory holidays; other periods follow 民事诉讼法 第85条",
    rules=_rules(
        (
            None,
            ClockRule(
                Clock.forwarding,
                5,
                WD,
                "复议法(2023) 第32条第2款",
                "the penalising agency's receipt of the application",
                note="Applications handed to the agency that made an on-the-spot or "
                "electronically recorded penalty; the agency forwards them unless it "
                "corrects the penalty itself.",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.acceptance_review,
                5,
                WD,
                "复议法(2023) 第30条",
                "receipt of the application by the reconsideration organ",
                note="No 不予受理 decision by the last day: the application is deemed "
                "accepted on that day (第30条第3款).",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.correction_request,
                5,
                WD,
                "复议法(2023) 第31条第1款",
                "receipt of the application by the reconsideration organ",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.applicant_correction,
                10,
                WD,
                "复议法(2023) 第31条第2款",
                "the applicant's receipt of the correction notice",
                extension=Extension(
                    max_days=None,
                    approved_by="the reconsideration organ, for good reason "
                    "(a reasonable period)",
                ),
                note="No correction by the last day without good reason: the application is "
                "deemed abandoned.",
            ),
        ),
        (
            ORDINARY,
            ClockRule(
                Clock.copy_to_respondent,
                7,
                WD,
                "复议法(2023) 第48条",
                "acceptance",
            ),
        ),
        (
            SIMPLIFIED,
            ClockRule(
                Clock.copy_to_respondent,
                3,
                WD,
                "复议法(2023) 第54条第1款",
                "acceptance",
            ),
        ),
        (
            ORDINARY,
            ClockRule(
                Clock.respondent_reply,
                10,
                WD,
                "复议法(2023) 第48条",
                "the respondent's receipt of the copy of the application",
            ),
        ),
        (
            SIMPLIFIED,
            ClockRule(
                Clock.respondent_reply,
                5,
                WD,
                "复议法(2023) 第54条第1款",
                "the respondent's receipt of the copy of the application",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.hearing_notice,
                5,
                WD,
                "复议法(2023) 第51条第1款",
                "the hearing day (counted back)",
                direction=Direction.before,
                note="[inference] 'five days before the hearing': the notice is due by the "
                "fifth working day before the hearing day.",
            ),
        ),
        (
            ORDINARY,
            ClockRule(
                Clock.decision,
                60,
                CD,
                "复议法(2023) 第62条第1款",
                "acceptance",
                extension=Extension(
                    max_days=30, approved_by="the head of the reconsideration office"
                ),
                pauses_while_suspended=True,
                note=f"A suspension ({_SUSPENSION_2023}) stops the clock; its days are "
                "added [inference].",
            ),
        ),
        (
            SIMPLIFIED,
            ClockRule(
                Clock.decision,
                30,
                CD,
                "复议法(2023) 第62条第2款",
                "acceptance",
                pauses_while_suspended=True,
                note="No extension: the case may switch to the ordinary procedure instead "
                f"(第55条). A suspension ({_SUSPENSION_2023}) stops the clock; its days are "
                "added [inference].",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.opinion_letter_reply,
                60,
                CD,
                "复议法(2023) 第76条",
                "the agency's receipt of the opinion letter",
            ),
        ),
    ),
)

_NO_SIMPLIFIED = "the simplified procedure came with the 2023 revision (第53条)"

LAW_1999 = Law(
    version=LawVersion.law_1999,
    title="中华人民共和国行政复议法(1999, 2009/2017修正) 及 行政复议法实施条例(2007)",
    in_force_from=dt.date(1999, 10, 1),
    in_force_until=dt.date(2023, 12, 31),
    counting_article="复议法(2017) 第40条第2款: 五日、七日 are working days, excluding "
    "holidays; other periods follow 民事诉讼法 (第40条第1款)",
    rules=_rules(
        (
            None,
            ClockRule(
                Clock.acceptance_review,
                5,
                WD,
                "复议法(2017) 第17条",
                "receipt of the application by the reconsideration organ",
                note="An application not refused is accepted from the office's receipt "
                "(第17条第2款).",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.correction_request,
                5,
                CD,
                "实施条例 第29条",
                "receipt of the application by the reconsideration organ",
                note="[inference] Calendar days: the Law's 第40条第2款 makes only its own "
                "五日、七日 working days, and the regulation has no such rule.",
            ),
        ),
        (
            ORDINARY,
            ClockRule(
                Clock.copy_to_respondent,
                7,
                WD,
                "复议法(2017) 第23条第1款",
                "acceptance",
            ),
        ),
        (
            ORDINARY,
            ClockRule(
                Clock.respondent_reply,
                10,
                CD,
                "复议法(2017) 第23条第1款",
                "the respondent's receipt of the copy of the application",
                note="Calendar days: 第40条第2款 makes only 五日、七日 working days.",
            ),
        ),
        (
            ORDINARY,
            ClockRule(
                Clock.decision,
                60,
                CD,
                "复议法(2017) 第31条第1款",
                "acceptance",
                extension=Extension(
                    max_days=30, approved_by="the head of the reconsideration organ"
                ),
                pauses_while_suspended=True,
                note="A suspension (实施条例 第41条) stops the clock; its days are added "
                "[inference].",
            ),
        ),
        (
            None,
            ClockRule(
                Clock.opinion_letter_reply,
                60,
                CD,
                "实施条例 第57条第1款",
                "the agency's receipt of the opinion letter",
            ),
        ),
    ),
    absent={
        (Clock.forwarding, None): "applications through the penalising agency came "
        "with the 2023 revision (第32条)",
        (Clock.applicant_correction, None): "the correction notice sets a reasonable "
        "period (实施条例 第29条)",
        (Clock.hearing_notice, None): "no notice period for hearings (实施条例 第33条)",
        (Clock.copy_to_respondent, SIMPLIFIED): _NO_SIMPLIFIED,
        (Clock.respondent_reply, SIMPLIFIED): _NO_SIMPLIFIED,
        (Clock.decision, SIMPLIFIED): _NO_SIMPLIFIED,
    },
)

#: Every law version, the newest first.
LAWS: tuple[Law, ...] = (LAW_2023, LAW_1999)


def law_for(received_on: dt.date) -> Law:
    """The law version whose clocks apply to an application received on ``received_on``:
    the 2023 revision from 2024-01-01 (复议法(2023) 第90条), the 1999/2017 law from
    1999-10-01. Raises LawVersionUnknown (422) for an earlier date."""
    for law in LAWS:
        if received_on >= law.in_force_from:
            return law
    raise LawVersionUnknown(received_on)


@dataclass(frozen=True)
class Suspension:
    """A suspension (中止) of the case: from ``suspended_on`` to ``resumed_on`` (None while
    it lasts). It stops the decision clock for ``resumed_on - suspended_on`` days."""

    suspended_on: dt.date
    resumed_on: dt.date | None = None

    @property
    def days(self) -> int:
        """Calendar days the clock stood still (0 while the suspension lasts: unknown yet)."""
        return (
            0 if self.resumed_on is None else (self.resumed_on - self.suspended_on).days
        )


@dataclass(frozen=True)
class Deadline:
    """What a clock gives: its rule and its last day (None while a suspension lasts)."""

    clock: Clock
    law: LawVersion
    article: str
    unit: Unit
    days: int
    direction: Direction
    starts_on: dt.date
    extension_days: int
    suspended_days: int
    due_on: dt.date | None
    rule: ClockRule


def _suspended_days(
    starts_on: dt.date, suspensions: Sequence[Suspension]
) -> tuple[int, bool]:
    """The days of the ended suspensions, and whether the last one lasts. Raises ValueError
    for suspensions out of order, overlapping, ending before they start, before
    ``starts_on``, or lasting before the last."""
    previous_end = starts_on
    for i, suspension in enumerate(suspensions):
        if suspension.suspended_on < previous_end:
            raise ValueError(
                f"suspension {i} starts {suspension.suspended_on}, before {previous_end}"
            )
        if suspension.resumed_on is None:
            if i != len(suspensions) - 1:
                raise ValueError(f"suspension {i} lasts, but a later one follows")
            break
        if suspension.resumed_on < suspension.suspended_on:
            raise ValueError(f"suspension {i} ends before it starts")
        previous_end = suspension.resumed_on
    lasting = bool(suspensions) and suspensions[-1].resumed_on is None
    return sum(s.days for s in suspensions), lasting


def compute_deadline(
    clock: Clock,
    *,
    received_on: dt.date,
    starts_on: dt.date,
    calendar: WorkingCalendar,
    procedure: Procedure | None = None,
    extension_days: int = 0,
    suspensions: Sequence[Suspension] = (),
) -> Deadline:
    """The last day of ``clock`` for an application received on ``received_on``.

    The law version comes from ``received_on`` (:func:`law_for`); ``starts_on`` is the day
    the clock counts from (not counted itself): receipt, acceptance, the respondent's or the
    agency's receipt, or, for the hearing notice, the hearing day it counts back from. The
    unit (working or calendar days) and the article are the rule's (:data:`LAW_2023`,
    :data:`LAW_1999`): working-day periods skip weekends and holidays and count make-up
    working days; calendar-day periods end on ``starts_on`` + days, moved to the next working
    day. ``extension_days`` (approved, in the clock's unit) add to the period; for the
    decision clock the days of each :class:`Suspension` add too, and while the last one lasts
    the clock has no due day (``due_on`` None).

    Raises LawVersionUnknown (422) for a receipt before 1999-10-01; ProcedureRequired (422)
    when the clock depends on the procedure and none is given; ClockNotInLaw (422) when the
    law has no such period; ExtensionNotAllowed (422) for a longer extension than the law
    allows; CalendarYearUnknown (409) when the period needs a year the calendar does not
    know; ValueError for a negative extension, suspensions of a clock that does not pause
    or suspensions out of order."""
    law = law_for(received_on)
    rule = law.rule(clock, procedure)
    if extension_days < 0:
        raise ValueError("an extension is not negative")
    if extension_days:
        cap = rule.extension.max_days if rule.extension else 0
        if rule.extension is None or (cap is not None and extension_days > cap):
            allowed = (
                "no extension" if rule.extension is None else f"at most {cap} days"
            )
            raise ExtensionNotAllowed(
                f"{rule.article} allows {allowed} of the {clock} period"
            )
    if suspensions and not rule.pauses_while_suspended:
        raise ValueError(f"a suspension does not stop the {clock} clock")
    suspended, lasting = _suspended_days(starts_on, suspensions)
    length = rule.days + extension_days
    due: dt.date | None
    if lasting:
        due = None
    elif rule.direction is Direction.before:
        due = subtract_working_days(starts_on, length, calendar=calendar)
    elif rule.unit is Unit.working_days:
        due = add_working_days(starts_on, length, calendar=calendar)
    else:
        due = add_calendar_days(starts_on, length + suspended, calendar=calendar)
    return Deadline(
        clock=clock,
        law=law.version,
        article=rule.article,
        unit=rule.unit,
        days=rule.days,
        direction=rule.direction,
        starts_on=starts_on,
        extension_days=extension_days,
        suspended_days=suspended,
        due_on=due,
        rule=rule,
    )
