"""Field types for request bodies that every service uses.

- :data:`CaseDate`: a calendar date between 1949-10-01 and 2100-12-31, written as JSON text
  (``"2023-05-01"``); outside that range a date is a typing error, and deadline arithmetic
  on it would overflow.
- :data:`PastDate`: a :data:`CaseDate` not after today (Asia/Shanghai): the date a step
  of a case happened.
- :data:`Yuan`: an amount of money in yuan, a decimal string or number with at most two
  decimals, ASCII digits only, returned normalised to two decimals.
- :data:`Label` and :data:`Prose`: text stripped of surrounding whitespace, not blank,
  without control or invisible characters (prose keeps line breaks and tabs).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

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


_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_text(value: Any) -> Any:
    """A date arrives as JSON text (``"2023-05-01"``); pydantic alone would also take a
    number as seconds since 1970 (``0`` is 1970-01-01), which the schema does not offer."""
    if isinstance(value, dt.date) or (
        isinstance(value, str) and _DATE_TEXT.fullmatch(value)
    ):
        return value
    # Not even "0" or "1700000000": pydantic reads digit strings as seconds since 1970.
    raise ValueError("must be a date written YYYY-MM-DD")


CaseDate = Annotated[
    dt.date,
    BeforeValidator(_date_text),
    Field(ge=EARLIEST_DATE, le=LATEST_DATE),
    # The span in the OpenAPI document: JSON Schema's keywords for the bounds of a format (as
    # ajv-formats reads them); pydantic would write its own `ge` and `le`, which no tool reads.
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "formatMinimum": EARLIEST_DATE.isoformat(),
            "formatMaximum": LATEST_DATE.isoformat(),
        }
    ),
]
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
    Field(ge=0, le=MAX_YUAN),
    # What the validators accept, stated for the OpenAPI document (pydantic would write an
    # unconstrained string and its own `ge` and `le`, which no tool reads).
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _YUAN_RE.pattern},
                {"type": "number", "minimum": 0, "maximum": float(MAX_YUAN)},
            ],
            "description": "Yuan, at most two decimals, as a decimal string (a JSON number "
            "is accepted too).",
            "examples": ["1200.50"],
        }
    ),
    AfterValidator(_two_decimals),
]


#: Unicode categories no label holds: controls (Cc), invisible format characters such as
#: zero-width spaces and bidirectional overrides (Cf), line and paragraph separators (Zl, Zp),
#: private-use and surrogate code points (Co, Cs).
_NOT_IN_LABELS = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})
#: In prose, line breaks and tabs are text; the rest of the above is not.
_PROSE_CONTROLS = frozenset("\n\r\t")


def _clean(value: str, *, prose: bool) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    for char in value:
        if unicodedata.category(char) in _NOT_IN_LABELS and not (
            prose and char in _PROSE_CONTROLS
        ):
            raise ValueError(
                f"must not contain the invisible or control character U+{ord(char):04X}"
            )
    return value


def _label(value: str) -> str:
    return _clean(value, prose=False)


def _prose(value: str) -> str:
    return _clean(value, prose=True)


#: A name or a short label (a person, an agency, a court, a place): one line, stripped of
#: surrounding whitespace, not blank, without control or invisible characters (so that
#: "县公安局" and "县公安局 " are one agency in the statistics). Raises ValueError (422).
Label = Annotated[str, AfterValidator(_label)]
#: Free text (a reason, an opinion, terms): stripped, not blank; line breaks and tabs are
#: allowed, other control or invisible characters are not. Raises ValueError (422).
Prose = Annotated[str, AfterValidator(_prose)]


# --- Region codes (GB/T 2260) ----------------------------------------------------------------

#: The two-digit codes of China's provincial-level divisions (GB/T 2260).
PROVINCE_PREFIXES = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82"),
    }
)
#: The scope code of the whole country.
COUNTRY_CODE = "000000"


def _county_code(value: str) -> str:
    if value[:2] not in PROVINCE_PREFIXES or value.endswith("00"):
        raise ValueError(
            "a county code (GB/T 2260: a known province's two digits, and not ending in"
            " 00, which is a province or prefecture): these figures are kept per county"
        )
    return value


def _statistics_scope(value: str) -> str:
    if value == COUNTRY_CODE:
        return value
    if value[:2] not in PROVINCE_PREFIXES:
        raise ValueError("not a known province's code (GB/T 2260)")
    if value.endswith("0000") or not value.endswith("00"):
        return value
    raise ValueError(
        "a county, a province (PP0000) or the country (000000); a prefecture's figures"
        " are not kept: ask for its counties"
    )


#: A county's code (区县, GB/T 2260 six digits); a province's or prefecture's is refused.
CountyCode = Annotated[
    str,
    Field(pattern=r"^[0-9]{6}$", examples=["421222"]),
    AfterValidator(_county_code),
]
#: The scope of figures kept per county, province and country: a county code, a province
#: code (``PP0000``) or ``000000``; a prefecture (``PPCC00``) is refused.
StatisticsScope = Annotated[
    str,
    Field(pattern=r"^[0-9]{6}$", examples=["421222", "420000", "000000"]),
    AfterValidator(_statistics_scope),
]
