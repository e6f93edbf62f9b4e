"""Field types every aggregate of the mediation service uses."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from shared.errors import InvalidInput
from shared.types import CaseDate

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date_text(value: Any) -> Any:
    # shared.types.CaseDate takes any text pydantic reads as a date, "0" (1970-01-01,
    # seconds since 1970) included; a query parameter is text, so it must be written
    # YYYY-MM-DD as the schema's format says.
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


#: A date in a query string: YYYY-MM-DD only.
QueryDate = Annotated[CaseDate, BeforeValidator(_iso_date_text)]

RegionCode = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{6}$",
        description="County code (GB/T 2260, six digits).",
        examples=["421222"],
    ),
]
TownshipCode = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{9}$",
        description="Township (乡镇) statistical code, nine digits.",
        examples=["421222100"],
    ),
]


def township_in_region(region_code: str, township_code: str | None) -> None:
    """Raise InvalidInput (field ``township_code``) when the township is outside the county."""
    if township_code is not None and not township_code.startswith(region_code):
        raise InvalidInput(
            f"township_code must lie in region {region_code}",
            field="township_code",
            code="not_in_region",
        )
