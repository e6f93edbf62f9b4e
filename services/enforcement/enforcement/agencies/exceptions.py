from __future__ import annotations

from shared.errors import Conflict, NotFound


class AgencyNotFound(NotFound):
    type_slug = "agency-not-found"
    title = "Enforcement agency not found"


class AgencyNameTaken(Conflict):
    type_slug = "agency-name-taken"
    title = "The county already has an enforcement agency of this name"
