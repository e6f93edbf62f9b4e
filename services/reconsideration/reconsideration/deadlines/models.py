from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reconsideration.db import Base
from shared.db import RecordMixin
from shared.types import EARLIEST_DATE, LATEST_DATE

#: The span of years a calendar may be loaded for (the span of every date the API takes,
#: shared.types.CaseDate).
EARLIEST_YEAR = EARLIEST_DATE.year
LATEST_YEAR = LATEST_DATE.year


class LawVersion(StrEnum):
    """The version of the Administrative Reconsideration Law whose clocks apply, chosen by
    the receipt date (domain.md §3.2)."""

    #: 1999 law (in force 1999-10-01), amended 2009 and 2017, with its 2007 implementing
    #: regulation: applications received before 2024-01-01.
    law_1999 = "law_1999"
    #: 2023 revision (主席令第9号), in force 2024-01-01.
    law_2023 = "law_2023"


class Clock(StrEnum):
    """The statutory clocks of a reconsideration case (domain.md §3.2), in lifecycle order.
    ``forwarding`` is the penalising agency's 5 working days to pass on an application it
    received (复议法(2023) 第32条)."""

    forwarding = "forwarding"
    acceptance_review = "acceptance_review"
    correction_request = "correction_request"
    applicant_correction = "applicant_correction"
    copy_to_respondent = "copy_to_respondent"
    respondent_reply = "respondent_reply"
    hearing_notice = "hearing_notice"
    decision = "decision"
    opinion_letter_reply = "opinion_letter_reply"


class Unit(StrEnum):
    """How a period counts: working days (weekends and statutory holidays excluded,
    make-up working days included) or calendar days (a last day that is not a working
    day moves to the next working day)."""

    working_days = "working_days"
    calendar_days = "calendar_days"


class Direction(StrEnum):
    """``after``: the period runs from the day after its start. ``before``: the period
    ends before an event (the hearing notice is due that many days before the hearing)."""

    after = "after"
    before = "before"


class LoadedCalendarYear(RecordMixin, Base):
    """A year's holidays and official make-up working days (调休) as an administrator loaded
    them from the State Council General Office's notice; it overrides the package's year.

    The dates are ISO strings (``YYYY-MM-DD``), each in ``year``, sorted, without repeats."""

    __tablename__ = "calendar_years"
    __table_args__ = (
        CheckConstraint(
            f"year >= {EARLIEST_YEAR} AND year <= {LATEST_YEAR}", name="year_in_span"
        ),
    )

    year: Mapped[int] = mapped_column(Integer, unique=True)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    makeup_working_days: Mapped[list[str]] = mapped_column(JSON)
    notice: Mapped[str | None] = mapped_column(String(200))
    loaded_by: Mapped[str] = mapped_column(String(200))


class DeadlineState(StrEnum):
    """Where a stored clock of an application stands.

    - ``open``: running; ``due_on`` is its last day;
    - ``met``: the step it waited for happened on ``met_on`` (late when after ``due_on``);
    - ``paused``: not running (the decision clock while the case is suspended, the
      acceptance review while a correction is awaited); no ``due_on`` until it runs again;
    - ``calendar_unknown``: running, but its last day needs a year of the working-day
      calendar nobody loaded (``unknown_year``); never guessed;
    - ``ended``: the case ended another way (abandoned, concluded before the step), so the
      clock no longer runs."""

    open = "open"
    met = "met"
    paused = "paused"
    calendar_unknown = "calendar_unknown"
    ended = "ended"

    @classmethod
    def pending(cls) -> frozenset[DeadlineState]:
        """The states of a clock still to be met (what the office works from)."""
        return frozenset({cls.open, cls.paused, cls.calendar_unknown})


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40)


class ApplicationDeadline(RecordMixin, Base):
    """One statutory clock of one application (domain.md §3.2), recomputed with the
    application in the same transaction whenever it is created, a command is applied, or a
    calendar year it depends on is loaded (reconsideration.deadlines.tracking)."""

    __tablename__ = "application_deadlines"
    __table_args__ = (
        UniqueConstraint("application_id", "clock"),
        Index("ix_application_deadlines_state_due_on", "state", "due_on"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reconsideration_applications.id", ondelete="CASCADE"), index=True
    )
    clock: Mapped[Clock] = mapped_column(_enum(Clock, "deadline_clock"))
    law: Mapped[LawVersion] = mapped_column(_enum(LawVersion, "deadline_law"))
    article: Mapped[str] = mapped_column(String(100))
    unit: Mapped[Unit] = mapped_column(_enum(Unit, "deadline_unit"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    suspended_days: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[DeadlineState] = mapped_column(_enum(DeadlineState, "deadline_state"))
    met_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The calendar year nobody loaded that ``due_on`` needs (state ``calendar_unknown``).
    unknown_year: Mapped[int | None] = mapped_column(Integer)
