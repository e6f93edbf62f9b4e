from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class ApplicationNotFound(NotFound):
    type_slug = "application-not-found"
    title = "Reconsideration application not found"


class ApplicationTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "application-transition-not-allowed"
    title = "The application's status does not allow this command"
