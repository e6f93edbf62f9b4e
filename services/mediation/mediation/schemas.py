"""Field types every aggregate of the mediation service uses."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.errors import InvalidInput

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
