from __future__ import annotations

from shared.errors import InvalidInput, NotFound


class CommitteeNotFound(NotFound):
    type_slug = "committee-not-found"
    title = "Mediation committee not found"


class CommitteeNotInRegion(InvalidInput):
    type_slug = "committee-not-in-region"
    title = "Committee belongs to another region"
