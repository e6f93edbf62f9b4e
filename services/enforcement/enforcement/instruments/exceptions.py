from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class InstrumentNotFound(NotFound):
    type_slug = "instrument-not-found"
    title = "Supervision instrument not found"


class InstrumentTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "instrument-transition-not-allowed"
    title = "The instrument's status does not allow this command"
