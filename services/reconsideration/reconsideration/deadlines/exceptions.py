from __future__ import annotations

import datetime as dt

from shared.errors import InvalidInput, NotFound
from shared.working_days import CalendarYearUnknown


class CalendarYearNotFound(NotFound):
    """``GET /calendar-years/{year}`` for a year neither the package nor a load covers."""

    type_slug = "calendar-year-not-found"
    title = "Calendar year not found"


class DeadlineInputError(InvalidInput):
    """A 422 about one argument of a deadline. ``errors`` names it as the deadline operation
    (``GET /api/v1/deadlines/{clock}``) does: ``received_on``, ``procedure``,
    ``extension_days`` (query) or ``clock`` (path); a service that takes these facts under
    other names may catch it and raise its own."""

    def __init__(
        self, detail: str, *, field: str, code: str, location: str = "query"
    ) -> None:
        super().__init__(detail, field=field, location=location, code=code)


class LawVersionUnknown(DeadlineInputError):
    """The receipt date is before 1999-10-01, when the first Administrative
    Reconsideration Law took effect: the engine has no clocks for it."""

    type_slug = "law-version-unknown"
    title = "No reconsideration law for the receipt date"

    def __init__(self, received_on: dt.date) -> None:
        super().__init__(
            f"No Administrative Reconsideration Law was in force on {received_on} "
            "(the first took effect on 1999-10-01)",
            field="received_on",
            code="before_first_law",
        )


class ClockNotInLaw(DeadlineInputError):
    """The law version that applies has no such statutory period (e.g. the simplified
    procedure before 2024, or the applicant's correction period, which the 1999 law's
    regulation leaves to the correction notice)."""

    type_slug = "clock-not-in-law"
    title = "The applicable law has no such period"


class ProcedureRequired(DeadlineInputError):
    """The clock's length depends on the procedure (ordinary or simplified), and none was
    given."""

    type_slug = "procedure-required"
    title = "The procedure is needed for this clock"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="procedure", code="required_for_clock")


class ExtensionNotAllowed(DeadlineInputError):
    """An extension longer than the law allows for the clock (or any extension where the
    law allows none)."""

    type_slug = "extension-not-allowed"
    title = "Extension not allowed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="extension_days", code="longer_than_the_law")


__all__ = ["CalendarYearUnknown"]
