from __future__ import annotations

from shared.errors import Conflict, NotFound


class ScreeningRoundNotFound(NotFound):
    type_slug = "screening-round-not-found"
    title = "Screening round not found"


class ScreeningRoundExhausted(Conflict):
    """Every dispute the round found is already registered (a zero report found none)."""

    type_slug = "screening-round-exhausted"
    title = "The screening round has no dispute left to register"
