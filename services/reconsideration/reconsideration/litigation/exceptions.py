from __future__ import annotations

from shared.errors import Conflict, NotFound, TransitionNotAllowed


class LitigationCaseNotFound(NotFound):
    type_slug = "litigation-case-not-found"
    title = "Litigation case not found"


class HearingNotFound(NotFound):
    type_slug = "hearing-not-found"
    title = "Hearing not found"


class LitigationCaseNumberTaken(Conflict):
    type_slug = "litigation-case-number-taken"
    title = "A litigation case with this number exists in the region"


class LitigationTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "litigation-transition-not-allowed"
    title = "The litigation case's status does not allow this command"
