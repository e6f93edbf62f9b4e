from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class CampaignNotFound(NotFound):
    type_slug = "special-campaign-not-found"
    title = "Special campaign not found"


class ProblemClueNotFound(NotFound):
    type_slug = "problem-clue-not-found"
    title = "Problem clue not found"


class ProblemClueTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "problem-clue-transition-not-allowed"
    title = "The problem clue's state does not allow this command"
