from __future__ import annotations

from shared.errors import Conflict, NotFound


class MediatorNotFound(NotFound):
    type_slug = "mediator-not-found"
    title = "Mediator not found"


class TrainingAlreadyAttended(Conflict):
    type_slug = "training-already-attended"
    title = "The mediator's attendance of this training is already recorded"
