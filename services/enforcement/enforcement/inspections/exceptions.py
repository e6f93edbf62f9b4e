from __future__ import annotations

from shared.errors import NotFound, TransitionNotAllowed


class InspectionItemNotFound(NotFound):
    type_slug = "inspection-item-not-found"
    title = "Inspection item not found"


class InspectionItemTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "inspection-item-transition-not-allowed"
    title = "The inspection item's state does not allow this command"


class RandomInspectionNotFound(NotFound):
    type_slug = "random-inspection-not-found"
    title = "Random inspection not found"


class RandomInspectionTransitionNotAllowed(TransitionNotAllowed):
    type_slug = "random-inspection-transition-not-allowed"
    title = "The random inspection's state does not allow this command"
