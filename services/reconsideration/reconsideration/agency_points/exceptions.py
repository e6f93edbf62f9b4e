from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class AgencyPointNotFound(NotFound):
    type_slug = "agency-point-not-found"
    title = "Agency point not found"


class AgencyPointTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "agency-point-transition-not-allowed"
    title = "The agency point's status does not allow this command"
