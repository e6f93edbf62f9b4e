"""Field types for request bodies that every service uses.

- :data:`CaseDate`: a calendar date between 1949-10-01 and 2100-12-31; outside that range
  a date is a typing error, and deadline arithmetic on it would overflow.
- :data:`PastDate`: a :data:`CaseDate` not after today (Asia/Shanghai): the date a step
  of a case happened.
- :data:`Yuan`: an amount of money in yuan, a decimal string or number with at most two
  decimals, ASCII digits only, returned normalised to two decimals.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field

EARLIEST_DATE = dt.date(1949, 10, 1)
LATEST_DATE = dt.date(2100, 12, 31)
#: Dates are business dates of a Chinese county: "today" is today in Beijing time.
BUSINESS_TIME_ZONE = ZoneInfo("Asia/Shanghai")
MAX_YUAN = Decimal("999999999999.99")
_YUAN_RE = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")


def today() -> dt.date:
    return dt.datetime.now(BUSINESS_TIME_ZONE).date()


def _not_in_future(value: dt.date) -> dt.date:
    if value > today():
        raise ValueError("must not be in the future")
    return value


CaseDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
PastDate = Annotated[CaseDate, AfterValidator(_not_in_future)]


def _parse_yuan(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be an amount in yuan")
    if isinstance(value, int | float):
        value = str(value)
    if isinstance(value, str):
        if not _YUAN_RE.match(value):
            raise ValueError(
                "must be an amount in yuan with ASCII digits and at most two decimals, e.g. 1200.50"
            )
        try:
            return Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern excludes it
            raise ValueError("must be an amount in yuan") from exc
    return value


def _two_decimals(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


Yuan = Annotated[
    Decimal,
    BeforeValidator(_parse_yuan),
    Field(
        ge=0,
        le=MAX_YUAN,
        description="Yuan, at most two decimals, as a decimal string.",
        examples=["1200.50"],
    ),
    AfterValidator(_two_decimals),
]
