from __future__ import annotations

from shared.errors import InvalidInput, NotFound, TransitionNotAllowed


class DisputeNotFound(NotFound):
    type_slug = "dispute-not-found"
    title = "Dispute not found"


class DisputeTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "dispute-transition-not-allowed"
    title = "The dispute's status does not allow this command"


class JudicialConfirmationWindowClosed(InvalidInput):
    """An application for judicial confirmation dated after the 30 days the law allows
    (人民调解法 Art. 33)."""

    type_slug = "judicial-confirmation-window-closed"
    title = "The window for judicial confirmation has closed"
