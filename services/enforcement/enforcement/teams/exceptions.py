from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class TeamNotFound(NotFound):
    type_slug = "team-not-found"
    title = "Comprehensive enforcement team not found"


class TeamTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "team-transition-not-allowed"
    title = "The team's state does not allow this command"
