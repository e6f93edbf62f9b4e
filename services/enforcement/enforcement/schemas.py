"""Field types and checks every aggregate of the enforcement service uses."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
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
Year = Annotated[int, Field(ge=1949, le=2100)]


def not_before(
    later: dt.date | None, earlier: dt.date, *, field: str, what: str
) -> None:
    """Raise InvalidInput (``field``, code ``too_early``) when ``later`` is before ``earlier``."""
    if later is not None and later < earlier:
        raise InvalidInput(
            f"{field} is before {what} ({earlier})", field=field, code="too_early"
        )


def distinct_ids(ids: Sequence[uuid.UUID], *, field: str) -> None:
    """Raise InvalidInput (``<field>.<index>``, code ``duplicate``) for an id listed twice."""
    seen: set[uuid.UUID] = set()
    for index, id_ in enumerate(ids):
        if id_ in seen:
            raise InvalidInput(
                f"{field} lists {id_} twice", field=f"{field}.{index}", code="duplicate"
            )
        seen.add(id_)
