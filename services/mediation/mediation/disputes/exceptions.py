from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class DisputeNotFound(NotFound):
    type_slug = "dispute-not-found"
    title = "Dispute not found"


class DisputeTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "dispute-transition-not-allowed"
    title = "The dispute's status does not allow this command"
