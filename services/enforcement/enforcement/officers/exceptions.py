from __future__ import annotations

from shared.errors import Conflict, NotFound, TransitionNotAllowed


class OfficerNotFound(NotFound):
    type_slug = "officer-not-found"
    title = "Officer not found"


class CertificateNumberTaken(Conflict):
    type_slug = "certificate-number-taken"
    title = "Another officer holds this certificate number"


class OfficerTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "officer-transition-not-allowed"
    title = "The officer's record does not allow this command"
