from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class JudgmentPerformanceNotFound(NotFound):
    type_slug = "judgment-performance-not-found"
    title = "Judgment performance item not found"


class JudgmentPerformanceTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "judgment-performance-transition-not-allowed"
    title = "The judgment performance item's state does not allow this command"
