from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class TipNotFound(NotFound):
    type_slug = "tip-not-found"
    title = "Tip not found"


class TipTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "tip-transition-not-allowed"
    title = "The tip's status does not allow this command"
