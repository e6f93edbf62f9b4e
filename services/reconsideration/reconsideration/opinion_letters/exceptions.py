from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class OpinionLetterNotFound(NotFound):
    type_slug = "opinion-letter-not-found"
    title = "Opinion letter not found"


class OpinionLetterTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "opinion-letter-transition-not-allowed"
    title = "The opinion letter's status does not allow this command"
